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
            postgres = EmbeddedPostgres.builder().setServerConfig("max_connections", "100").start();
        }
        String schema = "bench" + (++counter);
        try (var c = postgres.getPostgresDatabase().getConnection(); var s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (java.sql.SQLException e) {
            throw new IOException(e);
        }
        return postgres.getJdbcUrl("postgres", "postgres") + "&currentSchema=" + schema;
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
