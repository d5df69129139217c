package io.crmemail.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.InMemoryEmailStore;
import io.crmemail.jdbc.JdbcEmailStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The stores a benchmark can run on, each fresh and migrated:
 * {@code h2} — the JDBC store on an H2 file database (what the demo runs on), pooled by HikariCP;
 * {@code h2mem} — the same on an in-memory H2; {@code postgres} — the JDBC store on an embedded
 * PostgreSQL 16 (zonky; it runs with {@code synchronous_commit=off}, like H2 it does not wait for a disk
 * flush per commit); {@code memory} — the in-memory store of core.
 */
final class BenchStores implements AutoCloseable {

    private static final byte[] KEY = new byte[32];
    /** Extra H2 URL settings to try (e.g. {@code ;MAX_LENGTH_INPLACE_LOB=65536}); none by default, as in the demo. */
    private static final String H2_OPTIONS = System.getProperty("bench.h2.options", "");
    /** With {@code -Dbench.pg.statements=true} PostgreSQL loads pg_stat_statements and each run prints its top. */
    static final boolean PG_STATEMENTS = Boolean.getBoolean("bench.pg.statements");

    private final List<AutoCloseable> resources = new ArrayList<>();
    private EmbeddedPostgres postgres;
    private int counter;

    EmailStore open(String kind, int poolSize) throws IOException {
        return switch (kind) {
            case "memory" -> new InMemoryEmailStore();
            case "h2" -> jdbc("jdbc:h2:file:" + tempDir("crm-email-bench-h2").resolve("crm").toAbsolutePath()
                    + H2_OPTIONS, "sa", poolSize);
            case "h2mem" -> jdbc("jdbc:h2:mem:bench" + (++counter) + ";DB_CLOSE_DELAY=-1" + H2_OPTIONS, "sa",
                    poolSize);
            case "postgres" -> jdbc(postgresUrl(), "postgres", poolSize);
            default -> throw new IllegalArgumentException("unknown store " + kind + " (h2, h2mem, postgres, memory)");
        };
    }

    private EmailStore jdbc(String url, String user, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("bench-" + (++counter));
        HikariDataSource pool = new HikariDataSource(config);
        resources.add(pool);
        JdbcEmailStore store = JdbcEmailStore.builder(SqlCounter.wrap(pool)).credentialKey(KEY).build();
        store.migrate();
        return store;
    }

    /** A new schema per call in one embedded PostgreSQL, started on first use. */
    private String postgresUrl() throws IOException {
        if (postgres == null) {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setServerConfig("max_connections", "100");
            if (PG_STATEMENTS) {
                builder.setServerConfig("shared_preload_libraries", System.getProperty("bench.pg.preload", "pg_stat_statements"))
                        .setServerConfig("pg_stat_statements.track_planning", "on");
                for (String setting : System.getProperty("bench.pg.config", "").split(",")) {
                    if (setting.contains("=")) {
                        builder.setServerConfig(setting.substring(0, setting.indexOf('=')),
                                setting.substring(setting.indexOf('=') + 1));
                    }
                }
            }
            postgres = builder.start();
            if (PG_STATEMENTS) {
                try (var c = postgres.getPostgresDatabase().getConnection(); var s = c.createStatement()) {
                    s.execute("CREATE EXTENSION pg_stat_statements");
                } catch (java.sql.SQLException e) {
                    throw new IOException(e);
                }
            }
        }
        String schema = "bench" + (++counter);
        try (var c = postgres.getPostgresDatabase().getConnection(); var s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (java.sql.SQLException e) {
            throw new IOException(e);
        }
        return postgres.getJdbcUrl("postgres", "postgres") + "&currentSchema=" + schema;
    }

    /**
     * The statements PostgreSQL spent most time on since the last call (execution plus planning, per message),
     * then a reset; empty unless {@code -Dbench.pg.statements=true} and PostgreSQL was used.
     */
    String topStatements(long messages) {
        if (!PG_STATEMENTS || postgres == null) {
            return "";
        }
        StringBuilder out = new StringBuilder("  PostgreSQL µs per message (exec + plan), calls per message:\n");
        try (var c = postgres.getPostgresDatabase().getConnection(); var s = c.createStatement()) {
            try (var rs = s.executeQuery("SELECT total_exec_time + total_plan_time, calls, query"
                    + " FROM pg_stat_statements ORDER BY 1 DESC LIMIT 15")) {
                while (rs.next()) {
                    String query = rs.getString(3).replaceAll("\\s+", " ");
                    out.append(String.format("  %8.1f %7.3f  %s%n", rs.getDouble(1) * 1000 / messages,
                            (double) rs.getLong(2) / messages, query.length() > 140 ? query.substring(0, 140) + "…" : query));
                }
            }
            try (var rs = s.executeQuery("SELECT schemaname || '.' || relname, seq_scan, seq_tup_read"
                    + " FROM pg_stat_user_tables WHERE seq_tup_read > 0 ORDER BY seq_tup_read DESC LIMIT 5")) {
                while (rs.next()) {
                    out.append(String.format("  sequential scans of %s: %d, rows read %d%n", rs.getString(1),
                            rs.getLong(2), rs.getLong(3)));
                }
            }
            s.execute("SELECT pg_stat_statements_reset()");
            s.execute("SELECT pg_stat_reset()");
        } catch (java.sql.SQLException e) {
            out.append("  (pg_stat_statements: ").append(e.getMessage()).append(")\n");
        }
        return out.toString();
    }

    private Path tempDir(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        resources.add(() -> deleteTree(dir));
        return dir;
    }

    static void deleteTree(Path dir) throws IOException {
        BenchFiles.deleteTree(dir);
    }

    @Override
    public void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        resources.clear();
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }
}
