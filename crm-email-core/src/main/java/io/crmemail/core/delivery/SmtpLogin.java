package io.crmemail.core.delivery;

import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.mailbox.TokenException;
import io.crmemail.core.mailbox.TokenProvider;

/**
 * How a connection of an integration logs in: with the stored password, or (connected mailboxes) with XOAUTH2,
 * the user being the mailbox address and the password a current access token.
 */
@FunctionalInterface
interface SmtpLogin {

    /** The secret for AUTH; {@code fresh} asks for a new one because the server refused the last. */
    String secret(boolean fresh) throws TokenException;

    /** True when asking for a fresh secret may help after the server refused one (an OAuth token). */
    default boolean refreshable() {
        return false;
    }

    static SmtpLogin of(SmtpIntegration integration, TokenProvider tokens) {
        if (integration.kind().isOAuthMailbox()) {
            if (tokens == null) {
                return fresh -> {
                    throw new TokenException("no TokenProvider is configured for connected mailboxes", true);
                };
            }
            return new SmtpLogin() {
                @Override
                public String secret(boolean fresh) throws TokenException {
                    return tokens.accessToken(integration, fresh);
                }

                @Override
                public boolean refreshable() {
                    return true;
                }
            };
        }
        return fresh -> integration.password();
    }
}
