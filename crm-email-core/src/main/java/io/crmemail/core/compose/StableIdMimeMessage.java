package io.crmemail.core.compose;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/**
 * A message whose Message-ID is fixed at acceptance: {@code saveChanges()} (called again by
 * {@code Transport.send}) would otherwise mint a new one, and a retried message must keep its id so
 * replies and duplicates can be matched.
 */
final class StableIdMimeMessage extends MimeMessage {

    private final String messageId;

    StableIdMimeMessage(Session session, String messageId) {
        super(session);
        this.messageId = messageId;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
        setHeader("Message-ID", messageId);
    }
}
