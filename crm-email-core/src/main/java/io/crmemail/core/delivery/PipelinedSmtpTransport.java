package io.crmemail.core.delivery;

import io.crmemail.core.integration.SmtpIntegration;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MailTransport} over our own SMTP client ({@link PipelinedConnection}) for one integration: a
 * pool of at most {@link SmtpIntegration#maxConnections()} connections, each carrying many messages.
 * With RFC 2920 PIPELINING a message costs two round trips (envelope and DATA in one write, then the
 * data) instead of Angus's three plus one per recipient, and the MIME message is streamed to the socket
 * once, dot-stuffed on the way. Outcomes are classified exactly as by {@link SmtpTransport}
 * ({@link SmtpExchange}); connection settings come from the same session properties
 * ({@link SmtpClientSettings}). Thread-safe; never throws from {@link #send}.
 */
final class PipelinedSmtpTransport implements MailTransport {

    private static final Logger log = LoggerFactory.getLogger(PipelinedSmtpTransport.class);

    private final SmtpIntegration integration;
    private final SmtpConnectionPool<PipelinedConnection> pool;
    private final String hostPort;
    private final Duration acquireTimeout;
    private volatile long staleAfterNanos = SmtpTransport.DEFAULT_STALE_AFTER.toNanos();

    PipelinedSmtpTransport(SmtpIntegration integration, Properties sessionProperties) {
        this(integration, sessionProperties, integration.readTimeout());
    }

    PipelinedSmtpTransport(SmtpIntegration integration, Properties sessionProperties, Duration acquireTimeout) {
        this.integration = Objects.requireNonNull(integration, "integration");
        SmtpClientSettings settings = SmtpClientSettings.of(integration, sessionProperties);
        this.pool = new SmtpConnectionPool<>(integration.maxConnections(), () -> new PipelinedConnection(settings));
        this.hostPort = settings.hostPort();
        this.acquireTimeout = acquireTimeout;
    }

    /** How long a connection may sit idle before it is checked with NOOP ahead of reuse. */
    void staleAfter(Duration idle) {
        staleAfterNanos = idle.toNanos();
    }

    @Override
    public TransportResult send(MimeMessage message, Envelope envelope) {
        try {
            return sendChecked(message, envelope);
        } catch (RuntimeException e) {
            log.warn("Unexpected failure sending through integration {} ({})", integration.id(), hostPort, e);
            return TransportResult.transientFailure(0, "unexpected failure: " + SmtpFailures.describe(e));
        }
    }

    private TransportResult sendChecked(MimeMessage message, Envelope envelope) {
        List<String> recipients;
        String mailFrom;
        try {
            recipients = EnvelopeAddresses.asciiRecipients(envelope.recipients());
            mailFrom = EnvelopeAddresses.reversePath(envelope.mailFrom());
            if (!mailFrom.equals("<>")) {
                EnvelopeAddresses.ascii(mailFrom);
            }
        } catch (AddressException e) {
            return TransportResult.permanentFailure(0, "invalid envelope address: " + e.getMessage(), List.of());
        }
        if (recipients.isEmpty()) {
            return TransportResult.permanentFailure(0, "the envelope has no recipients", List.of());
        }
        return pool.withLease(acquireTimeout, hostPort,
                lease -> sendOn(lease, message, mailFrom, recipients, envelope.recipients()));
    }

    private TransportResult sendOn(SmtpConnectionPool.Lease<PipelinedConnection> lease, MimeMessage message,
            String mailFrom, List<String> recipients, List<String> names) {
        // A connection idle for a while may have been dropped by the server; find out before using it.
        if (lease.connection.isOpen() && lease.connection.idleLongerThan(staleAfterNanos)
                && !lease.connection.probe()) {
            lease.replace(pool.replacement());
        }
        for (int attempt = 1; ; attempt++) {
            if (!lease.connection.isOpen()) {
                try {
                    lease.connection.open();
                } catch (MessagingException | RuntimeException e) {
                    return SmtpFailures.connectFailure(e, hostPort);
                }
            }
            SmtpExchange exchange;
            try {
                exchange = lease.connection.transact(message, mailFrom, recipients);
            } catch (IOException e) {
                if (attempt == 1 && !lease.connection.dataTerminatorSent()) {
                    // Typically a pooled connection the server had closed: the message never got
                    // through, so a fresh connection can carry it right away.
                    log.debug("Connection to {} failed before the message was accepted; reconnecting", hostPort);
                    lease.replace(pool.replacement());
                    continue;
                }
                return TransportResult.transientFailure(0,
                        "connection to " + hostPort + " lost: " + SmtpFailures.describe(e));
            } catch (MessagingException e) {
                // Writing the message failed (not the socket): the server has a partial DATA.
                lease.connection.discard();
                return TransportResult.transientFailure(0, "send through " + hostPort + " failed: "
                        + SmtpFailures.describe(e));
            }
            TransportResult result = exchange.outcome(names);
            if (exchange.closing()) {
                lease.connection.discard(); // 421: the server is closing the connection
            } else {
                // A failed transaction is reset so the connection can carry the next one.
                lease.reusable = exchange.end() != null && exchange.end().is(250) || lease.connection.reset();
            }
            return result;
        }
    }

    /** Closes every pooled connection; later sends fail as transient. */
    @Override
    public void close() {
        pool.close();
    }
}
