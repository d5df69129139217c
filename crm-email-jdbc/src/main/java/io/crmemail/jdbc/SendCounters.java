package io.crmemail.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * Sends counted per account and window. A reservation is one conditional update ({@code sends + n <= limit})
 * that returns the new total, which the database re-checks on the locked row when reservations race, so the
 * total never passes the limit; only the first reservation of a window inserts its row.
 */
final class SendCounters {

    /** Windows this much older than the one being opened are no longer asked about. */
    private static final Duration KEEP = Duration.ofDays(1);

    /** A round fails only when a concurrent reservation opened the window first; the next round adds to it. */
    private static final int ROUNDS = 3;

    private final Dialect dialect;
    private final String addSql;

    SendCounters(Dialect dialect) {
        this.dialect = dialect;
        this.addSql = dialect.updateReturning("UPDATE crm_email_send_window SET sends = sends + ?"
                + " WHERE account_id = ? AND window_start = ? AND sends + ? <= ?", "sends");
    }

    /**
     * Adds to the window when it is open and the sends fit, in one statement (atomic without a transaction).
     *
     * @return the new total, or null when the window is not open yet or the sends do not fit: then
     *         {@link #reserve} decides, in a transaction
     */
    Long add(Connection c, long accountId, Instant windowStart, int count, long limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(addSql)) {
            ps.setLong(1, count);
            ps.setLong(2, accountId);
            Sql.setInstant(ps, 3, windowStart);
            ps.setLong(4, count);
            ps.setLong(5, limit);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    long reserve(Connection c, long accountId, Instant windowStart, int count, long limit) throws SQLException {
        for (int round = 1; ; round++) {
            Long total = add(c, accountId, windowStart, count, limit);
            if (total != null) {
                return total;
            }
            Long current = read(c, accountId, windowStart);
            if (current != null) {
                if (current + count > limit) {
                    return -1;
                }
                // The window was opened by a concurrent reservation after our update looked: add to it next round.
            } else if (count > limit) {
                return -1;
            } else if (open(c, accountId, windowStart, count)) {
                prune(c, accountId, windowStart.minus(KEEP));
                return count;
            }
            if (round == ROUNDS) {
                throw new IllegalStateException("send window of account " + accountId + " keeps changing");
            }
        }
    }

    private boolean open(Connection c, long accountId, Instant windowStart, int count) throws SQLException {
        return dialect.insertIfAbsent(c, "INSERT INTO crm_email_send_window (account_id, window_start, sends)"
                + " VALUES (?, ?, ?)", ps -> {
            ps.setLong(1, accountId);
            Sql.setInstant(ps, 2, windowStart);
            ps.setLong(3, count);
        });
    }

    private static void prune(Connection c, long accountId, Instant before) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM crm_email_send_window WHERE account_id = ? AND window_start < ?")) {
            ps.setLong(1, accountId);
            Sql.setInstant(ps, 2, before);
            ps.executeUpdate();
        }
    }

    static long sends(Connection c, long accountId, Instant windowStart) throws SQLException {
        Long sends = read(c, accountId, windowStart);
        return sends == null ? 0 : sends;
    }

    private static Long read(Connection c, long accountId, Instant windowStart) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT sends FROM crm_email_send_window WHERE account_id = ? AND window_start = ?")) {
            ps.setLong(1, accountId);
            Sql.setInstant(ps, 2, windowStart);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }
}
