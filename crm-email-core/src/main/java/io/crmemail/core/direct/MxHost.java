package io.crmemail.core.direct;

import io.crmemail.core.delivery.Envelope;
import io.crmemail.core.delivery.MailTransport;
import io.crmemail.core.delivery.SmtpTransportFactory;
import io.crmemail.core.delivery.TransportResult;
import io.crmemail.core.integration.IntegrationKind;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.integration.SmtpSecurity;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Properties;

/**
 * The pooled connections to one MX host, shared by every domain it serves. They are the relay transport's
 * own ({@link io.crmemail.core.delivery.SmtpTransport}), set up for an MX: no authentication, STARTTLS when
 * offered. After a failed TLS handshake the host is spoken to in plain text for a while (opportunistic TLS
 * falls back rather than fail, RFC 7435 §3), starting with the very message that met the failure.
 */
final class MxHost {

    /** How long a host whose TLS handshake failed is spoken to without STARTTLS. */
    static final Duration PLAIN_AFTER_TLS_FAILURE = Duration.ofHours(1);

    private final String name;
    private final OpportunisticTls tls;
    private final MailTransport withTls;
    private final SmtpIntegration plainIntegration;
    private final SmtpTransportFactory plainFactory;
    private MailTransport plain;
    private volatile long plainUntilNanos;
    private volatile long lastUsedNanos = System.nanoTime();
    /** Senders using this host now; changed only under the transport's map lock. */
    int inFlight;

    MxHost(String name, SmtpIntegration integration, int port, String ehloName, OpportunisticTls tls) {
        this.name = name;
        this.tls = tls;
        this.plainIntegration = integration.toBuilder().kind(IntegrationKind.SMTP).host(name).port(port)
                .security(SmtpSecurity.NONE).credentials(null, null).oauth(null).sandbox(false).build();
        Properties starttls = properties(ehloName);
        starttls.setProperty("mail.smtp.starttls.enable", "true");
        starttls.setProperty("mail.smtp.starttls.required", "false");
        starttls.setProperty("mail.smtp.ssl.checkserveridentity", "false");
        starttls.put("mail.smtp.ssl.socketFactory", tls);
        // Angus, not the pipelined client: opportunistic STARTTLS (offered → used, never required) is an Angus
        // session setting the pipelined client does not have.
        this.withTls = new SmtpTransportFactory(starttls).pipelining(false).create(plainIntegration);
        this.plainFactory = new SmtpTransportFactory(properties(ehloName)).pipelining(false);
    }

    private static Properties properties(String ehloName) {
        Properties p = new Properties();
        if (ehloName != null) {
            p.setProperty("mail.smtp.localhost", ehloName);
        }
        return p;
    }

    String name() {
        return name;
    }

    TransportResult send(MimeMessage message, Envelope envelope) {
        lastUsedNanos = System.nanoTime();
        try {
            if (System.nanoTime() - plainUntilNanos < 0) {
                return plain().send(message, envelope);
            }
            TransportResult result = withTls.send(message, envelope);
            if (result.outcome() == TransportResult.Outcome.TRANSIENT_FAILURE && tls.takeFailure(name)) {
                plainUntilNanos = System.nanoTime() + PLAIN_AFTER_TLS_FAILURE.toNanos();
                return plain().send(message, envelope);
            }
            return result;
        } finally {
            lastUsedNanos = System.nanoTime();
        }
    }

    boolean idleLongerThan(Duration idle) {
        return System.nanoTime() - lastUsedNanos > idle.toNanos();
    }

    private synchronized MailTransport plain() {
        if (plain == null) {
            plain = plainFactory.create(plainIntegration);
        }
        return plain;
    }

    synchronized void close() {
        withTls.close();
        if (plain != null) {
            plain.close();
        }
    }
}
