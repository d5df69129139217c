package io.crmemail.jdbc;

import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.store.DeliveryUpdate;
import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.EventType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Outcomes, releases, the "being sent" mark and cancels of outbox entries. Every operation locks the outbox row
 * before the message row, in the same order as the claim, so they cannot deadlock with each other.
 */
final class Outbox {

    private final Messages messages;
    private final Events events;

    Outbox(Messages messages, Events events) {
        this.messages = messages;
        this.events = events;
    }

    boolean complete(Connection c, long messageId, String owner, DeliveryUpdate update) throws SQLException {
        String leaseOwner = null;
        if (update.isRetry()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT lease_owner FROM crm_email_outbox WHERE message_id = ? FOR UPDATE")) {
                ps.setLong(1, messageId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                    leaseOwner = rs.getString("lease_owner");
                }
            }
        } else if (!delete(c, messageId)) {
            // A final outcome applies whoever holds the lease, so deleting the entry first both locks it and
            // tells whether it still existed: one statement instead of a locking read and a delete.
            return false;
        }
        Optional<Messages.Locked> locked = messages.lock(c, messageId);
        if (locked.isEmpty()) {
            return false;
        }
        EmailMetadata after = update.applyTo(locked.get().metadata());
        if (update.isRetry()) {
            if (owner == null || !owner.equals(leaseOwner)) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE crm_email_outbox SET due_at = ?,"
                    + " lease_owner = NULL, lease_expires_at = NULL, sending = FALSE WHERE message_id = ?")) {
                Sql.setInstant(ps, 1, update.nextAttemptAt());
                ps.setLong(2, messageId);
                ps.executeUpdate();
            }
            after = after.toBuilder().nextAttemptAt(Sql.micros(update.nextAttemptAt())).build();
        }
        messages.update(c, locked.get(), after);
        for (EmailEvent event : update.events()) {
            events.insert(c, event);
        }
        return true;
    }

    void release(Connection c, long messageId, String owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE crm_email_outbox SET lease_owner = NULL,"
                + " lease_expires_at = NULL, sending = FALSE WHERE message_id = ? AND lease_owner = ?")) {
            ps.setLong(1, messageId);
            ps.setString(2, owner);
            if (ps.executeUpdate() == 0) {
                return;
            }
        }
        Messages.addAttempts(c, List.of(messageId), -1);
    }

    /** One conditional update: it both checks the lease and marks the entry, so a cancel sees one or the other. */
    static boolean startSending(Connection c, long messageId, String owner, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE crm_email_outbox SET sending = TRUE"
                + " WHERE message_id = ? AND lease_owner = ? AND lease_expires_at > ?")) {
            ps.setLong(1, messageId);
            ps.setString(2, owner);
            Sql.setInstant(ps, 3, now);
            return ps.executeUpdate() > 0;
        }
    }

    Optional<EmailMessage> cancel(Connection c, long messageId, Instant at) throws SQLException {
        // A message is pending exactly while it has an outbox entry; deleting it decides the race with a worker,
        // unless the worker marked it as being sent first (and its lease still runs).
        boolean deleted;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM crm_email_outbox WHERE message_id = ?"
                + " AND (sending = FALSE OR lease_expires_at IS NULL OR lease_expires_at <= ?)")) {
            ps.setLong(1, messageId);
            Sql.setInstant(ps, 2, at);
            deleted = ps.executeUpdate() > 0;
        }
        if (deleted) {
            Optional<Messages.Locked> locked = messages.lock(c, messageId);
            if (locked.isPresent()) {
                messages.update(c, locked.get(), locked.get().metadata().toBuilder()
                        .status(EmailStatus.CANCELLED).cancelledAt(at).nextAttemptAt(null).build());
                events.insert(c, EmailEvent.of(messageId, EventType.CANCELLED, at, Map.of()));
            }
        }
        return messages.find(c, messageId);
    }

    private static boolean delete(Connection c, long messageId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM crm_email_outbox WHERE message_id = ?")) {
            ps.setLong(1, messageId);
            return ps.executeUpdate() > 0;
        }
    }
}
