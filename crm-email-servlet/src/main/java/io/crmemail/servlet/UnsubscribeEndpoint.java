package io.crmemail.servlet;

import io.crmemail.core.EmailService;
import io.crmemail.core.compose.ListUnsubscribe;
import io.crmemail.core.template.Placeholders;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /email/unsubscribe/{token}}: public, the target of a message's one-click {@code List-Unsubscribe}
 * header (RFC 8058). A GET only shows a page whose button POSTs back: link scanners and previews follow GETs, so
 * a GET must never unsubscribe anyone. A POST unsubscribes, whatever its body: mail providers send
 * {@code List-Unsubscribe=One-Click} form-encoded or multipart, without cookies or credentials, and the page's
 * button sends the same. Every answer is uncacheable and kept out of search indexes.
 */
final class UnsubscribeEndpoint {

    private static final Logger log = LoggerFactory.getLogger(UnsubscribeEndpoint.class);
    private static final byte[] NOT_FOUND = HtmlPages.textPage("Link not found",
            "This unsubscribe link is unknown or no longer valid.");
    private static final byte[] UNAVAILABLE = HtmlPages.textPage("Try again",
            "We cannot handle this unsubscribe link right now; please try again in a moment.");
    private static final String FIELD = ListUnsubscribe.ONE_CLICK.substring(0, ListUnsubscribe.ONE_CLICK.indexOf('='));
    private static final String VALUE = ListUnsubscribe.ONE_CLICK.substring(FIELD.length() + 1);

    private final EmailService email;

    UnsubscribeEndpoint(EmailService email) {
        this.email = email;
    }

    void register(Router router) {
        router.route("GET", "/email/unsubscribe/{token}", this::confirm);
        router.route("POST", "/email/unsubscribe/{token}", this::unsubscribe);
    }

    private void confirm(Exchange ex) throws IOException {
        Optional<String> address = answer(ex, () -> email.unsubscribeRecipient(ex.param("token")));
        if (address == null) {
            return;
        }
        // No action attribute: the form posts to this very URL, token included.
        HtmlPages.write(ex, 200, HtmlPages.page("Unsubscribe",
                "<p>Stop receiving these emails at " + Placeholders.HTML.apply(masked(address.get())) + "?</p>"
                        + "<form method=\"post\"><input type=\"hidden\" name=\"" + FIELD + "\" value=\"" + VALUE
                        + "\"><button type=\"submit\">Unsubscribe</button></form>"));
    }

    private void unsubscribe(Exchange ex) throws IOException {
        Optional<String> address = answer(ex, () -> email.unsubscribe(ex.param("token"),
                ex.request().getHeader("User-Agent"), ex.request().getRemoteAddr()));
        if (address == null) {
            return;
        }
        HtmlPages.write(ex, 200, HtmlPages.textPage("Unsubscribed",
                Placeholders.HTML.apply(masked(address.get())) + " will not receive these emails any more."));
    }

    /**
     * Sets the headers every answer carries and runs the core call; writes the 404 or 503 page itself and then
     * returns null.
     */
    private static Optional<String> answer(Exchange ex, java.util.function.Supplier<Optional<String>> call)
            throws IOException {
        ex.response().setHeader("Cache-Control", "no-store");
        ex.response().setHeader("X-Robots-Tag", "noindex, nofollow");
        ex.response().setHeader("Referrer-Policy", "no-referrer");
        // The button must not be clickable from inside someone else's page.
        ex.response().setHeader("Content-Security-Policy", "default-src 'none'; form-action 'self'; "
                + "frame-ancestors 'none'");
        Optional<String> address;
        try {
            address = call.get();
        } catch (RuntimeException e) {
            // The link may well be good: "not found" would be a lie, and a provider should retry its POST.
            log.warn("request {}: unsubscribe failed", ex.requestId(), e);
            ex.response().setHeader("Retry-After", "5");
            HtmlPages.write(ex, 503, UNAVAILABLE);
            return null;
        }
        if (address.isEmpty()) {
            HtmlPages.write(ex, 404, NOT_FOUND);
            return null;
        }
        return address;
    }

    /** {@code j•••@example.org}: enough for its owner to recognise, little for whoever else has the link. */
    static String masked(String address) {
        int at = address.lastIndexOf('@');
        return at <= 0 ? "•••" : address.charAt(0) + "•••" + address.substring(at);
    }
}
