package io.crmemail.jdbc;

import io.crmemail.core.store.IdempotencyRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Idempotency keys, one row per (account, key). Who acquires a key is decided by single statements the
 * database serialises on the row: the insert of a new row (the primary key lets one through) or the
 * conditional update that takes over an expired row or a dead request's in-flight row (a concurrent taker
 * waits for the row and then finds the condition false). Nothing is decided on a value read earlier.
 */
final class IdempotencyKeys {

    private static final String IN_FLIGHT = "in_flight";
    private static final String COMPLETED = "completed";

    /**
     * Each round ends with the row read back; it can vanish between the statements (abandoned, pruned), and
     * then the next round inserts it. More rounds than this mean something keeps deleting it.
     */
    private static final int ROUNDS = 5;

    private final Dialect dialect;

    IdempotencyKeys(Dialect dialect) {
        this.dialect = dialect;
    }

    IdempotencyRecord begin(Connection c, long accountId, String key, String requestHash, Instant now,
                            Instant expiresAt, Instant leaseUntil) throws SQLException {
        for (int round = 1; ; round++) {
            if (insert(c, accountId, key, requestHash, now, expiresAt, leaseUntil)
                    || takeOver(c, accountId, key, requestHash, now, expiresAt, leaseUntil)) {
                return IdempotencyRecord.acquired(requestHash);
            }
            Optional<IdempotencyRecord> held = find(c, accountId, key);
            if (held.isPresent()) {
                return held.get();
            }
            if (round == ROUNDS) {
                throw new IllegalStateException("idempotency key " + key + " keeps disappearing while being taken");
            }
        }
    }

    private boolean insert(Connection c, long accountId, String key, String requestHash, Instant now,
                           Instant expiresAt, Instant leaseUntil) throws SQLException {
        return dialect.insertIfAbsent(c, "INSERT INTO crm_email_idempotency (account_id, idem_key, request_hash,"
                + " status, created_at, expires_at, lease_until) VALUES (?, ?, ?, '" + IN_FLIGHT + "', ?, ?, ?)", ps -> {
            ps.setLong(1, accountId);
            ps.setString(2, key);
            ps.setString(3, requestHash);
            Sql.setInstant(ps, 4, now);
            Sql.setInstant(ps, 5, expiresAt);
            Sql.setInstant(ps, 6, leaseUntil);
        });
    }

    private static boolean takeOver(Connection c, long accountId, String key, String requestHash, Instant now,
                                    Instant expiresAt, Instant leaseUntil) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE crm_email_idempotency SET request_hash = ?,"
                + " status = '" + IN_FLIGHT + "', http_status = NULL, response = NULL, created_at = ?, expires_at = ?,"
                + " lease_until = ? WHERE account_id = ? AND idem_key = ?"
                + " AND (expires_at <= ? OR (status = '" + IN_FLIGHT + "' AND lease_until <= ?))")) {
            ps.setString(1, requestHash);
            Sql.setInstant(ps, 2, now);
            Sql.setInstant(ps, 3, expiresAt);
            Sql.setInstant(ps, 4, leaseUntil);
            ps.setLong(5, accountId);
            ps.setString(6, key);
            Sql.setInstant(ps, 7, now);
            Sql.setInstant(ps, 8, now);
            return ps.executeUpdate() > 0;
        }
    }

    private static Optional<IdempotencyRecord> find(Connection c, long accountId, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT request_hash, status, http_status, response"
                + " FROM crm_email_idempotency WHERE account_id = ? AND idem_key = ?")) {
            ps.setLong(1, accountId);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new IdempotencyRecord(false, rs.getString("request_hash"),
                        COMPLETED.equals(rs.getString("status")), rs.getInt("http_status"), rs.getString("response")));
            }
        }
    }

    static void finish(Connection c, long accountId, String key, int status, String body) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE crm_email_idempotency SET status = '" + COMPLETED
                + "', http_status = ?, response = ? WHERE account_id = ? AND idem_key = ?")) {
            ps.setInt(1, status);
            ps.setString(2, body);
            ps.setLong(3, accountId);
            ps.setString(4, key);
            ps.executeUpdate();
        }
    }

    static void abandon(Connection c, long accountId, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM crm_email_idempotency"
                + " WHERE account_id = ? AND idem_key = ? AND status = '" + IN_FLIGHT + "'")) {
            ps.setLong(1, accountId);
            ps.setString(2, key);
            ps.executeUpdate();
        }
    }

    /** Deletes the keys expired at {@code now}, through the expiry index. */
    static int prune(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM crm_email_idempotency WHERE expires_at <= ?")) {
            Sql.setInstant(ps, 1, now);
            return ps.executeUpdate();
        }
    }
}
