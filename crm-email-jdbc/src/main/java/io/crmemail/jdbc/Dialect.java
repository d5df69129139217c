package io.crmemail.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * What differs between the supported databases: where the schema scripts live, how JSON is bound, how
 * an insert ignores an existing key, how migrations are serialised, and how the claim finds each
 * account's due entries. One subclass per database; {@link #detect} picks it from the connection.
 */
public abstract class Dialect {

    Dialect() {
    }

    /** The folder of this database's schema scripts under {@code db/crm-email/}, e.g. {@code h2}. */
    public abstract String name();

    /** The bind expression of a JSON column value (a plain {@code ?} unless the column is typed JSON). */
    abstract String jsonParameter();

    /** Inserts {@code account_id} into {@code crm_email_outbox_account} unless it is there (one parameter). */
    abstract String insertAccountIfAbsent();

    /** Inserts a suppression (account_id, email, reason, created_at) unless the address is suppressed already. */
    abstract String insertSuppressionIfAbsent();

    /**
     * Runs {@code insert} (a plain {@code INSERT ... VALUES}) unless its key exists; false when it does, also when
     * another transaction inserted the key concurrently. The caller's transaction stays usable either way, so a
     * conditional update or a read can follow.
     */
    abstract boolean insertIfAbsent(Connection c, String insert, Sql.Binder binder) throws SQLException;

    /**
     * A query that runs {@code update} and returns {@code columns} of the rows it changed, as they are after it:
     * {@code UPDATE … RETURNING} where the database has it, H2's {@code FINAL TABLE} otherwise. One statement, so
     * an update and the read of its result cost one round trip and need no transaction around them.
     */
    abstract String updateReturning(String update, String columns);

    /**
     * True when the database runs several inserts as one statement through data-modifying {@code WITH} clauses
     * (PostgreSQL), so that a new message with its outbox entry, tokens and first event is one round trip.
     */
    boolean dataModifyingWith() {
        return false;
    }

    /**
     * Makes the rest of the transaction plan its statements for the tables as they are now. The outbox swells
     * from a handful of rows to tens of thousands when a mail merge lands; a plan the database cached for a
     * statement while the table was small (a sequential scan) would otherwise stay until the table's next
     * ANALYZE and read the whole outbox for every chunk of ten messages. Called first in the delivery path's batch
     * transactions, where planning once per batch costs little. Nothing to do where plans are not cached.
     */
    void planForCurrentSize(Connection c) throws SQLException {
    }

    /** Inserts a schema version row unless it is there (version, description, checksum, installed_at). */
    abstract String insertVersionIfAbsent();

    /** Serialises concurrent migrations across nodes for the rest of the transaction. */
    abstract void lockForMigration(Connection c) throws SQLException;

    /**
     * The query for the claim's candidates: for each account, its first {@code perAccount} due and unleased
     * outbox entries in (due_at, message_id) order. Returns message_id, account_id, due_at.
     *
     * @param accounts how many accounts the query covers, for dialects that list them in the SQL;
     *                 {@code -1} when {@link #candidatesPerListedAccount()} is false
     */
    abstract String claimCandidates(int accounts);

    /**
     * True when {@link #claimCandidates} needs the account ids listed in the SQL (binding account, now, now,
     * limit per account); false when one statement covers all accounts (binding now, now, limit).
     */
    abstract boolean candidatesPerListedAccount();

    /** The dialect of the database behind {@code dataSource}, from its product name. */
    public static Dialect detect(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return forProduct(c.getMetaData());
        } catch (SQLException e) {
            throw new JdbcStoreException("cannot detect the database dialect: " + e.getMessage(), e);
        }
    }

    static Dialect forProduct(DatabaseMetaData meta) throws SQLException {
        String product = meta.getDatabaseProductName();
        String normalised = product == null ? "" : product.toLowerCase(Locale.ROOT);
        String version = meta.getDatabaseProductVersion();
        if (normalised.equals("h2")) {
            // FOR UPDATE SKIP LOCKED, which the claim needs, came with H2 2.2.220.
            requireAtLeast(product, version, 2, 2, 220);
            return new H2Dialect();
        }
        if (normalised.contains("postgresql")) {
            requireAtLeast(product, version, 14, 0, 0);
            return new PostgresDialect();
        }
        throw new IllegalArgumentException("unsupported database '" + product
                + "': JdbcEmailStore supports H2 2.x and PostgreSQL 14+ (or pass a Dialect to the builder)");
    }

    /** Refuses a version below major.minor.patch; a version string it cannot read is let through. */
    static void requireAtLeast(String product, String version, int major, int minor, int patch) {
        Matcher m = Pattern.compile("^(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?")
                .matcher(version == null ? "" : version.strip());
        if (!m.find()) {
            return;
        }
        int[] found = {Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3))};
        int[] wanted = {major, minor, patch};
        if (Arrays.compare(found, wanted) < 0) {
            throw new IllegalArgumentException(product + " " + version + " is too old: JdbcEmailStore needs "
                    + product + " " + major + "." + minor + "." + patch + " or later");
        }
    }

    /** The per-account part shared by both dialects' candidate queries (account id supplied by the caller). */
    static String accountDueEntries(String accountExpression) {
        return "SELECT o.message_id, o.account_id, o.due_at FROM crm_email_outbox o"
                + " WHERE o.account_id = " + accountExpression
                + " AND o.due_at <= ? AND (o.lease_expires_at IS NULL OR o.lease_expires_at <= ?)"
                // account_id leads the ORDER BY although it is fixed: H2 only reads the index in order (and stops
                // after the limit) when the ORDER BY is a prefix of the index.
                + " ORDER BY o.account_id, o.due_at, o.message_id FETCH FIRST ? ROWS ONLY";
    }

    @Override
    public String toString() {
        return name();
    }
}
