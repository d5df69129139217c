package io.crmemail.jdbc;

import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.store.Completion;
import io.crmemail.core.store.DeliveryUpdate;
import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.EventType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    /**
     * Applies outcomes by the rules of EmailStore#complete in a few statements whatever their number: lock the
     * outbox entries (in id order), delete those of final outcomes, reschedule those of retries still leased to
     * {@code owner}, then lock, rewrite and add the events of the messages that applied.
     */
    Set<Long> completeAll(Connection c, String owner, List<Completion> completions) throws SQLException {
        if (completions.isEmpty()) {
            return Set.of();
        }
        Map<Long, String> entries = lockEntries(c, completions.stream().map(Completion::messageId).toList());
        List<Completion> held = new ArrayList<>();
        for (Completion completion : completions) {
            boolean exists = entries.containsKey(completion.messageId());
            // A final outcome applies whoever holds the lease; a retry only while the reporting owner holds it.
            if (exists && (!completion.update().isRetry()
                    || owner != null && owner.equals(entries.get(completion.messageId())))) {
                held.add(completion);
            }
        }
        if (held.isEmpty()) {
            return Set.of();
        }
        Map<Long, Messages.Locked> rows = messages.lockAll(c, held.stream().map(Completion::messageId).toList());
        held.removeIf(h -> !rows.containsKey(h.messageId()));
        deleteEntries(c, held.stream().filter(h -> !h.update().isRetry()).map(Completion::messageId).toList());
        reschedule(c, held.stream().filter(h -> h.update().isRetry()).toList());
        List<Messages.Rewrite> rewrites = new ArrayList<>(held.size());
        List<EmailEvent> added = new ArrayList<>(held.size());
        Set<Long> applied = new LinkedHashSet<>();
        for (Completion h : held) {
            DeliveryUpdate update = h.update();
            Messages.Locked row = rows.get(h.messageId());
            EmailMetadata after = update.applyTo(row.metadata());
            if (update.isRetry()) {
                after = after.toBuilder().nextAttemptAt(Sql.micros(update.nextAttemptAt())).build();
            }
            rewrites.add(new Messages.Rewrite(row, after));
            added.addAll(update.events());
            applied.add(h.messageId());
        }
        messages.updateAll(c, rewrites);
        events.insertAll(c, added);
        return applied;
    }

    /** Locks the entries that exist, in id order so two transactions cannot deadlock; returns their lease owners. */
    private static Map<Long, String> lockEntries(Connection c, List<Long> ids) throws SQLException {
        Map<Long, String> owners = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT message_id, lease_owner FROM crm_email_outbox"
                + " WHERE message_id IN (" + Sql.placeholders(ids.size()) + ") ORDER BY message_id FOR UPDATE")) {
            Sql.setLongs(ps, 1, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    owners.put(rs.getLong(1), rs.getString(2));
                }
            }
        }
        return owners;
    }

    private static void deleteEntries(Connection c, List<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM crm_email_outbox WHERE message_id IN ("
                + Sql.placeholders(ids.size()) + ")")) {
            Sql.setLongs(ps, 1, ids);
            ps.executeUpdate();
        }
    }

    private static void reschedule(Connection c, List<Completion> retries) throws SQLException {
        if (retries.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE crm_email_outbox SET due_at = ?,"
                + " lease_owner = NULL, lease_expires_at = NULL, sending = FALSE WHERE message_id = ?")) {
            for (Completion retry : retries) {
                Sql.setInstant(ps, 1, retry.update().nextAttemptAt());
                ps.setLong(2, retry.messageId());
                ps.addBatch();
            }
            ps.executeBatch();
        }
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

    /**
     * One conditional update of all the entries: it both checks each lease and marks the entry, so a cancel sees
     * one or the other. Returns the marked ones in the given order.
     */
    static Set<Long> startSending(Connection c, Dialect dialect, Collection<Long> ids, String owner, Instant now)
            throws SQLException {
        List<Long> distinct = List.copyOf(new LinkedHashSet<>(ids));
        if (distinct.isEmpty()) {
            return Set.of();
        }
        Set<Long> changed = Sql.updatedMessageIds(c, dialect, "UPDATE crm_email_outbox SET sending = TRUE"
                + " WHERE message_id IN (" + Sql.placeholders(distinct.size()) + ")"
                + " AND lease_owner = ? AND lease_expires_at > ?", ps -> {
                    int index = Sql.setLongs(ps, 1, distinct);
                    ps.setString(index++, owner);
                    Sql.setInstant(ps, index, now);
                });
        Set<Long> marked = new LinkedHashSet<>();
        for (Long id : distinct) {
            if (changed.contains(id)) {
                marked.add(id);
            }
        }
        return marked;
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
}
