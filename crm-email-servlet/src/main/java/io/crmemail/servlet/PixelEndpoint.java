package io.crmemail.servlet;

import io.crmemail.core.EmailService;
import io.crmemail.core.tracking.Pixel;
import java.io.IOException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /email/pixel/{token}.png}: public. Whatever the token (known, unknown, repeated, malformed)
 * the answer is the same transparent PNG, so the endpoint never reveals whether a token is valid.
 */
final class PixelEndpoint {

    private static final Logger log = LoggerFactory.getLogger(PixelEndpoint.class);
    private static final Pattern TOKEN_PNG = Pattern.compile("[^/]{1,200}\\.png");
    private static final byte[] PNG = Pixel.png();

    private final EmailService email;

    PixelEndpoint(EmailService email) {
        this.email = email;
    }

    void register(Router router) {
        router.route("GET", "/email/pixel/{rest*}", this::pixel);
    }

    private void pixel(Exchange ex) throws IOException {
        String rest = ex.param("rest");
        if (TOKEN_PNG.matcher(rest).matches()) {
            track(rest.substring(0, rest.length() - ".png".length()), ex);
        }
        ex.response().setStatus(200);
        ex.response().setContentType(Pixel.CONTENT_TYPE);
        ex.response().setHeader("Cache-Control", "no-store");
        ex.response().setContentLength(PNG.length);
        ex.response().getOutputStream().write(PNG);
    }

    private void track(String token, Exchange ex) {
        try {
            email.trackOpen(token, ex.request().getHeader("User-Agent"), ex.request().getRemoteAddr());
        } catch (RuntimeException e) {
            // The image must come back the same whatever happened, or the response would leak state.
            log.warn("request {}: open tracking failed", ex.requestId(), e);
        }
    }
}
