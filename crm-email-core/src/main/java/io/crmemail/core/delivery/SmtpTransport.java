package io.crmemail.core.delivery;

import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.message.RecipientResult;
import io.crmemail.core.mailbox.TokenException;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MailTransport} over SMTP for one integration: a pool of at most
 * {@link SmtpIntegration#maxConnections()} Jakarta Mail connections, each carrying many messages one
 * after the other. Thread-safe; never throws from {@link #send}.
 *
 * <p>The envelope sender is set per message through the {@code mail.smtp.from} (or
 * {@code mail.smtps.from}) property of the connection's own session, which Angus reads at every MAIL
 * FROM; the caller's message class and headers stay untouched. The message is written as it is: call
 * {@code saveChanges()} before handing it over (Angus only calls it itself if it was never called).
 */
public final class SmtpTransport implements MailTransport {

    private static final Logger log = LoggerFactory.getLogger(SmtpTransport.class);
    static final Duration DEFAULT_STALE_AFTER = Duration.ofSeconds(30);

    private final SmtpIntegration integration;
    private final SmtpLogin login;
    private final SmtpConnectionPool<SmtpConnection> pool;
    private final String hostPort;
    private final Duration acquireTimeout;
    private volatile long staleAfterNanos = DEFAULT_STALE_AFTER.toNanos();

    /** A transport for the integration with default session settings; see {@link SmtpTransportFactory}. */
    public SmtpTransport(SmtpIntegration integration) {
        this(integration, () -> new SmtpTransportFactory().session(integration));
    }

    SmtpTransport(SmtpIntegration integration, Supplier<Session> sessions) {
        this(integration, sessions, integration.readTimeout());
    }

    SmtpTransport(SmtpIntegration integration, Supplier<Session> sessions, Duration acquireTimeout) {
        this(integration, sessions, SmtpLogin.of(integration, null), acquireTimeout);
    }

    SmtpTransport(SmtpIntegration integration, Supplier<Session> sessions, SmtpLogin login, Duration acquireTimeout) {
        this.integration = Objects.requireNonNull(integration, "integration");
        this.login = login;
        this.pool = new SmtpConnectionPool<>(integration.maxConnections(),
                () -> new SmtpConnection(integration, login, sessions.get()));
        this.hostPort = integration.host() + ":" + integration.port();
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
        InternetAddress[] recipients;
        String mailFrom;
        try {
            recipients = EnvelopeAddresses.recipients(envelope.recipients());
            mailFrom = EnvelopeAddresses.reversePath(envelope.mailFrom());
        } catch (AddressException e) {
            return TransportResult.permanentFailure(0, "invalid envelope address: " + e.getMessage(), List.of());
        }
        if (recipients.length == 0) {
            return TransportResult.permanentFailure(0, "the envelope has no recipients", List.of());
        }
        return pool.withLease(acquireTimeout, hostPort,
                lease -> sendOn(lease, message, recipients, mailFrom, envelope.recipients()));
    }

    private TransportResult sendOn(SmtpConnectionPool.Lease<SmtpConnection> lease, MimeMessage message,
            InternetAddress[] recipients, String mailFrom, List<String> names) {
        // A connection idle for a while may have been dropped by the server; find out before using it.
        if (lease.connection.isOpen() && lease.connection.idleLongerThan(staleAfterNanos)
                && !lease.connection.probe()) {
            lease.replace(pool.replacement());
        }
        boolean resent = false;
        boolean refreshed = false;
        while (true) {
            if (!lease.connection.isOpen()) {
                try {
                    lease.connection.open(refreshed);
                } catch (TokenException e) {
                    return SmtpFailures.tokenFailure(e, integration);
                } catch (AuthenticationFailedException e) {
                    if (login.refreshable() && !refreshed) {
                        // The access token expired or was revoked before its time: one fresh token, one retry.
                        log.debug("{} refused the access token of mailbox {}; refreshing it", hostPort, integration.id());
                        refreshed = true;
                        lease.replace(pool.replacement());
                        continue;
                    }
                    return refreshed ? SmtpFailures.freshTokenRefused(e, integration, hostPort)
                            : SmtpFailures.connectFailure(e, hostPort);
                } catch (MessagingException | RuntimeException e) {
                    return SmtpFailures.connectFailure(e, hostPort);
                }
            }
            try {
                lease.connection.send(message, recipients, mailFrom);
                lease.reusable = true;
                String reply = lease.connection.lastServerResponse();
                List<RecipientResult> results = new ArrayList<>(names.size());
                names.forEach(r -> results.add(new RecipientResult(r, true, 250, reply)));
                return TransportResult.sent(250, reply, results);
            } catch (MessagingException | IllegalStateException e) {
                if (login.refreshable() && !refreshed && SmtpFailures.isAuthenticationRequired(e)
                        && !lease.connection.dataTerminatorSent()) {
                    // A pooled connection outlived its token and the server now wants a new login.
                    log.debug("{} asks mailbox {} to log in again; refreshing its token", hostPort, integration.id());
                    refreshed = true;
                    lease.replace(pool.replacement());
                    continue;
                }
                boolean resend = !resent && SmtpFailures.isConnectionLevel(e) && !lease.connection.dataTerminatorSent();
                if (resend) {
                    // Typically a pooled connection the server had closed: the message never got
                    // through, so a fresh connection can carry it right away.
                    log.debug("Connection to {} failed before the message was accepted; reconnecting", hostPort);
                    resent = true;
                    lease.replace(pool.replacement());
                    continue;
                }
                // Only a completed transaction leaves the connection in a known state.
                lease.reusable = SmtpFailures.deliveredToSome(e);
                return SmtpFailures.sendFailure(e, names, hostPort, lease.connection.lastServerResponse());
            }
        }
    }

    /** Closes every pooled connection; later sends fail as transient. */
    @Override
    public void close() {
        pool.close();
    }
}
