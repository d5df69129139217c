package io.crmemail.core.store;

import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.tracking.EventType;
import java.time.Instant;
import java.util.List;

/**
 * An outbound message to accept: the comment to create, its outbox entry (due at {@code dueAt}), its tokens and
 * optionally its first event, stored in one transaction by {@link EmailStore#enqueue(NewEmail)}.
 *
 * @param firstEvent the timeline's first event (e.g. {@code queued}), recorded at {@code createdAt} with no
 *                   details in the same transaction as the message; null for none
 */
public record NewEmail(long accountId, RecordRef record, CommentType type, Long parentId, Long userId,
                       Instant createdAt, EmailMetadata metadata, Instant dueAt, List<NewToken> tokens,
                       EventType firstEvent) {

    public NewEmail {
        tokens = List.copyOf(tokens);
    }

    /** A message recorded without a first event. */
    public NewEmail(long accountId, RecordRef record, CommentType type, Long parentId, Long userId,
                    Instant createdAt, EmailMetadata metadata, Instant dueAt, List<NewToken> tokens) {
        this(accountId, record, type, parentId, userId, createdAt, metadata, dueAt, tokens, null);
    }

    /** This message with other tokens (fresh ones after a collision). */
    public NewEmail withTokens(List<NewToken> newTokens) {
        return new NewEmail(accountId, record, type, parentId, userId, createdAt, metadata, dueAt, newTokens,
                firstEvent);
    }

    /** This message with its first event, recorded with it. */
    public NewEmail withFirstEvent(EventType event) {
        return new NewEmail(accountId, record, type, parentId, userId, createdAt, metadata, dueAt, tokens, event);
    }
}
