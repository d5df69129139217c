package io.crmemail.core.compose;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;

/**
 * Click tracking of HTML links. At acceptance {@link #trackableUrls} lists the links to track, in document
 * order, and a token is stored for each with its URL; at transmission {@link #rewrite} walks the same body
 * the same way and points the n-th trackable link at the n-th tracking URL. Both sides parse the same stored
 * body with the same rules, so the order matches.
 *
 * <p>Tracked: {@code http(s)} links. Not tracked: {@code mailto:}, {@code tel:}, anchors, links marked
 * {@code data-notrack}, unsubscribe links (a redirect in front of them breaks one-click unsubscribes and
 * looks like phishing to filters), and links whose URL holds a merge field (the URL is only known at
 * transmission, and a token must name a URL we actually sent), holds a control character, or is longer than
 * the store keeps.
 */
public final class ClickLinks {

    private static final int MAX_URL = 8192;
    /** Parsed once: jsoup parses a selector given as a string on every select. */
    private static final Evaluator LINKS = QueryParser.parse("a[href]");
    private static final String HEX = "0123456789ABCDEF";

    private ClickLinks() {
    }

    /**
     * The URLs of the trackable links in document order, HTML-unescaped (so {@code &amp;} in a query string is
     * stored as {@code &}) and made what a browser would have requested: tabs and line breaks removed, spaces
     * and non-ASCII characters percent-encoded as UTF-8 (so the redirect's Location header stays plain ASCII).
     * A repeated URL appears once per link. Null or blank HTML has none.
     */
    public static List<String> trackableUrls(String html) {
        List<String> urls = new ArrayList<>();
        if (html == null || html.isBlank()) {
            return urls;
        }
        for (Element a : parse(html).select(LINKS)) {
            if (trackable(a)) {
                urls.add(normalise(a.attr("href").strip()));
            }
        }
        return urls;
    }

    /**
     * Points the trackable links of {@code html} at {@code trackingUrls}, the n-th link at the n-th URL. Links
     * beyond the list are left alone. Returns the body fragment (or, for a full document, its body's content).
     */
    public static String rewrite(String html, List<String> trackingUrls) {
        if (html == null || html.isBlank() || trackingUrls.isEmpty()) {
            return html;
        }
        Document doc = parse(html);
        int next = 0;
        for (Element a : doc.select(LINKS)) {
            if (next >= trackingUrls.size()) {
                break;
            }
            if (trackable(a)) {
                a.attr("href", trackingUrls.get(next++));
            }
        }
        return doc.body().html();
    }

    private static Document parse(String html) {
        Document doc = Jsoup.parse(html);
        doc.outputSettings().prettyPrint(false);
        return doc;
    }

    private static boolean trackable(Element a) {
        if (a.hasAttr("data-notrack")) {
            return false;
        }
        String href = a.attr("href").strip();
        String lower = href.toLowerCase(Locale.ROOT);
        if (!(lower.startsWith("http://") || lower.startsWith("https://"))) {
            return false;
        }
        if (href.contains("{{") || lower.contains("unsubscribe") || hasControl(href)) {
            return false;
        }
        // The stored form is what must fit the store's URL column.
        if (normalise(href).length() > MAX_URL) {
            return false;
        }
        return !a.text().toLowerCase(Locale.ROOT).contains("unsubscribe");
    }

    /** Control characters other than the tab and line breaks a browser drops; such a link is left alone. */
    private static boolean hasControl(String href) {
        return href.chars().anyMatch(c -> Character.isISOControl(c) && c != '\t' && c != '\r' && c != '\n');
    }

    /** The WHATWG URL parser's view of an href: tab and newline dropped, spaces and non-ASCII escaped. */
    private static String normalise(String href) {
        StringBuilder out = new StringBuilder(href.length());
        for (byte b : href.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c == '\t' || c == '\r' || c == '\n') {
                continue;
            }
            if (c == ' ' || c >= 0x80) {
                out.append('%').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xf));
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }
}
