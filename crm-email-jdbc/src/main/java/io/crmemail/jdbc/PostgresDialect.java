package io.crmemail.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * PostgreSQL 14+. Metadata and event details are {@code jsonb}; the claim reads every account's due
 * entries in one statement with {@code LATERAL}; migrations run in one transaction under
 * {@code pg_advisory_xact_lock}, so several nodes may migrate at once.
 */
public final class PostgresDialect extends Dialect {

    /** Advisory lock key of crm-email migrations ("crmemail" as a number; any constant would do). */
    private static final long MIGRATION_LOCK = 0x63726d656d61696cL;

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    String jsonParameter() {
        return "CAST(? AS JSONB)";
    }

    @Override
    String insertAccountIfAbsent() {
        return "INSERT INTO crm_email_outbox_account (account_id) VALUES (?) ON CONFLICT DO NOTHING";
    }

    @Override
    String insertSuppressionIfAbsent() {
        return "INSERT INTO crm_email_suppression (account_id, email, reason, created_at) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT DO NOTHING";
    }

    @Override
    boolean insertIfAbsent(Connection c, String insert, Sql.Binder binder) throws SQLException {
        // A failed statement would abort the whole transaction on PostgreSQL, hence ON CONFLICT; it also waits for a
        // concurrent insert of the key to commit or roll back before deciding.
        try (PreparedStatement ps = c.prepareStatement(insert + " ON CONFLICT DO NOTHING")) {
            binder.bind(ps);
            return ps.executeUpdate() > 0;
        }
    }

    @Override
    String updateReturning(String update, String columns) {
        return update + " RETURNING " + columns;
    }

    @Override
    boolean dataModifyingWith() {
        return true;
    }

    @Override
    void planForCurrentSize(Connection c) throws SQLException {
        // LOCAL: it ends with the transaction, so the host's pooled connection keeps its own setting.
        try (PreparedStatement ps = c.prepareStatement("SET LOCAL plan_cache_mode = force_custom_plan")) {
            ps.execute();
        }
    }

    @Override
    String insertVersionIfAbsent() {
        return "INSERT INTO crm_email_schema_version (version, description, checksum, installed_at)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING";
    }

    @Override
    void lockForMigration(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, MIGRATION_LOCK);
            ps.execute();
        }
    }

    @Override
    String claimCandidates(int accounts) {
        return "SELECT c.message_id, c.account_id, c.due_at FROM crm_email_outbox_account a"
                + " CROSS JOIN LATERAL (" + accountDueEntries("a.account_id") + ") c";
    }

    @Override
    boolean candidatesPerListedAccount() {
        return false;
    }
}
