package io.crmemail.benchmarks;

import io.crmemail.core.EmailService;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.TokenKind;
import io.crmemail.core.store.TrackingToken;
import io.crmemail.core.tracking.OpenRecording;
import io.crmemail.core.tracking.TrackingCounts;
import io.crmemail.servlet.AuthenticatedUser;
import io.crmemail.servlet.BearerTokenAuthenticator;
import io.crmemail.servlet.CrmEmailServlets;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * HTTP load through the real servlets on Jetty 12: sustained {@code POST /api/email/send} (the send path
 * writes the message to the store; the delivery workers run and deliver to the SMTP sink meanwhile, as in
 * a host), then {@code GET /email/pixel/{token}.png} with tokens of sent messages (each hit records an open).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.crmemail.benchmarks.HttpLoad \
 *     [--store h2|h2mem|postgres|memory] [--runs 3] [--seconds 15] [--send-clients 8] [--pixel-clients 16]
 *     [--opens queued|sync]
 * </pre>
 *
 * Pixel hits are recorded as the service's default does ({@code --opens queued}: a bounded queue written in
 * batches; hits that do not fit are dropped and counted) or one store transaction per hit in the request thread
 * ({@code --opens sync}). After each pixel measurement the queue is flushed and the hits written, dropped and
 * failed are printed with how long the flush took: requests/s alone would hide a writer that falls behind.
 *
 * The load generator is closed-loop: each client is one keep-alive connection on a raw socket that sends
 * a request, reads the whole response and sends the next. Requests/s counts only 2xx answers (anything
 * else is reported as an error); latency is from writing the request to reading the last byte of the
 * response. Run 0 is a warm-up round and each run has a 5 s warm-up, neither counted. The load generator
 * shares the 2 cores with the server.
 */
public final class HttpLoad {

    private static final String TOKEN = "bench-token";

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String storeKind = args.get("store", "h2");
        int runs = args.getInt("runs", 3);
        int seconds = args.getInt("seconds", 15);
        int sendClients = args.getInt("send-clients", 8);
        int pixelClients = args.getInt("pixel-clients", 16);
        OpenRecording opens = switch (args.get("opens", "queued")) {
            case "queued" -> OpenRecording.DEFAULT;
            case "sync" -> OpenRecording.synchronous();
            default -> throw new IllegalArgumentException("--opens must be queued or sync");
        };
        System.out.println("# HttpLoad " + String.join(" ", argv));
        System.out.println("# " + Machine.describe());
        List<Double> sendRates = new ArrayList<>();
        List<Double> sendP50 = new ArrayList<>();
        List<Double> sendP99 = new ArrayList<>();
        List<Double> pixelRates = new ArrayList<>();
        List<Double> pixelP99 = new ArrayList<>();
        try (SmtpSink sink = SmtpSink.start(); BenchStores stores = new BenchStores()) {
            // Run 0 warms the JIT up on both endpoints and is not counted (as in DeliveryThroughput).
            for (int run = 0; run <= runs; run++) {
                boolean counted = run > 0;
                EmailStore store = stores.open(storeKind, 16);
                Path files = Files.createTempDirectory("crm-email-bench-http");
                BenchCrm crm = new BenchCrm(store, files, sink.port(), 2);
                try (EmailService service = crm.service(new CountingTransports()).openRecording(opens).build()
                        .start()) {
                    Server jetty = jetty(service);
                    int port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
                    try {
                        String body = sendJson(crm.integration.id());
                        IntFunction<byte[]> send = i -> request("POST", "/api/email/send", body);
                        Result warm = load(port, sendClients, 5, send);
                        Result r = load(port, sendClients, seconds, send);
                        print(run, "POST /api/email/send (" + storeKind + ")", r, warm);
                        if (counted) {
                            sendRates.add(r.rate());
                            sendP50.add(r.p50Millis());
                            sendP99.add(r.p99Millis());
                        }

                        List<String> tokens = pixelTokens(store, 2000);
                        IntFunction<byte[]> pixel = i -> request("GET",
                                "/email/pixel/" + tokens.get(Math.floorMod(i, tokens.size())) + ".png", null);
                        Result pwarm = load(port, pixelClients, 5, pixel);
                        service.flushTracking();
                        TrackingCounts before = service.trackingCounts();
                        Result p = load(port, pixelClients, seconds, pixel);
                        print(run, "GET /email/pixel/{token}.png (" + storeKind + ")", p, pwarm);
                        printOpens(service, before);
                        if (counted) {
                            pixelRates.add(p.rate());
                            pixelP99.add(p.p99Millis());
                        }
                    } finally {
                        jetty.stop();
                    }
                } finally {
                    BenchStores.deleteTree(files);
                }
            }
        }
        System.out.println();
        System.out.printf("# medians of %d runs (%s store, %d send clients, %d pixel clients)%n", runs, storeKind,
                sendClients, pixelClients);
        System.out.printf("send:  %s req/s  p50 %.1f ms  p99 %.1f ms   [%s]%n", Stats.fmt(Stats.median(sendRates)),
                Stats.median(sendP50), Stats.median(sendP99), Stats.list(sendRates));
        System.out.printf("pixel: %s req/s  p99 %.1f ms   [%s]%n", Stats.fmt(Stats.median(pixelRates)),
                Stats.median(pixelP99), Stats.list(pixelRates));
        System.exit(0);
    }

    static Server jetty(EmailService service) throws Exception {
        CrmEmailServlets servlets = CrmEmailServlets.builder(service)
                .authenticator(new BearerTokenAuthenticator(t -> TOKEN.equals(t)
                        ? Optional.of(AuthenticatedUser.of(BenchCrm.CALLER)) : Optional.empty()))
                .accessPolicy((caller, tableId) -> true)
                .build();
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        servlets.mount(context.getServletContext());
        jetty.setHandler(context);
        jetty.start();
        return jetty;
    }

    static String sendJson(long integrationId) {
        String body = BenchCrm.BODY.replace("\"", "\\\"");
        return """
                {"tableId":123,"recordId":7,"smtpIntegrationId":%d,
                 "fromIdentity":{"name":"Sales","email":"sales@acme.com"},
                 "to":["Jane Doe <lead7@example.org>"],"cc":[],"bcc":[],
                 "subject":"%s","body":"%s"}""".formatted(integrationId, BenchCrm.SUBJECT, body);
    }

    /** Pixel tokens of up to {@code max} messages of record 7 (the ones the send load created). */
    static List<String> pixelTokens(EmailStore store, int max) {
        List<String> tokens = new ArrayList<>();
        for (EmailMessage m : store.listForRecord(BenchCrm.ACCOUNT, new RecordRef(BenchCrm.TABLE, 7))) {
            for (TrackingToken t : store.tokens(m.id())) {
                if (t.kind() == TokenKind.PIXEL) {
                    tokens.add(t.token());
                }
            }
            if (tokens.size() >= max) {
                break;
            }
        }
        if (tokens.isEmpty()) {
            throw new IllegalStateException("no pixel tokens: did the send load store anything?");
        }
        return tokens;
    }

    static byte[] request(String method, String path, String json) {
        StringBuilder r = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\nUser-Agent: crm-email-bench\r\n");
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        if (json != null) {
            r.append("Authorization: Bearer ").append(TOKEN).append("\r\nContent-Type: application/json\r\n")
                    .append("Content-Length: ").append(body.length).append("\r\n");
        }
        byte[] head = r.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    record Result(long ok, long errors, double seconds, long[] latencies, int count) {
        double rate() {
            return ok / seconds;
        }

        double p50Millis() {
            return Stats.percentile(latencies, count, 50) / 1e6;
        }

        double p99Millis() {
            return Stats.percentile(latencies, count, 99) / 1e6;
        }
    }

    /** What became of the measured hits: written, dropped (queue full), failed; and the queue's drain time. */
    private static void printOpens(EmailService service, TrackingCounts before) {
        long t0 = System.nanoTime();
        boolean flushed = service.flushTracking();
        double drainMillis = (System.nanoTime() - t0) / 1e6;
        TrackingCounts after = service.trackingCounts();
        System.out.printf(Locale.ROOT, "       opens written %d, dropped %d, failed %d; queue drained in %.0f ms%s%n",
                after.opensWritten() - before.opensWritten(), after.opensDropped() - before.opensDropped(),
                after.opensFailed() - before.opensFailed(), drainMillis, flushed ? "" : " (flush timed out)");
    }

    private static void print(int run, String name, Result r, Result warm) {
        System.out.printf(Locale.ROOT, "run %d: %-44s %8s req/s  p50 %6.1f ms  p99 %6.1f ms  errors %d"
                        + "  (warm-up %s req/s)%n", run, name, Stats.fmt(r.rate()), r.p50Millis(), r.p99Millis(),
                r.errors(), Stats.fmt(warm.rate()));
    }

    /** Closed-loop load for {@code seconds} with {@code clients} keep-alive connections. */
    static Result load(int port, int clients, int seconds, IntFunction<byte[]> requests) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Client> all = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            all.add(new Client(port, requests, c, stop));
        }
        long start = System.nanoTime();
        all.forEach(Thread::start);
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        double elapsed = (System.nanoTime() - start) / 1e9;
        long ok = 0;
        long errors = 0;
        int count = 0;
        for (Client c : all) {
            c.join();
            if (c.failure != null) {
                throw new IllegalStateException("client failed", c.failure);
            }
            ok += c.ok;
            errors += c.errors;
            count += c.count;
        }
        long[] latencies = new long[count];
        int at = 0;
        for (Client c : all) {
            System.arraycopy(c.latencies, 0, latencies, at, c.count);
            at += c.count;
        }
        return new Result(ok, errors, elapsed, latencies, count);
    }

    /** One keep-alive connection sending requests one after the other. */
    private static final class Client extends Thread {
        private final int port;
        private final IntFunction<byte[]> requests;
        private final int id;
        private final AtomicBoolean stop;
        long ok;
        long errors;
        long[] latencies = new long[1 << 16];
        int count;
        Exception failure;

        Client(int port, IntFunction<byte[]> requests, int id, AtomicBoolean stop) {
            super("http-client-" + id);
            this.port = port;
            this.requests = requests;
            this.id = id;
            this.stop = stop;
        }

        @Override
        public void run() {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setTcpNoDelay(true);
                OutputStream out = socket.getOutputStream();
                InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
                for (int i = id * 1_000_000; !stop.get(); i++) {
                    byte[] request = requests.apply(i);
                    long t0 = System.nanoTime();
                    out.write(request);
                    out.flush();
                    int status = readResponse(in);
                    long t = System.nanoTime() - t0;
                    if (status >= 200 && status < 300) {
                        ok++;
                    } else {
                        errors++;
                    }
                    if (count == latencies.length) {
                        latencies = java.util.Arrays.copyOf(latencies, count * 2);
                    }
                    latencies[count++] = t;
                }
            } catch (Exception e) {
                failure = e;
            }
        }

        /** Reads status line, headers and a Content-Length (or chunked) body; returns the status. */
        private static int readResponse(InputStream in) throws IOException {
            String statusLine = line(in);
            int status = Integer.parseInt(statusLine.substring(9, 12));
            long length = 0;
            boolean chunked = false;
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(h.substring(15).strip());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            if (chunked) {
                for (long size = Long.parseLong(line(in).strip(), 16); size > 0;
                     size = Long.parseLong(line(in).strip(), 16)) {
                    skip(in, size);
                    line(in);
                }
                line(in);
            } else {
                skip(in, length);
            }
            return status;
        }

        private static void skip(InputStream in, long n) throws IOException {
            while (n > 0) {
                long s = in.skip(n);
                if (s <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("connection closed in a body");
                    }
                    s = 1;
                }
                n -= s;
            }
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder sb = new StringBuilder(64);
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (b != '\r') {
                    sb.append((char) b);
                }
            }
            return sb.toString();
        }
    }
}
