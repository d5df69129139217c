package io.crmemail.core.delivery;

import io.crmemail.core.integration.IntegrationKind;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.integration.SmtpSecurity;
import io.crmemail.core.mailbox.TokenProvider;
import jakarta.mail.Session;
import java.time.Duration;
import java.util.Properties;

/**
 * Makes the pooled transport of an integration: for {@link IntegrationKind#SMTP} relays our own
 * pipelined SMTP client (RFC 2920, message streamed once), for the other kinds an {@link SmtpTransport}
 * (reused Jakarta Mail / Angus connections); {@link #pipelining(boolean) pipelining(false)} uses Angus
 * for every kind. Extra Jakarta Mail properties given here are merged over the computed ones and read
 * by both, e.g. {@code mail.smtps.ssl.trust=*} in tests against a self-signed server.
 *
 * <p>Connected mailboxes ({@link IntegrationKind#isOAuthMailbox()}) log in with XOAUTH2 through Angus, taking
 * access tokens from the {@link TokenProvider} given with {@link #withTokenProvider}. The {@code EmailService}
 * builder hands its provider to a factory that has none.
 */
public final class SmtpTransportFactory implements MailTransportFactory {

    private final Properties extraSessionProperties;
    private final TokenProvider tokens;
    private final boolean pipelining;

    public SmtpTransportFactory() {
        this(new Properties());
    }

    /** @param extraSessionProperties Jakarta Mail properties that override the computed ones */
    public SmtpTransportFactory(Properties extraSessionProperties) {
        this(extraSessionProperties, null, true);
    }

    private SmtpTransportFactory(Properties extraSessionProperties, TokenProvider tokens, boolean pipelining) {
        this.extraSessionProperties = new Properties();
        this.extraSessionProperties.putAll(extraSessionProperties);
        this.tokens = tokens;
        this.pipelining = pipelining;
    }

    /** The same factory, with access tokens for connected mailboxes from {@code tokens}. */
    public SmtpTransportFactory withTokenProvider(TokenProvider tokens) {
        return new SmtpTransportFactory(extraSessionProperties, tokens, pipelining);
    }

    /** The provider of access tokens for connected mailboxes, or null when none was given. */
    public TokenProvider tokenProvider() {
        return tokens;
    }

    /**
     * A factory like this one that sends through SMTP relays with our pipelined client ({@code true},
     * the default) or with Angus ({@code false}).
     */
    public SmtpTransportFactory pipelining(boolean enabled) {
        return new SmtpTransportFactory(extraSessionProperties, tokens, enabled);
    }

    @Override
    public MailTransport create(SmtpIntegration integration) {
        if (pipelining && integration.kind() == IntegrationKind.SMTP) {
            return new PipelinedSmtpTransport(integration, sessionProperties(integration));
        }
        return new SmtpTransport(integration, () -> session(integration), SmtpLogin.of(integration, tokens),
                integration.readTimeout());
    }

    /**
     * A new session configured for the integration. Each call returns its own session with its own
     * properties, because the transport keeps one per pooled connection and sets the envelope sender
     * on it before every message.
     */
    public Session session(SmtpIntegration integration) {
        return Session.getInstance(sessionProperties(integration));
    }

    /** The Jakarta Mail properties for the integration, extras included. */
    public Properties sessionProperties(SmtpIntegration integration) {
        String p = "mail." + protocol(integration.security()) + ".";
        Properties props = new Properties();
        props.setProperty(p + "host", integration.host());
        props.setProperty(p + "port", Integer.toString(integration.port()));
        props.setProperty(p + "connectiontimeout", millis(integration.connectTimeout()));
        props.setProperty(p + "timeout", millis(integration.readTimeout()));
        props.setProperty(p + "writetimeout", millis(integration.readTimeout()));
        props.setProperty(p + "auth", Boolean.toString(integration.hasCredentials()));
        // Deliver to the accepted recipients even when others are refused; we report per recipient.
        props.setProperty(p + "sendpartial", "true");
        // Closing should not wait for a slow or dead server's reply to QUIT.
        props.setProperty(p + "quitwait", "false");
        if (integration.security() == SmtpSecurity.STARTTLS) {
            props.setProperty(p + "starttls.enable", "true");
            props.setProperty(p + "starttls.required", "true");
        }
        if (integration.security() == SmtpSecurity.TLS) {
            props.setProperty(p + "ssl.enable", "true");
        }
        if (integration.security() != SmtpSecurity.NONE) {
            props.setProperty(p + "ssl.checkserveridentity", "true");
        }
        if (integration.kind().isOAuthMailbox()) {
            // The password is an access token: XOAUTH2 only, never PLAIN or LOGIN with it.
            props.setProperty(p + "auth.mechanisms", "XOAUTH2");
        }
        props.putAll(extraSessionProperties);
        return props;
    }

    static String protocol(SmtpSecurity security) {
        return security == SmtpSecurity.TLS ? "smtps" : "smtp";
    }

    private static String millis(Duration d) {
        return Long.toString(Math.max(1, d.toMillis()));
    }
}
