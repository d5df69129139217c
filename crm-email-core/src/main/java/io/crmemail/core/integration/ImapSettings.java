package io.crmemail.core.integration;

import java.time.Duration;
import java.util.Objects;

/**
 * Polling a mailbox over IMAP for replies that never pass the catch domain. For a connected mailbox
 * ({@link IntegrationKind#isOAuthMailbox()}) with no password, the poller logs in with XOAUTH2 and the
 * integration's access token. The password is not in {@link #toString()}.
 *
 * @param host         IMAP host
 * @param port         IMAP port
 * @param security     none, STARTTLS or implicit TLS
 * @param username     login (the mailbox address)
 * @param password     password, null to use the integration's OAuth token
 * @param folder       folder to read, INBOX by default
 * @param pollInterval time between polls, one minute by default
 */
public record ImapSettings(String host, int port, SmtpSecurity security, String username, String password,
                           String folder, Duration pollInterval) {

    public ImapSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(username, "username");
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("IMAP port out of range: " + port);
        }
        folder = folder == null || folder.isBlank() ? "INBOX" : folder;
        pollInterval = pollInterval == null ? Duration.ofMinutes(1) : pollInterval;
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("IMAP poll interval must be positive");
        }
    }

    /** IMAP over TLS on 993 with the integration's OAuth token, polling INBOX every minute. */
    public static ImapSettings oauth(String host, String username) {
        return new ImapSettings(host, 993, SmtpSecurity.TLS, username, null, null, null);
    }

    @Override
    public String toString() {
        return "ImapSettings[host=" + host + ", port=" + port + ", security=" + security + ", username=" + username
                + ", password=" + (password == null ? "null" : "***") + ", folder=" + folder
                + ", pollInterval=" + pollInterval + "]";
    }
}
