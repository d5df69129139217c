package io.crmemail.servlet;

import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailMetadata;
import java.time.Instant;

/** A comment as the record timeline sees it: {@code {id, type, parentId, userId, createdAt, metadata}}. */
record CommentView(long id, CommentType type, Long parentId, Long userId, Instant createdAt, EmailMetadata metadata) {

    static CommentView of(EmailMessage m) {
        return new CommentView(m.id(), m.type(), m.parentId(), m.userId(), m.createdAt(), m.metadata());
    }
}
