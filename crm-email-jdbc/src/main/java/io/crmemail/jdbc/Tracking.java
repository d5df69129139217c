package io.crmemail.jdbc;

import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.store.Engagement;
import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.EventType;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Opens, clicks and delivery reports: each records its event and applies {@link Engagement}'s rule. */
final class Tracking {

    /** A message's metadata before and after an event. */
    private record Change(EmailMetadata before, EmailMetadata after) {
    }

    private final Messages messages;
    private final Events events;

    Tracking(Messages messages, Events events) {
        this.messages = messages;
        this.events = events;
    }

    /** True when the open made the message read. */
    boolean open(Connection c, EmailEvent open) throws SQLException {
        events.insert(c, open);
        return apply(c, open.messageId(), m -> Engagement.afterOpen(m, open))
                .filter(change -> change.before().status() != change.after().status())
                .isPresent();
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
