package io.crmemail.core.store;

import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.RecordRef;
import java.time.Instant;
import java.util.List;

/**
 * An outbound message to accept: the comment to create, its outbox entry (due at {@code dueAt}) and its
 * tokens, stored in one transaction by {@link EmailStore#enqueue(NewEmail)}.
 */
public record NewEmail(long accountId, RecordRef record, CommentType type, Long parentId, Long userId,
                       Instant createdAt, EmailMetadata metadata, Instant dueAt, List<NewToken> tokens) {

    public NewEmail {
        tokens = List.copyOf(tokens);
    }

    /** This message with other tokens (fresh ones after a collision). */
    public NewEmail withTokens(List<NewToken> newTokens) {
        return new NewEmail(accountId, record, type, parentId, userId, createdAt, metadata, dueAt, newTokens);
    }
}
