package io.crmemail.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.crmemail.core.json.EmailJson;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.store.DeliveryJob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measures the claim with 100,000 queued entries on both databases: 20 claims of 100, timed one by one,
 * plus the query plans. Not part of the normal build (it takes a while); run with
 * {@code mvn -B verify -pl crm-email-jdbc -am -Dtest=ClaimBenchmarkTest -Dcrm.bench=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "crm.bench", matches = "true")
class ClaimBenchmarkTest {

    private static final int ROWS = Integer.getInteger("crm.bench.rows", 100_000);
    private static final int ACCOUNTS = Integer.getInteger("crm.bench.accounts", 10);
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void h2() throws Exception {
        try (TestDatabase db = TestDatabase.h2File(java.nio.file.Files.createTempDirectory("bench"), false, 4)) {
            run("H2 2.3.232 (file)", db.dataSource(), db.store(), "EXPLAIN ANALYZE ");
        }
    }

    @Test
    void postgres() throws Exception {
        try (TestDatabase db = TestDatabase.postgres(4)) {
            JdbcEmailStore store = db.store();
            run("PostgreSQL 16", db.dataSource(), store, "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ");
        }
    }

    private void run(String label, DataSource ds, JdbcEmailStore store, String explain) throws Exception {
        long t0 = System.nanoTime();
        fill(ds, store.dialect());
        long fillMs = (System.nanoTime() - t0) / 1_000_000;
        try (Connection c = ds.getConnection()) {
            analyze(c, store.dialect());
        }
        StringBuilder report = new StringBuilder("\n=== " + label + ": " + ROWS + " queued rows in " + ACCOUNTS
                + " accounts (filled in " + fillMs + " ms)\n");
        report.append(plan(ds, explain, store.dialect()));

        Set<Long> seen = new HashSet<>();
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long start = System.nanoTime();
            List<DeliveryJob> jobs = store.claimDue(NOW, "bench", Duration.ofMinutes(5), 100);
            times.add((System.nanoTime() - start) / 1e6);
            assertThat(jobs).hasSize(100);
            jobs.forEach(j -> assertThat(seen.add(j.messageId())).isTrue());
        }
        report.append("claimDue(limit 100) x 20, ms each: ").append(format(times)).append('\n');
        List<Double> sorted = times.stream().sorted().toList();
        report.append(String.format("median %.1f ms, max %.1f ms%n", sorted.get(10), sorted.get(19)));

        // The naive form the design avoids, for comparison (rolled back).
        List<Double> naive = new ArrayList<>();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                try (PreparedStatement ps = c.prepareStatement("SELECT message_id FROM crm_email_outbox"
                        + " WHERE due_at <= ? AND (lease_expires_at IS NULL OR lease_expires_at <= ?)"
                        + " ORDER BY due_at, message_id FETCH FIRST 100 ROWS ONLY FOR UPDATE SKIP LOCKED")) {
                    Sql.setInstant(ps, 1, NOW);
                    Sql.setInstant(ps, 2, NOW);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rs.getLong(1);
                        }
                    }
                }
                naive.add((System.nanoTime() - start) / 1e6);
                c.rollback();
            }
        }
        report.append("naive ORDER BY ... FETCH FIRST 100 FOR UPDATE SKIP LOCKED, ms: ").append(format(naive)).append('\n');
        System.out.println(report);
    }

    private static String format(List<Double> times) {
        return times.stream().map(t -> String.format("%.1f", t)).reduce((a, b) -> a + " " + b).orElse("");
    }

    /** Inserts the messages and their outbox entries with batched inserts, 1,000 per round trip. */
    private static void fill(DataSource ds, Dialect dialect) throws SQLException {
        String json = EmailJson.write(EmailMetadata.builder().status(EmailStatus.QUEUED).smtpIntegrationId(1L)
                .to(List.of("lead@example.org")).subject("s").body("<p>b</p>").messageId("<bench@acme.com>").build());
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            long firstId;
            try (ResultSet rs = c.createStatement().executeQuery("SELECT COALESCE(MAX(id), 0) + 1 FROM crm_email_message")) {
                rs.next();
                firstId = rs.getLong(1);
            }
            try (PreparedStatement m = c.prepareStatement("INSERT INTO crm_email_message (id, account_id, table_id,"
                    + " record_id, type, created_at, status, attempts, message_id, metadata) VALUES (?, ?, 1, ?,"
                    + " 'email_out', ?, 'queued', 0, ?, " + dialect.jsonParameter() + ")");
                 PreparedStatement o = c.prepareStatement(
                         "INSERT INTO crm_email_outbox (message_id, account_id, due_at) VALUES (?, ?, ?)")) {
                OffsetDateTime created = OffsetDateTime.ofInstant(NOW.minusSeconds(ROWS), ZoneOffset.UTC);
                for (int i = 0; i < ROWS; i++) {
                    long id = firstId + i;
                    long account = 1 + i % ACCOUNTS;
                    m.setLong(1, id);
                    m.setLong(2, account);
                    m.setLong(3, i);
                    m.setObject(4, created);
                    m.setString(5, "<bench-" + id + "@acme.com>");
                    m.setString(6, json);
                    m.addBatch();
                    o.setLong(1, id);
                    o.setLong(2, account);
                    o.setObject(3, created.plusSeconds(i % 50_000));
                    o.addBatch();
                    if (i % 1000 == 999 || i == ROWS - 1) {
                        m.executeBatch();
                        o.executeBatch();
                    }
                }
            }
            try (PreparedStatement a = c.prepareStatement(dialect.insertAccountIfAbsent())) {
                for (long account = 1; account <= ACCOUNTS; account++) {
                    a.setLong(1, account);
                    a.executeUpdate();
                }
            }
            c.commit();
        }
    }

    private static void analyze(Connection c, Dialect dialect) throws SQLException {
        c.setAutoCommit(true);
        c.createStatement().execute(dialect instanceof PostgresDialect ? "ANALYZE" : "ANALYZE");
    }

    /** The plans of the candidate query and of the lock query. */
    private static String plan(DataSource ds, String explain, Dialect dialect) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = ds.getConnection()) {
            boolean listed = dialect.candidatesPerListedAccount();
            String candidates = explain + dialect.claimCandidates(listed ? 2 : -1);
            try (PreparedStatement ps = c.prepareStatement(candidates)) {
                int index = 1;
                for (int a = 1; a <= (listed ? 2 : 1); a++) {
                    if (listed) {
                        ps.setLong(index++, a);
                    }
                    Sql.setInstant(ps, index++, NOW);
                    Sql.setInstant(ps, index++, NOW);
                    ps.setInt(index++, 100);
                }
                out.append("-- candidates").append(listed ? " (2 of the accounts shown)" : "").append(":\n")
                        .append(lines(ps));
            }
            try (PreparedStatement ps = c.prepareStatement(explain + "SELECT message_id FROM crm_email_outbox"
                    + " WHERE message_id IN (?, ?, ?) AND due_at <= ? AND (lease_expires_at IS NULL OR lease_expires_at <= ?)"
                    + " FOR UPDATE SKIP LOCKED")) {
                ps.setLong(1, 1);
                ps.setLong(2, 2);
                ps.setLong(3, 3);
                Sql.setInstant(ps, 4, NOW);
                Sql.setInstant(ps, 5, NOW);
                out.append("-- lock:\n").append(lines(ps));
            }
            if (System.getProperty("crm.bench.more") != null) {
                for (String sql : List.of(
                        "SELECT m.id, m.metadata, o.due_at FROM crm_email_message m LEFT JOIN crm_email_outbox o"
                                + " ON o.message_id = m.id WHERE m.id IN (?, ?, ?)",
                        "UPDATE crm_email_message SET attempts = attempts + 1 WHERE id IN (?, ?, ?)")) {
                    try (PreparedStatement ps = c.prepareStatement(explain + sql)) {
                        ps.setLong(1, 1);
                        ps.setLong(2, 2);
                        ps.setLong(3, 3);
                        out.append("-- ").append(sql).append(":\n").append(lines(ps));
                    }
                }
            }
        }
        return out.toString();
    }

    private static String lines(PreparedStatement ps) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.append("   ").append(rs.getString(1)).append('\n');
            }
        }
        return out.toString();
    }
}
