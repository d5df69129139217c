package io.crmemail.jdbc;

import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.store.Engagement;
import io.crmemail.core.store.OpenHit;
import io.crmemail.core.store.TokenKind;
import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.EventType;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/** Opens, clicks and delivery reports: each records its event and applies {@link Engagement}'s rule. */
final class Tracking {

    /** A message's metadata before and after an event. */
    private record Change(EmailMetadata before, EmailMetadata after) {
    }

    /** How many settled message ids {@link #settled} remembers (about 100 bytes each). */
    private static final int SETTLED_CAPACITY = 100_000;

    private final Messages messages;
    private final Events events;
    private final Tokens tokens;
    /**
     * Messages seen committed in a state no open can change ({@link Engagement#openCannotChange}), least recently
     * used dropped first: their later opens only add events, without locking and parsing the row. Safe across
     * nodes because that state never ends.
     */
    private final Map<Long, Boolean> settled = Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                    return size() > SETTLED_CAPACITY;
                }
            });

    Tracking(Messages messages, Events events, Tokens tokens) {
        this.messages = messages;
        this.events = events;
        this.tokens = tokens;
    }

    /** True when the open made the message read. */
    boolean open(Connection c, EmailEvent open) throws SQLException {
        events.insert(c, open);
        return apply(c, open.messageId(), m -> Engagement.afterOpen(m, open))
                .filter(change -> change.before().status() != change.after().status())
                .isPresent();
    }

    /**
     * Records pixel hits: one query resolves the tokens, each affected message an open can still change is
     * locked and written once with {@link Engagement#afterOpen} applied hit by hit, and the events go in as one
     * batch. Returns the hits recorded.
     */
    int opens(Connection c, List<OpenHit> hits) throws SQLException {
        Set<String> distinct = new HashSet<>();
        for (OpenHit hit : hits) {
            distinct.add(hit.token());
        }
        if (distinct.isEmpty()) {
            return 0;
        }
        Map<String, Long> messageOf = tokens.messagesOf(c, TokenKind.PIXEL, distinct);
        if (messageOf.isEmpty()) {
            return 0;
        }
        List<EmailEvent> opens = new ArrayList<>();
        for (OpenHit hit : hits) {
            Long messageId = messageOf.get(hit.token());
            if (messageId != null) {
                opens.add(hit.toEvent(messageId));
            }
        }
        Set<Long> unsettled = new HashSet<>();
        for (Long messageId : messageOf.values()) {
            if (settled.get(messageId) == null) {
                unsettled.add(messageId);
            }
        }
        Map<Long, Messages.Locked> locked = unsettled.isEmpty() ? Map.of() : messages.lockAll(c, unsettled);
        for (Messages.Locked row : locked.values()) {
            // Only what was committed before this transaction: a change made here could still roll back.
            if (Engagement.openCannotChange(row.metadata())) {
                settled.put(row.id(), Boolean.TRUE);
            }
        }
        Map<Long, EmailMetadata> after = new HashMap<>();
        for (EmailEvent open : opens) {
            Messages.Locked row = locked.get(open.messageId());
            if (row != null) {
                after.put(row.id(), Engagement.afterOpen(after.getOrDefault(row.id(), row.metadata()), open));
            }
        }
        List<Messages.Rewrite> rewrites = new ArrayList<>();
        for (Messages.Locked row : locked.values()) {
            EmailMetadata changed = after.get(row.id());
            if (changed != null && !changed.equals(row.metadata())) {
                rewrites.add(new Messages.Rewrite(row, changed));
            }
        }
        messages.updateAll(c, rewrites);
        events.insertAll(c, opens);
        return opens.size();
    }

    /** True when the click stamped {@code firstClickedAt}. */
    boolean click(Connection c, EmailEvent click) throws SQLException {
        events.insert(c, click);
        return apply(c, click.messageId(), m -> Engagement.afterClick(m, click))
                .filter(change -> change.before().firstClickedAt() == null && change.after().firstClickedAt() != null)
                .isPresent();
    }

    Optional<EmailMessage> delivered(Connection c, long messageId, Instant at, Map<String, String> details)
            throws SQLException {
        if (apply(c, messageId, m -> Engagement.afterDelivered(m, Sql.micros(at))).isEmpty()) {
            return Optional.empty();
        }
        events.insert(c, EmailEvent.of(messageId, EventType.DELIVERED, at, details));
        return messages.find(c, messageId);
    }

    /** Applies a rule to the locked message, writing only when it changed something; empty without a message. */
    private Optional<Change> apply(Connection c, long messageId, UnaryOperator<EmailMetadata> rule)
            throws SQLException {
        Optional<Messages.Locked> locked = messages.lock(c, messageId);
        if (locked.isEmpty()) {
            return Optional.empty();
        }
        EmailMetadata before = locked.get().metadata();
        EmailMetadata after = rule.apply(before);
        if (!after.equals(before)) {
            messages.update(c, locked.get(), after);
        }
        return Optional.of(new Change(before, after));
    }
}
