package io.crmemail.core.delivery;

import jakarta.mail.internet.MimeMessage;
import java.util.Optional;

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

    /**
     * The backoff for this transport's transient failures when it differs from the engine's (direct delivery
     * retries more slowly and for longer, as RFC 5321 asks); empty to use the engine's.
     */
    default Optional<RetryPolicy> retryPolicy() {
        return Optional.empty();
    }

    /** Closes all connections. */
    @Override
    void close();
}
