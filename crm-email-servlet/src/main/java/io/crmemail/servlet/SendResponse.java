package io.crmemail.servlet;

import io.crmemail.core.SendResult;
import io.crmemail.core.message.EmailStatus;

/** The 202 answer of a send: {@code {id, status, comment}} with {@code id == comment.id}. */
record SendResponse(long id, EmailStatus status, CommentView comment) {

    static SendResponse of(SendResult result) {
        return new SendResponse(result.id(), result.status(), CommentView.of(result.comment()));
    }
}
