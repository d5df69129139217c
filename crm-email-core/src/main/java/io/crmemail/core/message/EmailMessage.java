package io.crmemail.core.message;

import java.time.Instant;

/**
 * An email as a comment on a record's timeline. The comment id is the message id.
 *
 * @param id        comment id == message id
 * @param accountId owning account
 * @param record    the record whose timeline shows it
 * @param type      {@code email_out} or {@code email_in}
 * @param parentId  for a reply, the comment it answers; null otherwise
 * @param userId    author (the sending user), null for inbound mail
 * @param createdAt when it was accepted or received
 * @param metadata  status, content and delivery facts
 */
public record EmailMessage(
        long id,
        long accountId,
        RecordRef record,
        CommentType type,
        Long parentId,
        Long userId,
        Instant createdAt,
        EmailMetadata metadata) {

    public EmailStatus status() {
        return metadata.status();
    }

    public EmailMessage withMetadata(EmailMetadata changed) {
        return new EmailMessage(id, accountId, record, type, parentId, userId, createdAt, changed);
    }
}
