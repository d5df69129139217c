package io.crmemail.core;

import java.util.Objects;

/**
 * Where the outside world reaches the host, for links inside messages.
 *
 * @param publicBaseUrl base of tracking links, e.g. {@code https://crm.example.com} (no trailing slash)
 * @param replyDomain   the catch domain of {@code reply-{token}@domain} Reply-To addresses; null for none
 * @param limits        input limits
 */
public record EmailSettings(String publicBaseUrl, String replyDomain, Limits limits) {

    public EmailSettings {
        Objects.requireNonNull(publicBaseUrl, "publicBaseUrl");
        publicBaseUrl = publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1)
                : publicBaseUrl;
        limits = limits == null ? Limits.defaults() : limits;
        if (replyDomain != null && (replyDomain.isBlank() || FieldChecks.hasControl(replyDomain)
                || replyDomain.contains("@"))) {
            throw new IllegalArgumentException("replyDomain must be a bare domain name: " + replyDomain);
        }
    }

    /** The URL of a pixel token. */
    public String pixelUrl(String token) {
        return publicBaseUrl + "/email/pixel/" + token + ".png";
    }

    /** The one-click unsubscribe URL of a token, for the {@code List-Unsubscribe} header. */
    public String unsubscribeUrl(String token) {
        return publicBaseUrl + "/email/unsubscribe/" + token;
    }

    /** The URL a tracked link points at: the click redirect of its token. */
    public String clickUrl(String token) {
        return publicBaseUrl + "/email/click/" + token;
    }
}
