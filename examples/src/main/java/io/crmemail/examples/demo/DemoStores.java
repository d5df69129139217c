package io.crmemail.examples.demo;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.crmemail.core.store.EmailStore;
import io.crmemail.jdbc.JdbcEmailStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * The one place the demo chooses its {@link EmailStore}: the durable {@link JdbcEmailStore} over a pooled
 * connection to {@link DemoOptions#effectiveJdbcUrl()} — an H2 file database under the data directory by
 * default, PostgreSQL with {@code --jdbc-url jdbc:postgresql://…}. The schema is migrated at start.
 */
public final class DemoStores {

    /** The store and the pool behind it, closed together. */
    public record DemoStore(EmailStore store, HikariDataSource pool) implements AutoCloseable {
        @Override
        public void close() {
            pool.close();
        }
    }

    private static final int CREDENTIAL_KEY_BYTES = 32;

    private DemoStores() {
    }

    /** The store for these options, migrated and ready. */
    public static DemoStore create(DemoOptions options) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(options.effectiveJdbcUrl());
        config.setUsername(options.jdbcUser());
        config.setPassword(options.jdbcPassword());
        // Delivery workers, HTTP requests and inbound mail share the pool; a demo needs few.
        config.setMaximumPoolSize(8);
        config.setPoolName("crm-email-demo");
        HikariDataSource pool = new HikariDataSource(config);
        try {
            JdbcEmailStore store = JdbcEmailStore.builder(pool).credentialKey(credentialKey(options.dataDir())).build();
            store.migrate();
            return new DemoStore(store, pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** One line for the start-up banner saying where messages are kept. */
    public static String describe(DemoOptions options) {
        return options.effectiveJdbcUrl().replaceAll("(?i)password=[^;&]*", "password=***");
    }

    /**
     * The key that encrypts SMTP passwords at rest, kept beside the data (created on first start, readable
     * by the owner only). A real host keeps it in its secret store instead.
     */
    static byte[] credentialKey(Path dataDir) {
        Path file = dataDir.resolve("credential.key");
        try {
            if (Files.exists(file)) {
                byte[] key = Files.readAllBytes(file);
                if (key.length != CREDENTIAL_KEY_BYTES) {
                    throw new IllegalStateException(file + " must hold " + CREDENTIAL_KEY_BYTES + " bytes");
                }
                return key;
            }
            Files.createDirectories(dataDir);
            byte[] key = new byte[CREDENTIAL_KEY_BYTES];
            new SecureRandom().nextBytes(key);
            // Created owner-only, so the key is never readable by others, not even between create and write.
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: the directory's own permissions have to do.
                Files.createFile(file);
            }
            Files.write(file, key, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the credential key " + file, e);
        }
    }
}
