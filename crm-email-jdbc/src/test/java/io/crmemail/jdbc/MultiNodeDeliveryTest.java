package io.crmemail.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import io.crmemail.core.message.RecordRef;

import io.crmemail.core.message.EmailStatus;

import io.crmemail.core.message.EmailMessage;

import com.zaxxer.hikari.HikariDataSource;
import io.crmemail.core.EmailService;
import io.crmemail.core.testsupport.ScriptedSmtpServer;
import io.crmemail.core.testsupport.TestWorld;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several {@link EmailService} nodes, each with its own {@link JdbcEmailStore} and pool on one database,
 * deliver to one SMTP server with real clocks and worker threads: every message exactly once while all
 * nodes live, and every message at least once — duplicates bounded by what the dead node had in flight —
 * when one node dies abruptly mid-run.
 */
class MultiNodeDeliveryTest {

    private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^Message-ID:\\s*(\\S+)");
    private static final int WORKERS = 2;
    private static final int BATCH = 10;
    private static final Duration LEASE = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    @Test
    void threeNodesOnPostgresDeliverEveryMessageExactlyOnce() throws Exception {
        try (TestDatabase db = TestDatabase.postgres(4)) {
            db.store();
            Map<String, Integer> counts = deliver(3, 5000, -1, n -> pool(db));
            assertThat(counts).hasSize(5000);
            assertThat(counts.values()).allMatch(c -> c == 1);
        }
    }

    @Test
    void onPostgresACrashedNodesMessagesAreDeliveredByTheOthers() throws Exception {
        try (TestDatabase db = TestDatabase.postgres(4)) {
            db.store();
            Map<String, Integer> counts = deliver(3, 5000, 1500, n -> pool(db));
            assertThat(counts).hasSize(5000);
            int duplicates = counts.values().stream().mapToInt(c -> c - 1).sum();
            System.out.println("PostgreSQL crash run: 5000 distinct, " + duplicates + " duplicates");
            assertThat(duplicates).as("resent after the crash").isLessThanOrEqualTo(BATCH * WORKERS);
        }
    }

    @Test
    void twoNodesOnAnH2ServerDeliverEveryMessageExactlyOnceAndSurviveACrash() throws Exception {
        Server server = Server.createTcpServer("-tcpPort", "0", "-ifNotExists", "-baseDir", dir.toString()).start();
        try {
            String url = "jdbc:h2:tcp://localhost:" + server.getPort() + "/crm";
            Map<String, Integer> counts = deliver(2, 500, -1, n -> h2Pool(url));
            assertThat(counts).hasSize(500);
            assertThat(counts.values()).allMatch(c -> c == 1);

            Map<String, Integer> afterCrash = deliver(2, 500, 150, n -> h2Pool(url));
            assertThat(afterCrash.keySet()).doesNotContainAnyElementsOf(counts.keySet()).hasSize(500);
            assertThat(afterCrash.values().stream().mapToInt(c -> c - 1).sum()).isLessThanOrEqualTo(BATCH * WORKERS);
        } finally {
            server.stop();
        }
    }

    /**
     * Starts {@code nodes} services, sends {@code messages} through the first, crashes the last node once
     * {@code crashAfter} messages arrived (never when negative), waits for all, and counts receipts by Message-ID.
     */
    private Map<String, Integer> deliver(int nodes, int messages, int crashAfter, IntFunction<HikariDataSource> pools) throws Exception {
        List<HikariDataSource> opened = new ArrayList<>();
        List<EmailService> services = new ArrayList<>();
        List<CrashableNode> wires = new ArrayList<>();
        try (ScriptedSmtpServer smtp = ScriptedSmtpServer.start()) {
            TestWorld world = null;
            for (int n = 0; n < nodes; n++) {
                HikariDataSource pool = pools.apply(n);
                opened.add(pool);
                CrashableNode wire = new CrashableNode(pool);
                wires.add(wire);
                JdbcEmailStore store = JdbcEmailStore.builder(wire).credentialKey(TestDatabase.KEY).build();
                store.migrate();
                if (world == null) {
                    world = new TestWorld(dir.resolve("node"), smtp.port(), store);
                }
                services.add(world.serviceBuilder().store(store).transports(wire).clock(Clock.systemUTC())
                        .nodeId("node-" + n).workers(WORKERS).batchSize(BATCH).lease(LEASE)
                        .pollInterval(Duration.ofMillis(100)).shutdownTimeout(Duration.ofSeconds(2))
                        .sendLimits(io.crmemail.core.SendLimits.unlimited()).build());
            }
            services.forEach(EmailService::start);
            send(world, services.get(0), messages);
            if (crashAfter >= 0) {
                smtp.awaitMessages(crashAfter, Duration.ofSeconds(60));
                wires.get(nodes - 1).crash();
            }
            smtp.awaitMessages(messages, Duration.ofSeconds(90));
            // A little longer, so that late duplicates would be seen.
            Thread.sleep(crashAfter >= 0 ? LEASE.toMillis() + 500 : 300);
            Map<String, Integer> counts = new HashMap<>();
            for (ScriptedSmtpServer.Received r : smtp.messages()) {
                Matcher m = MESSAGE_ID.matcher(r.text());
                assertThat(m.find()).as("Message-ID header").isTrue();
                counts.merge(m.group(1), 1, Integer::sum);
            }
            assertStoreSettled(opened.get(0));
            return counts;
        } finally {
            services.forEach(EmailService::close);
            opened.forEach(HikariDataSource::close);
        }
    }

    /**
     * What the store says after the run, read through a node that never crashed: every message of the record
     * is sent (the last outcomes may land a moment after the last receipt) and nothing is left to claim.
     */
    private static void assertStoreSettled(HikariDataSource pool) throws InterruptedException {
        JdbcEmailStore check = JdbcEmailStore.builder(pool).credentialKey(TestDatabase.KEY).build();
        RecordRef record = new RecordRef(TestWorld.TABLE, TestWorld.RECORD);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<EmailMessage> all = check.listForRecord(TestWorld.ACCOUNT, record);
        while (all.stream().anyMatch(m -> m.status() != EmailStatus.SENT) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            all = check.listForRecord(TestWorld.ACCOUNT, record);
        }
        assertThat(all).isNotEmpty().allSatisfy(m -> assertThat(m.status()).isEqualTo(EmailStatus.SENT));
        assertThat(check.claimDue(Instant.now().plus(Duration.ofDays(1)), "checker", Duration.ofMinutes(1), 10))
                .as("nothing left in the outbox").isEmpty();
    }

    /** Enqueues from four request threads, as a busy host would. */
    private static void send(TestWorld world, EmailService service, int messages) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < messages; i++) {
                futures.add(pool.submit(() -> service.send(TestWorld.CALLER, world.request().build())));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static HikariDataSource pool(TestDatabase db) {
        return pool(((HikariDataSource) db.dataSource()).getJdbcUrl(), "postgres");
    }

    private static HikariDataSource h2Pool(String url) {
        return pool(url, "sa");
    }

    /** Workers plus request threads plus one spare, per node. */
    private static HikariDataSource pool(String url, String user) {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(url);
        ds.setUsername(user);
        ds.setMaximumPoolSize(WORKERS + 4 + 1);
        return ds;
    }
}
