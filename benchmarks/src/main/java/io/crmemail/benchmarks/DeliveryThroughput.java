package io.crmemail.benchmarks;

import io.crmemail.core.EmailService;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.store.EmailStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivery throughput, end to end: messages sent through {@link EmailService#send} and delivered by the
 * engine to a local SMTP sink, against two baselines measured in the same run on the same sink.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.crmemail.benchmarks.DeliveryThroughput \
 *     [--messages 20000] [--store h2,postgres] [--runs 3] [--sink auto|builtin|postfix]
 *     [--workers 2] [--connections 2] [--baseline-messages 5000] [--lean] [--transport pipelined|angus]
 *     [--producers 1]
 * </pre>
 *
 * {@code --producers} is the number of threads calling {@code send} during end-to-end (a host sends from many
 * request threads at once; one producer measures the enqueue latency of a single caller as well).
 *
 * {@code --transport} chooses the engine's SMTP client for relays: our pipelined one (the default) or Angus.
 *
 * A first round (run 0, up to 5,000 messages) warms every path up and is not counted. Then per run and
 * store, on a fresh database: a warm-up of 1,000 messages (not counted), then
 * <b>end-to-end</b> — one producer thread (or --producers) enqueues N messages while the engine delivers; the clock runs
 * from the first {@code send} to the N-th message accepted by the server — and <b>drain</b> — N messages
 * enqueued first with no workers running, then an engine started; the clock runs from the start until the
 * N-th acceptance. Only messages the SMTP server answered 250 to are counted; after each run the store is
 * checked: every message must be {@code sent}. Medians over the runs are printed at the end.
 */
public final class DeliveryThroughput {

    private static final int WARMUP = 1000;
    private static int producers = 1;

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        int messages = args.getInt("messages", 20_000);
        int runs = args.getInt("runs", 3);
        int workers = args.getInt("workers", 2);
        int connections = args.getInt("connections", 2);
        int baselineMessages = args.getInt("baseline-messages", 5_000);
        producers = args.getInt("producers", 1);
        List<String> stores = List.of(args.get("store", "h2,postgres").split(","));
        String transport = args.get("transport", "pipelined");
        if (!transport.equals("pipelined") && !transport.equals("angus")) {
            throw new IllegalArgumentException("--transport must be pipelined or angus, not " + transport);
        }
        CountingTransports.usePipelining(transport.equals("pipelined"));
        Map<String, List<Double>> results = new LinkedHashMap<>();

        System.out.println("# DeliveryThroughput " + String.join(" ", argv) + " (engine transport: " + transport + ")");
        System.out.println("# " + Machine.describe());
        try (Sinks.Sink sink = Sinks.start(args.get("sink", "auto"));
             BenchStores storeFactory = new BenchStores()) {
            System.out.println("# sink: " + sink.describe() + " on port " + sink.port());
            // Run 0 warms the JIT up on every path (baselines, each store, prototype) and is not counted:
            // without it the first run was up to 2.5x slower in CPU per message than the next ones.
            for (int run = 0; run <= runs; run++) {
                Map<String, List<Double>> into = run == 0 ? new LinkedHashMap<>() : results;
                int n = run == 0 ? Math.min(messages, 5_000) : messages;
                int nBaseline = run == 0 ? Math.min(baselineMessages, 1_000) : baselineMessages;
                if (run == 0) {
                    System.out.println("run 0 is the warm-up round, not counted");
                }
                Baselines baselines = new Baselines(sink.port());
                record(into, "baseline Transport.send, new connection per message",
                        baselines.perMessageConnection(200, nBaseline), run);
                record(into, "baseline one reused SMTPTransport, sendMessage loop",
                        baselines.reusedConnection(500, nBaseline), run);
                for (String kind : stores) {
                    EmailStore store = storeFactory.open(kind, 10);
                    Path files = Files.createTempDirectory("crm-email-bench-files");
                    try {
                        BenchCrm crm = new BenchCrm(store, files, sink.port(), connections);
                        storeFactory.topStatements(1);
                        double[] e2e = endToEnd(crm, n, workers);
                        System.out.print(storeFactory.topStatements(n + WARMUP));
                        record(into, "engine end-to-end, " + kind, e2e[0], run);
                        record(into, "  enqueue rate during end-to-end, " + kind, e2e[1], run);
                        record(into, "  process CPU µs per message, end-to-end, " + kind, e2e[2], run);
                        record(into, "  SQL statements + commits per message, end-to-end, " + kind, e2e[3], run);
                        if (kind.equals("postgres")) {
                            record(into, "  PostgreSQL server CPU µs per message, end-to-end", e2e[4], run);
                        }
                        storeFactory.topStatements(1);
                        double[] drained = drain(crm, n, workers);
                        System.out.print(storeFactory.topStatements(n));
                        record(into, "engine drain of a full queue, " + kind, drained[0], run);
                        record(into, "  process CPU µs per message, drain, " + kind, drained[1], run);
                        record(into, "  SQL statements + commits per message, drain, " + kind, drained[2], run);
                        if (kind.equals("postgres")) {
                            record(into, "  PostgreSQL server CPU µs per message, drain", drained[3], run);
                        }
                        verifyAllSent(crm.store, WARMUP + 2 * n);
                    } finally {
                        BenchStores.deleteTree(files);
                    }
                }
                if (args.has("lean")) {
                    LeanSmtp lean = new LeanSmtp(sink.port());
                    record(into, "prototype pipelined, pre-encoded, 1 connection",
                            lean.run(1, nBaseline, false), run);
                    record(into, "prototype pipelined, composed per message, 1 connection",
                            lean.run(1, nBaseline, true), run);
                    record(into, "prototype pipelined, composed per message, " + connections + " connections",
                            lean.run(connections, nBaseline, true), run);
                }
            }
            System.out.println("# " + sink.stats());
        }
        System.out.println();
        System.out.println("# medians of " + runs + " runs, messages/s unless said otherwise (runs in brackets)");
        results.forEach((name, values) -> System.out.printf("%-62s %8s   [%s]%n", name,
                Stats.fmt(Stats.median(values)), Stats.list(values)));
        System.exit(0);
    }

    private static void record(Map<String, List<Double>> results, String name, double value, int run) {
        results.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        System.out.printf("run %d: %-62s %8s%n", run, name, Stats.fmt(value));
    }

    /**
     * {messages/s end to end, messages/s enqueued, process CPU microseconds per message, SQL statements and commits
     * per message (0 for the in-memory store)}.
     */
    static double[] endToEnd(BenchCrm crm, int n, int workers) throws Exception {
        CountingTransports counting = new CountingTransports();
        try (EmailService service = crm.service(counting).workers(workers).build().start()) {
            enqueue(service, crm, 0, WARMUP);
            require(counting.awaitSent(WARMUP, 120_000), "warm-up not delivered: " + counting.sent);
            long cpu = processCpuNanos();
            long serverCpu = Machine.postgresCpuNanos();
            long sql = SqlCounter.roundTrips();
            SqlCounter.BY_SQL.clear();
            long start = System.nanoTime();
            enqueueConcurrently(service, crm, WARMUP, n);
            double enqueueRate = Baselines.rate(n, start);
            require(counting.awaitSent(WARMUP + n, 600_000), "not all delivered: " + counting.sent);
            double rate = Baselines.rate(n, start);
            double cpuPerMessage = (processCpuNanos() - cpu) / 1e3 / n;
            double serverCpuPerMessage = (Machine.postgresCpuNanos() - serverCpu) / 1e3 / n;
            double sqlPerMessage = (double) (SqlCounter.roundTrips() - sql) / n;
            System.out.print(SqlCounter.tallyPerMessage(n));
            require(counting.failed.get() == 0, counting.failed + " sends failed");
            return new double[] {rate, enqueueRate, cpuPerMessage, sqlPerMessage, serverCpuPerMessage};
        }
    }

    /** {messages/s, process CPU µs per message, SQL statements and commits per message} of a drain of N messages. */
    static double[] drain(BenchCrm crm, int n, int workers) throws Exception {
        try (EmailService producer = crm.service(new CountingTransports()).workers(0).build()) {
            enqueue(producer, crm, 0, n);
        }
        CountingTransports counting = new CountingTransports();
        long cpu = processCpuNanos();
        long serverCpu = Machine.postgresCpuNanos();
        long sql = SqlCounter.roundTrips();
        SqlCounter.BY_SQL.clear();
        long start = System.nanoTime();
        try (EmailService service = crm.service(counting).workers(workers).build().start()) {
            require(counting.awaitSent(n, 600_000), "not all delivered: " + counting.sent);
            double rate = Baselines.rate(n, start);
            double cpuPerMessage = (processCpuNanos() - cpu) / 1e3 / n;
            double serverCpuPerMessage = (Machine.postgresCpuNanos() - serverCpu) / 1e3 / n;
            double sqlPerMessage = (double) (SqlCounter.roundTrips() - sql) / n;
            System.out.print(SqlCounter.tallyPerMessage(n));
            require(counting.failed.get() == 0, counting.failed + " sends failed");
            return new double[] {rate, cpuPerMessage, sqlPerMessage, serverCpuPerMessage};
        }
    }

    /**
     * CPU time of this whole process (the built-in sink included): less disturbed than wall time by other
     * work on the machine, so it is the figure to compare engine changes by.
     */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** {@link #enqueue} split over {@code producers} threads, each a consecutive range. */
    private static void enqueueConcurrently(EmailService service, BenchCrm crm, int from, int count)
            throws InterruptedException {
        if (producers <= 1) {
            enqueue(service, crm, from, count);
            return;
        }
        List<Thread> threads = new ArrayList<>();
        var failure = new java.util.concurrent.atomic.AtomicReference<RuntimeException>();
        for (int p = 0; p < producers; p++) {
            int start = from + (int) ((long) count * p / producers);
            int end = from + (int) ((long) count * (p + 1) / producers);
            Thread t = new Thread(() -> {
                try {
                    enqueue(service, crm, start, end - start);
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-producer-" + p);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    private static void enqueue(EmailService service, BenchCrm crm, int from, int count) {
        for (int i = from; i < from + count; i++) {
            service.send(BenchCrm.CALLER, crm.request(i));
        }
    }

    /** Every email comment of the bench table is {@code sent}, and there are as many as expected. */
    static void verifyAllSent(EmailStore store, int expected) {
        AtomicInteger sent = new AtomicInteger();
        int total = 0;
        for (int r = 1; r <= BenchCrm.RECORDS; r++) {
            for (EmailMessage m : store.listForRecord(BenchCrm.ACCOUNT, new RecordRef(BenchCrm.TABLE, r))) {
                total++;
                if (m.status() == EmailStatus.SENT) {
                    sent.incrementAndGet();
                }
            }
        }
        require(total == expected && sent.get() == expected,
                "store check: expected " + expected + " sent, found " + sent + " sent of " + total);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }
}
