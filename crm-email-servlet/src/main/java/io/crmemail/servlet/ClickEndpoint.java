package io.crmemail.servlet;

import io.crmemail.core.EmailService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code GET /email/click/{token}}: public. A known token is recorded as a click and redirected (302) to the
 * URL stored with it when the message was accepted; anything else is a small 404 page. The target never comes
 * from the request, so this cannot be used as an open redirect.
 */
final class ClickEndpoint {

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,200}");
    private static final byte[] NOT_FOUND = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Link not found"
            + "</title></head><body><h1>Link not found</h1><p>This link is unknown or no longer valid.</p></body></html>")
            .getBytes(StandardCharsets.UTF_8);

    private final EmailService email;

    ClickEndpoint(EmailService email) {
        this.email = email;
    }

    void register(Router router) {
        router.route("GET", "/email/click/{token}", this::click);
    }

    /**
     * Links may hold spaces or non-ASCII characters (browsers accept them in href); a header may not. They are
     * percent-encoded as UTF-8, which is what a browser would have requested anyway.
     */
    static String headerSafe(String url) {
        StringBuilder out = new StringBuilder(url.length() + 16);
        for (byte b : url.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > 0x20 && c < 0x7f) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private void click(Exchange ex) throws IOException {
        String token = ex.param("token");
        Optional<String> target = TOKEN.matcher(token).matches()
                ? email.trackClick(token, ex.request().getHeader("User-Agent"), ex.request().getRemoteAddr())
                : Optional.empty();
        ex.response().setHeader("Cache-Control", "no-store");
        if (target.isPresent()) {
            ex.response().setStatus(302);
            ex.response().setHeader("Location", headerSafe(target.get()));
            ex.response().setHeader("Referrer-Policy", "no-referrer");
            return;
        }
        ex.response().setStatus(404);
        ex.response().setContentType("text/html;charset=utf-8");
        ex.response().setContentLength(NOT_FOUND.length);
        ex.response().getOutputStream().write(NOT_FOUND);
    }
}
