package io.crmemail.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the versioned schema scripts ({@code db/crm-email/<dialect>/V<n>__<name>.sql}) that are not yet
 * recorded in {@code crm_email_schema_version}, in order, each with its version row.
 */
final class SchemaMigrator {

    /**
     * One versioned script. New versions are appended here and added as files for every dialect. {@code after}
     * runs in the same transaction right after the script, for what plain SQL cannot do on both databases.
     */
    record Version(int number, String description, Tx.Work<Void> after) {
        Version(int number, String description) {
            this(number, description, c -> null);
        }

        String resource(Dialect dialect) {
            return "db/crm-email/" + dialect.name() + "/V" + number + "__" + description + ".sql";
        }
    }

    static final List<Version> VERSIONS = List.of(new Version(1, "crm_email_schema"), new Version(2, "inbound_key"),
            new Version(3, "v1_operations", c -> {
                // Deriving recipients from stored JSON needs the address parser, which SQL does not have.
                MessageColumns.backfill(c);
                return null;
            }), new Version(4, "integration_kinds"), new Version(5, "mailbox_cursor"),
            new Version(6, "inline_json"));

    private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);
    /** Serialises migrations within one JVM (the dialect's lock covers other nodes where it can). */
    private static final Object JVM_LOCK = new Object();

    private final Dialect dialect;
    private final Tx tx;
    private final List<Version> versions;

    SchemaMigrator(Dialect dialect, Tx tx) {
        this(dialect, tx, VERSIONS);
    }

    /** Migrates only up to the given versions: tests use it to build a database as an older release left it. */
    SchemaMigrator(Dialect dialect, Tx tx, List<Version> versions) {
        this.dialect = dialect;
        this.tx = tx;
        this.versions = versions;
    }

    int migrate() {
        synchronized (JVM_LOCK) {
            return tx.run(c -> {
                dialect.lockForMigration(c);
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE IF NOT EXISTS crm_email_schema_version (version INTEGER PRIMARY KEY,"
                            + " description VARCHAR(200) NOT NULL, checksum BIGINT NOT NULL,"
                            + " installed_at TIMESTAMP(6) WITH TIME ZONE NOT NULL)");
                }
                Map<Integer, Long> applied = applied(c);
                int count = 0;
                for (Version version : versions) {
                    String script = read(version.resource(dialect));
                    long checksum = checksum(script);
                    Long recorded = applied.get(version.number());
                    if (recorded != null) {
                        if (recorded != checksum) {
                            log.warn("crm-email schema V{} differs from the applied one (checksum {} vs {})",
                                    version.number(), checksum, recorded);
                        }
                        continue;
                    }
                    apply(c, script);
                    version.after().run(c);
                    record(c, version, checksum);
                    log.info("applied crm-email schema V{}__{} ({})", version.number(), version.description(), dialect);
                    count++;
                }
                return count;
            });
        }
    }

    private static Map<Integer, Long> applied(Connection c) throws SQLException {
        Map<Integer, Long> result = new HashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, checksum FROM crm_email_schema_version")) {
            while (rs.next()) {
                result.put(rs.getInt(1), rs.getLong(2));
            }
        }
        return result;
    }

    private static void apply(Connection c, String script) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String statement : statements(script)) {
                s.execute(statement);
            }
        }
    }

    private void record(Connection c, Version version, long checksum) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect.insertVersionIfAbsent())) {
            ps.setInt(1, version.number());
            ps.setString(2, version.description());
            ps.setLong(3, checksum);
            Sql.setInstant(ps, 4, Instant.now());
            ps.executeUpdate();
        }
    }

    /** Splits a script at semicolons that end a line, after dropping whole-line {@code --} comments. */
    static List<String> statements(String script) {
        StringBuilder sql = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.strip().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        List<String> result = new ArrayList<>();
        for (String part : sql.toString().split(";\\s*\n")) {
            if (!part.isBlank()) {
                result.add(part.strip().replaceAll(";$", ""));
            }
        }
        return result;
    }

    private static String read(String resource) {
        try (InputStream in = SchemaMigrator.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema script missing from the classpath: " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    private static long checksum(String script) {
        CRC32 crc = new CRC32();
        crc.update(script.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
