package io.crmemail.core.mailbox;

import io.crmemail.core.integration.SmtpIntegration;

/**
 * Access tokens for connected mailboxes ({@link io.crmemail.core.integration.IntegrationKind#isOAuthMailbox()}),
 * used for XOAUTH2 on SMTP and IMAP. Hosts that already manage OAuth tokens implement it; otherwise the
 * built-in provider refreshes them with the integration's {@link io.crmemail.core.integration.OAuthSettings}.
 * Implementations are thread-safe and may cache tokens until shortly before they expire.
 */
@FunctionalInterface
public interface TokenProvider {

    /**
     * A current access token for the mailbox.
     *
     * @param mailbox     the connected mailbox's integration
     * @param forceRefresh true when the server just refused the previous token: do not answer from a cache
     * @throws TokenException when no token can be had (refresh refused, endpoint unreachable)
     */
    String accessToken(SmtpIntegration mailbox, boolean forceRefresh) throws TokenException;
}
