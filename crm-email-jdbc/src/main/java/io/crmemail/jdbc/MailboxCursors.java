package io.crmemail.jdbc;

import io.crmemail.core.store.MailboxCursor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * IMAP polling cursors, one row per integration. A save is a conditional update that never moves the cursor back
 * within the same folder and UIDVALIDITY and replaces a row of another epoch only when the writer read that epoch,
 * or the first insert; the database re-checks the condition on the locked row when two nodes save at once.
 */
final class MailboxCursors {

    private final Dialect dialect;

    MailboxCursors(Dialect dialect) {
        this.dialect = dialect;
    }

    static Optional<MailboxCursor> find(Connection c, long integrationId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT folder, uid_validity, last_uid"
                + " FROM crm_email_mailbox_cursor WHERE integration_id = ?")) {
            ps.setLong(1, integrationId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new MailboxCursor(rs.getString(1), rs.getLong(2), rs.getLong(3)))
                        : Optional.empty();
            }
        }
    }

    void save(Connection c, long integrationId, MailboxCursor read, MailboxCursor cursor) throws SQLException {
        if (exists(c, integrationId)) {
            update(c, integrationId, read, cursor);
        } else if (!dialect.insertIfAbsent(c, "INSERT INTO crm_email_mailbox_cursor"
                + " (integration_id, folder, uid_validity, last_uid) VALUES (?, ?, ?, ?)", ps -> {
                    ps.setLong(1, integrationId);
                    ps.setString(2, cursor.folder());
                    ps.setLong(3, cursor.uidValidity());
                    ps.setLong(4, cursor.lastUid());
                })) {
            // Another node inserted the first cursor meanwhile: now the row is there to update.
            update(c, integrationId, read, cursor);
        }
    }

    private static boolean exists(Connection c, long integrationId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM crm_email_mailbox_cursor WHERE integration_id = ?")) {
            ps.setLong(1, integrationId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void update(Connection c, long integrationId, MailboxCursor read, MailboxCursor cursor)
            throws SQLException {
        // Another epoch is replaced only when the writer read it (a read of the new epoch itself adds nothing).
        boolean fromRead = read != null && !read.sameEpoch(cursor);
        try (PreparedStatement ps = c.prepareStatement("UPDATE crm_email_mailbox_cursor"
                + " SET folder = ?, uid_validity = ?, last_uid = ? WHERE integration_id = ?"
                + " AND ((folder = ? AND uid_validity = ? AND last_uid <= ?)"
                + (fromRead ? " OR (folder = ? AND uid_validity = ?))" : ")"))) {
            ps.setString(1, cursor.folder());
            ps.setLong(2, cursor.uidValidity());
            ps.setLong(3, cursor.lastUid());
            ps.setLong(4, integrationId);
            ps.setString(5, cursor.folder());
            ps.setLong(6, cursor.uidValidity());
            ps.setLong(7, cursor.lastUid());
            if (fromRead) {
                ps.setString(8, read.folder());
                ps.setLong(9, read.uidValidity());
            }
            ps.executeUpdate();
        }
    }
}
