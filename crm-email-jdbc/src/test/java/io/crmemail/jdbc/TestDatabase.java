package io.crmemail.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A fresh, empty database for one test: an H2 in-memory or file database, or a new schema in the one
 * embedded PostgreSQL that is started once per test JVM. Closing it closes the pool.
 */
final class TestDatabase implements AutoCloseable {

    /** A fixed AES-256 key for tests. */
    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final HikariDataSource pool;
    private final Runnable onClose;

    private TestDatabase(String url, String user, int poolSize, Runnable onClose) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(1);
        config.setPoolName("test-" + COUNTER.get());
        this.pool = new HikariDataSource(config);
        this.onClose = onClose;
    }

    static TestDatabase h2Memory() {
        String url = "jdbc:h2:mem:crm" + COUNTER.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
        return new TestDatabase(url, "sa", 10, () -> shutdownH2(url));
    }

    /** An H2 file database; with {@code autoServer} other JVMs/pools may open it too. */
    static TestDatabase h2File(Path dir, boolean autoServer, int poolSize) {
        String url = "jdbc:h2:file:" + dir.resolve("crm" + COUNTER.incrementAndGet()).toAbsolutePath()
                + (autoServer ? ";AUTO_SERVER=TRUE" : "");
        return new TestDatabase(url, "sa", poolSize, () -> { });
    }

    /** A new schema in the shared embedded PostgreSQL. */
    static TestDatabase postgres(int poolSize) {
        String schema = "t" + COUNTER.incrementAndGet();
        EmbeddedPostgres pg = SharedPostgres.get();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        String url = pg.getJdbcUrl("postgres", "postgres") + "&currentSchema=" + schema;
        return new TestDatabase(url, "postgres", poolSize, () -> dropSchema(pg, schema));
    }

    DataSource dataSource() {
        return pool;
    }

    /** A migrated store with the test key. */
    JdbcEmailStore store() {
        JdbcEmailStore store = JdbcEmailStore.builder(pool).credentialKey(KEY).build();
        store.migrate();
        return store;
    }

    @Override
    public void close() {
        pool.close();
        onClose.run();
    }

    private static void shutdownH2(String url) {
        try (Connection c = java.sql.DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void dropSchema(EmbeddedPostgres pg, String schema) {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The one embedded PostgreSQL of this JVM, started on first use and stopped at exit. */
    static final class SharedPostgres {
        private static EmbeddedPostgres instance;

        static synchronized EmbeddedPostgres get() {
            if (instance == null) {
                try {
                    instance = EmbeddedPostgres.builder().setServerConfig("max_connections", "200").start();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
                }
                EmbeddedPostgres started = instance;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        started.close();
                    } catch (IOException ignored) {
                        // The JVM is going away; the data directory is temporary.
                    }
                }, "embedded-postgres-stop"));
            }
            return instance;
        }

        private SharedPostgres() {
        }
    }
}
