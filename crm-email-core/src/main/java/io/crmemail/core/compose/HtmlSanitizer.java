package io.crmemail.core.compose;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.safety.Cleaner;
import org.jsoup.safety.Safelist;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;

/**
 * Cleans user-supplied HTML (signatures, inbound mail) down to formatting that is safe to show in a
 * browser and to send: no active content, no event handlers, no script URLs, no dangerous CSS.
 */
public final class HtmlSanitizer {

    /**
     * Removed with everything inside them: their text is never meant to be read. Parsed once: jsoup parses a
     * selector given as a string on every select.
     */
    private static final Evaluator DROP_WITH_CONTENT = QueryParser.parse("script, style, iframe, frame, frameset,"
            + " object, embed, applet, noscript, template, svg, math, head, title, meta, link, base,"
            + " input, button, select, option, textarea");

    private static final Pattern CSS_ESCAPE = Pattern.compile("\\\\([0-9a-fA-F]{1,6})\\s?|\\\\(.)");
    private static final Pattern CSS_COMMENT = Pattern.compile("/\\*.*?(\\*/|$)", Pattern.DOTALL);
    private static final Pattern CSS_URL = Pattern.compile("url\\(([^)]*)\\)?");
    private static final String[] CSS_FORBIDDEN = {
        "expression(", "javascript:", "vbscript:", "behavior:", "@import", "-moz-binding", "behaviour:"
    };

    private static final Safelist SAFELIST = new EmailSafelist();

    /** Up to 64 recent bodies of up to 32 K characters (8 MB at most): a mail merge sanitises one body. */
    static final RecentResults RECENT = new RecentResults(64, 32 * 1024);

    private HtmlSanitizer() {
    }

    /** The sanitised body fragment of {@code html} (no html/head/body wrapper); "" for null. */
    public static String sanitize(String html) {
        if (html == null || html.isEmpty()) {
            return "";
        }
        return RECENT.apply(html, HtmlSanitizer::clean);
    }

    private static String clean(String html) {
        Document dirty = Jsoup.parse(html, "");
        dirty.select(DROP_WITH_CONTENT).remove();
        Document clean = new Cleaner(SAFELIST).clean(dirty);
        clean.outputSettings().prettyPrint(false);
        return clean.body().html();
    }

    /** True when a style attribute value contains nothing that can run code or fetch foreign resources. */
    static boolean isSafeStyle(String style) {
        String css = normaliseCss(style);
        for (String forbidden : CSS_FORBIDDEN) {
            if (css.contains(forbidden)) {
                return false;
            }
        }
        Matcher url = CSS_URL.matcher(css);
        while (url.find()) {
            String target = url.group(1).replace("\"", "").replace("'", "");
            if (!(target.startsWith("http://") || target.startsWith("https://") || target.startsWith("cid:")
                    || target.startsWith("data:image/"))) {
                return false;
            }
        }
        return true;
    }

    /** Decodes CSS escapes, drops comments and whitespace, lower-cases: what a browser would match on. */
    private static String normaliseCss(String style) {
        Matcher m = CSS_ESCAPE.matcher(style);
        StringBuilder decoded = new StringBuilder(style.length());
        while (m.find()) {
            String replacement;
            if (m.group(1) != null) {
                int cp = Integer.parseInt(m.group(1), 16);
                replacement = Character.isValidCodePoint(cp) && cp != 0 ? new String(Character.toChars(cp)) : "";
            } else {
                replacement = m.group(2);
            }
            m.appendReplacement(decoded, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(decoded);
        String noComments = CSS_COMMENT.matcher(decoded).replaceAll("");
        StringBuilder out = new StringBuilder(noComments.length());
        for (int i = 0; i < noComments.length(); i++) {
            char c = noComments.charAt(i);
            if (!Character.isWhitespace(c) && !Character.isISOControl(c)) {
                out.append(c);
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    /** jsoup's checks plus the ones it cannot express: CSS values and {@code data:} images only. */
    private static final class EmailSafelist extends Safelist {

        EmailSafelist() {
            addTags("p", "br", "div", "span", "b", "i", "u", "s", "strike", "strong", "em", "small", "big",
                    "sub", "sup", "a", "img", "font", "hr", "blockquote", "pre", "code", "center", "cite", "q",
                    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
                    "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "col", "colgroup");
            addAttributes(":all", "style", "title", "align", "dir", "lang");
            // data-notrack keeps a link out of click tracking (the /api/v1 surface honours it).
            addAttributes("a", "href", "name", "target", "data-notrack");
            addAttributes("img", "src", "alt", "width", "height", "border", "hspace", "vspace", "valign");
            addAttributes("font", "color", "face", "size");
            addAttributes("hr", "width", "size", "color", "noshade");
            addAttributes("ol", "start", "type");
            addAttributes("ul", "type");
            addAttributes("blockquote", "cite", "type");
            addAttributes("table", "width", "height", "border", "cellpadding", "cellspacing", "bgcolor");
            addAttributes("tr", "valign", "bgcolor", "height");
            for (String cell : new String[] {"td", "th"}) {
                addAttributes(cell, "width", "height", "valign", "bgcolor", "colspan", "rowspan", "nowrap");
            }
            addAttributes("col", "width", "span", "valign");
            addAttributes("colgroup", "width", "span", "valign");
            // "#" keeps in-page anchors (href="#top"), which jsoup would otherwise strip as protocol-less.
            addProtocols("a", "href", "#", "http", "https", "mailto", "tel");
            addProtocols("img", "src", "http", "https", "cid", "data");
            addProtocols("blockquote", "cite", "http", "https");
        }

        @Override
        public boolean isSafeAttribute(String tagName, Element el, Attribute attr) {
            if (!super.isSafeAttribute(tagName, el, attr)) {
                return false;
            }
            String key = attr.getKey().toLowerCase(Locale.ROOT);
            if (key.equals("style")) {
                return isSafeStyle(attr.getValue());
            }
            if (key.equals("src") && tagName.equals("img")) {
                String src = attr.getValue().strip().toLowerCase(Locale.ROOT);
                return !src.startsWith("data:") || src.startsWith("data:image/");
            }
            return true;
        }
    }
}
