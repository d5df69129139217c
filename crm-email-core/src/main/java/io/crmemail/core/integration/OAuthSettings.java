package io.crmemail.core.integration;

import java.util.Objects;

/**
 * How the built-in token provider gets access tokens for a connected mailbox: the standard OAuth2
 * {@code refresh_token} grant against {@code tokenEndpoint}. Secrets are not in {@link #toString()}.
 *
 * @param tokenEndpoint the OAuth2 token endpoint (https, or http for a local test server)
 * @param clientId      the OAuth client id
 * @param clientSecret  the OAuth client secret, null for public clients
 * @param refreshToken  the stored refresh token
 * @param scope         scope to ask for on refresh, null to keep the granted one
 */
public record OAuthSettings(String tokenEndpoint, String clientId, String clientSecret, String refreshToken,
                            String scope) {

    /** Google's token endpoint. */
    public static final String GOOGLE_TOKEN_ENDPOINT = "https://oauth2.googleapis.com/token";
    /** Microsoft identity platform's token endpoint (multi-tenant). */
    public static final String MICROSOFT_TOKEN_ENDPOINT = "https://login.microsoftonline.com/common/oauth2/v2.0/token";

    public OAuthSettings {
        Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(refreshToken, "refreshToken");
    }

    /** The same settings with a refresh token the provider rotated. */
    public OAuthSettings withRefreshToken(String rotated) {
        return new OAuthSettings(tokenEndpoint, clientId, clientSecret, rotated, scope);
    }

    @Override
    public String toString() {
        return "OAuthSettings[tokenEndpoint=" + tokenEndpoint + ", clientId=" + clientId
                + ", clientSecret=" + (clientSecret == null ? "null" : "***") + ", refreshToken=***, scope=" + scope
                + "]";
    }
}
