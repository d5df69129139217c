package io.crmemail.core.compose;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;

/** Derives the {@code text/plain} alternative of an HTML message. */
public final class HtmlToText {

    private static final Set<String> PARAGRAPHS = Set.of(
            "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol", "dl", "pre", "hr");
    private static final Set<String> LINES = Set.of(
            "div", "li", "tr", "dt", "dd", "section", "article", "header", "footer", "center", "address",
            "caption", "thead", "tbody", "tfoot");
    private static final Set<String> INVISIBLE = Set.of(
            "head", "title", "style", "script", "noscript", "template", "meta", "link", "iframe", "object",
            "embed", "svg", "math", "select", "option", "textarea", "button", "input");
    private static final Pattern WHITESPACE = Pattern.compile("[\\s\\u00A0\\u200B]+");
    private static final Pattern MULTI_SPACE = Pattern.compile(" {2,}");
    private static final Pattern DISPLAY_NONE = Pattern.compile("display\\s*:\\s*none", Pattern.CASE_INSENSITIVE);

    private HtmlToText() {
    }

    /** Plain text of {@code html}: one line per block, links as {@code text (url)}; "" for null. */
    public static String convert(String html) {
        if (html == null || html.isBlank()) {
            return "";
        }
        Document doc = Jsoup.parse(html);
        StringBuilder raw = new StringBuilder(html.length() / 2);
        walk(doc.body(), raw);
        return tidy(raw);
    }

    private static void walk(Node node, StringBuilder out) {
        if (node instanceof TextNode text) {
            out.append(WHITESPACE.matcher(text.getWholeText()).replaceAll(" "));
            return;
        }
        if (!(node instanceof Element el) || isHidden(el)) {
            return;
        }
        String tag = el.normalName();
        switch (tag) {
            case "br" -> out.append('\n');
            case "img" -> {
                String alt = el.attr("alt").strip();
                if (!alt.isEmpty()) {
                    out.append(' ').append(alt).append(' ');
                }
            }
            case "a" -> link(el, out);
            case "li" -> {
                breakLine(out, 1);
                out.append("- ");
                children(el, out);
                breakLine(out, 1);
            }
            case "td", "th" -> {
                children(el, out);
                out.append(' ');
            }
            default -> {
                int breaks = PARAGRAPHS.contains(tag) ? 2 : LINES.contains(tag) ? 1 : 0;
                breakLine(out, breaks);
                children(el, out);
                breakLine(out, breaks);
            }
        }
    }

    /**
     * Ends the current line so that {@code newlines} line breaks follow the text; breaks already there
     * count, so nested or adjacent blocks do not pile up empty lines ({@code <br>} appends regardless).
     */
    private static void breakLine(StringBuilder out, int newlines) {
        int have = 0;
        for (int i = out.length() - 1; i >= 0 && have < newlines; i--) {
            char c = out.charAt(i);
            if (c == '\n') {
                have++;
            } else if (c != ' ') {
                break;
            }
        }
        for (; have < newlines; have++) {
            out.append('\n');
        }
    }

    private static void children(Element el, StringBuilder out) {
        for (Node child : el.childNodes()) {
            walk(child, out);
        }
    }

    private static void link(Element a, StringBuilder out) {
        int start = out.length();
        children(a, out);
        String href = a.attr("href").strip();
        String lower = href.toLowerCase(Locale.ROOT);
        if (!(lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("mailto:"))) {
            return;
        }
        String text = WHITESPACE.matcher(out.substring(start)).replaceAll(" ").strip();
        String bare = lower.startsWith("mailto:") ? href.substring("mailto:".length()) : href;
        if (text.isEmpty()) {
            out.append(bare);
        } else if (!text.equalsIgnoreCase(href) && !text.equalsIgnoreCase(bare)) {
            out.append(" (").append(href).append(')');
        }
    }

    private static boolean isHidden(Element el) {
        return INVISIBLE.contains(el.normalName()) || el.hasAttr("hidden")
                || DISPLAY_NONE.matcher(el.attr("style")).find();
    }

    /** Trims every line, collapses runs of spaces and of blank lines, drops leading and trailing blanks. */
    private static String tidy(CharSequence raw) {
        StringBuilder out = new StringBuilder(raw.length());
        int blankLines = 0;
        boolean started = false;
        for (String line : raw.toString().split("\n", -1)) {
            String clean = MULTI_SPACE.matcher(line).replaceAll(" ").strip();
            if (clean.isEmpty()) {
                blankLines++;
                continue;
            }
            if (started) {
                out.append(blankLines > 0 ? "\n\n" : "\n");
            }
            out.append(clean);
            started = true;
            blankLines = 0;
        }
        return out.toString();
    }
}
