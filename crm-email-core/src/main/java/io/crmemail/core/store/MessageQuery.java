package io.crmemail.core.store;

import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.RecordRef;
import java.time.Instant;

/**
 * Filters for listing an account's messages, newest first. Every filter is optional (null); ranges are
 * {@code from} inclusive, {@code to} exclusive.
 *
 * @param type        only outbound or only inbound messages
 * @param status      raw status
 * @param recipient   an address among to, cc and bcc (outbound) or to and cc (inbound), case-insensitive
 * @param record      messages on this record's timeline
 * @param threadId    messages of this conversation
 * @param tag         messages carrying this tag (exact)
 * @param createdFrom created at or after
 * @param createdTo   created before
 * @param sentFrom    sent at or after
 * @param sentTo      sent before
 * @param beforeId    cursor: only ids below this one
 * @param limit       at most this many, at least 1
 */
public record MessageQuery(CommentType type, EmailStatus status, String recipient, RecordRef record, String threadId,
                           String tag, Instant createdFrom, Instant createdTo, Instant sentFrom, Instant sentTo,
                           Long beforeId, int limit) {

    public MessageQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
    }

    /** No filters, the newest {@code limit} messages. */
    public static MessageQuery latest(int limit) {
        return new MessageQuery(null, null, null, null, null, null, null, null, null, null, null, limit);
    }

    /**
     * Whether a message of the queried account passes every filter and the cursor (the limit is the caller's).
     * Stores that cannot push the filters into an index use this, so that all stores agree.
     */
    public boolean matches(EmailMessage m) {
        return (type == null || m.type() == type)
                && (status == null || m.status() == status)
                && (record == null || m.record().equals(record))
                && (threadId == null || threadId.equals(m.metadata().threadId()))
                && (tag == null || m.metadata().tags().contains(tag))
                && (beforeId == null || m.id() < beforeId)
                && within(m.createdAt(), createdFrom, createdTo)
                && (sentFrom == null && sentTo == null || m.metadata().sentAt() != null
                        && within(m.metadata().sentAt(), sentFrom, sentTo))
                && (recipient == null
                        || SearchFields.recipients(m.type(), m.metadata()).contains(SearchFields.address(recipient)));
    }

    private static boolean within(Instant at, Instant from, Instant to) {
        return (from == null || !at.isBefore(from)) && (to == null || at.isBefore(to));
    }
}
