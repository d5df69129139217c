package io.crmemail.core.delivery;

import jakarta.mail.internet.MimeMessage;

/**
 * Hands a finished MIME message to the world for one integration. Implementations are thread-safe
 * (several workers send through one transport) and keep their connections open between sends.
 */
public interface MailTransport extends AutoCloseable {

    /**
     * Transmits one message. SMTP refusals and connection trouble are returned as a classified
     * {@link TransportResult}, never thrown.
     */
    TransportResult send(MimeMessage message, Envelope envelope);

    /** Closes all connections. */
    @Override
    void close();
}
