package io.crmemail.servlet;

import io.crmemail.core.EmailService;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /email/click/{token}}: public. A known token is recorded as a click and redirected (302) to the
 * URL stored with it when the message was accepted; anything else is a small 404 page. The target never comes
 * from the request, so this cannot be used as an open redirect.
 */
final class ClickEndpoint {

    private static final Logger log = LoggerFactory.getLogger(ClickEndpoint.class);
    private static final byte[] NOT_FOUND = HtmlPages.textPage("Link not found",
            "This link is unknown or no longer valid.");
    private static final byte[] UNAVAILABLE = HtmlPages.textPage("Try again",
            "This link cannot be followed right now; please try again in a moment.");

    private final EmailService email;

    ClickEndpoint(EmailService email) {
        this.email = email;
    }

    void register(Router router) {
        router.route("GET", "/email/click/{token}", this::click);
    }

    private void click(Exchange ex) throws IOException {
        String token = ex.param("token");
        ex.response().setHeader("Cache-Control", "no-store");
        Optional<String> target;
        try {
            // The core checks the token's shape before any lookup.
            target = email.trackClick(token, ex.request().getHeader("User-Agent"), ex.request().getRemoteAddr());
        } catch (RuntimeException e) {
            // The store could not say: the link may well be good, so "not found" would be a lie. Ask for a retry.
            log.warn("request {}: click lookup failed", ex.requestId(), e);
            ex.response().setHeader("Retry-After", "5");
            HtmlPages.write(ex, 503, UNAVAILABLE);
            return;
        }
        if (target.isPresent()) {
            ex.response().setStatus(302);
            ex.response().setHeader("Location", target.get());
            ex.response().setHeader("Referrer-Policy", "no-referrer");
            return;
        }
        HtmlPages.write(ex, 404, NOT_FOUND);
    }
}
