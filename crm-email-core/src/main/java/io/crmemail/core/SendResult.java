package io.crmemail.core;

import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailStatus;

/** The answer to a send: the id (== the comment's id), its status, and the comment itself. */
public record SendResult(long id, EmailStatus status, EmailMessage comment) {
}
