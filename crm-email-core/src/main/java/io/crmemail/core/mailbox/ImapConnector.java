package io.crmemail.core.mailbox;

import io.crmemail.core.integration.ImapSettings;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.integration.SmtpSecurity;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.time.Duration;
import java.util.Properties;

/**
 * Logs in to an integration's IMAP mailbox (Angus {@code imap}/{@code imaps}): with the settings' password, or,
 * when there is none, with XOAUTH2 and an access token from the {@link TokenProvider}. A refused token is
 * refreshed once ({@code forceRefresh}) and the login tried again: a cached token may have been revoked early.
 */
final class ImapConnector {

    /** Logging in cannot work without someone changing the settings: no token provider for an OAuth login. */
    static final class NotConfiguredException extends Exception {
        NotConfiguredException(String message) {
            super(message);
        }
    }

    private final TokenProvider tokens;

    /** @param tokens the access tokens for XOAUTH2 logins; null when the host configured none */
    ImapConnector(TokenProvider tokens) {
        this.tokens = tokens;
    }

    Store connect(SmtpIntegration integration)
            throws MessagingException, TokenException, NotConfiguredException {
        ImapSettings imap = integration.imap();
        Session session = Session.getInstance(properties(integration));
        String protocol = protocol(imap.security());
        if (imap.password() != null) {
            return login(session, protocol, imap, imap.password());
        }
        if (tokens == null) {
            throw new NotConfiguredException("integration " + integration.id() + " polls IMAP with OAuth (no"
                    + " password) but the EmailService has no TokenProvider");
        }
        try {
            return login(session, protocol, imap, tokens.accessToken(integration, false));
        } catch (AuthenticationFailedException refused) {
            return login(session, protocol, imap, tokens.accessToken(integration, true));
        }
    }

    private static Store login(Session session, String protocol, ImapSettings imap, String secret)
            throws MessagingException {
        Store store = session.getStore(protocol);
        store.connect(imap.host(), imap.port(), imap.username(), secret);
        return store;
    }

    static Properties properties(SmtpIntegration integration) {
        ImapSettings imap = integration.imap();
        String p = "mail." + protocol(imap.security()) + ".";
        Properties props = new Properties();
        props.setProperty(p + "connectiontimeout", millis(integration.connectTimeout()));
        props.setProperty(p + "timeout", millis(integration.readTimeout()));
        props.setProperty(p + "writetimeout", millis(integration.readTimeout()));
        // Reading must not mark anything \Seen in the user's mailbox (the folder is read-only as well).
        props.setProperty(p + "peek", "true");
        if (imap.password() == null) {
            props.setProperty(p + "auth.mechanisms", "XOAUTH2");
        }
        if (imap.security() == SmtpSecurity.STARTTLS) {
            props.setProperty(p + "starttls.enable", "true");
            props.setProperty(p + "starttls.required", "true");
        }
        if (imap.security() != SmtpSecurity.NONE) {
            props.setProperty(p + "ssl.checkserveridentity", "true");
        }
        return props;
    }

    static String protocol(SmtpSecurity security) {
        return security == SmtpSecurity.TLS ? "imaps" : "imap";
    }

    private static String millis(Duration d) {
        return Long.toString(Math.max(1, d.toMillis()));
    }
}
