package io.crmemail.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;

/**
 * H2 2.x (2.2.220 or later, for {@code FOR UPDATE SKIP LOCKED}). H2 has no {@code LATERAL}, so the claim
 * lists the accounts and reads each one's due entries in one {@code UNION ALL}. H2 commits on DDL, so
 * migrations are serialised within the JVM and the scripts are idempotent ({@code IF NOT EXISTS}).
 */
public final class H2Dialect extends Dialect {

    @Override
    public String name() {
        return "h2";
    }

    @Override
    String jsonParameter() {
        return "?";
    }

    @Override
    String insertAccountIfAbsent() {
        return "MERGE INTO crm_email_outbox_account t USING (VALUES (CAST(? AS BIGINT))) s(account_id)"
                + " ON t.account_id = s.account_id WHEN NOT MATCHED THEN INSERT (account_id) VALUES (s.account_id)";
    }

    @Override
    String insertSuppressionIfAbsent() {
        return "MERGE INTO crm_email_suppression t USING (VALUES (CAST(? AS BIGINT), CAST(? AS VARCHAR(320)),"
                + " CAST(? AS VARCHAR(64)), CAST(? AS TIMESTAMP(6) WITH TIME ZONE))) s(account_id, email, reason, created_at)"
                + " ON t.account_id = s.account_id AND t.email = s.email WHEN NOT MATCHED THEN"
                + " INSERT (account_id, email, reason, created_at) VALUES (s.account_id, s.email, s.reason, s.created_at)";
    }

    @Override
    String updateReturning(String update, String columns) {
        return "SELECT " + columns + " FROM FINAL TABLE (" + update + ")";
    }

    @Override
    boolean insertIfAbsent(Connection c, String insert, Sql.Binder binder) throws SQLException {
        // H2 waits for a concurrent insert of the key to commit and then refuses ours; a failed statement does not
        // end H2's transaction, so refusal is a plain answer here.
        try (PreparedStatement ps = c.prepareStatement(insert)) {
            binder.bind(ps);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            if (JdbcStoreException.isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    @Override
    String insertVersionIfAbsent() {
        return "MERGE INTO crm_email_schema_version t"
                + " USING (VALUES (CAST(? AS INTEGER), CAST(? AS VARCHAR(200)), CAST(? AS BIGINT),"
                + " CAST(? AS TIMESTAMP(6) WITH TIME ZONE))) s(version, description, checksum, installed_at)"
                + " ON t.version = s.version WHEN NOT MATCHED THEN INSERT (version, description, checksum, installed_at)"
                + " VALUES (s.version, s.description, s.checksum, s.installed_at)";
    }

    @Override
    void lockForMigration(Connection c) {
        // Nothing to lock across processes: the scripts are idempotent and versions are merged.
    }

    @Override
    String claimCandidates(int accounts) {
        String one = "(" + accountDueEntries("?") + ")";
        return String.join(" UNION ALL ", Collections.nCopies(accounts, one));
    }

    @Override
    boolean candidatesPerListedAccount() {
        return true;
    }
}
