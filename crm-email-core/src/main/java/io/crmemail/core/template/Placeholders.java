package io.crmemail.core.template;

import io.crmemail.core.compose.HtmlSanitizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The caller's {@code {{name}}} placeholders (names like {@code first_name}, {@code order.id}), filled once when
 * a message is accepted, from its {@code variables}. Distinct from
 * {@code {{field:slug}}} (the colon is not a name character), which is merged against the record at
 * transmission.
 *
 * <p>One pass: a value is inserted as it is and never scanned again, so a value holding {@code {{other}}}
 * stays literal. (Substituting until nothing changes, as some template helpers do, lets a value pull in
 * other values, or loop.)
 */
public final class Placeholders {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{[ \\t]*([A-Za-z_][A-Za-z0-9_.-]*)[ \\t]*}}");

    /** In HTML: a value is text, never markup. */
    public static final UnaryOperator<String> HTML = Placeholders::escapeHtml;
    /** In the subject: a value cannot break the header line (control characters become spaces). */
    public static final UnaryOperator<String> HEADER = Placeholders::oneLine;
    /** In plain text: as given. */
    public static final UnaryOperator<String> TEXT = UnaryOperator.identity();

    private Placeholders() {
    }

    /** The distinct placeholder names in order of first appearance; none for null. */
    public static Set<String> names(String template) {
        Set<String> names = new LinkedHashSet<>();
        if (template != null) {
            Matcher m = PLACEHOLDER.matcher(template);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /**
     * Replaces each placeholder by its value passed through {@code encode}; one without a value (the caller
     * reports those first) is left as it is. Null stays null.
     */
    public static String fill(String template, Map<String, String> values, UnaryOperator<String> encode) {
        if (template == null) {
            return null;
        }
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 64);
        while (m.find()) {
            String value = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : encode.apply(value)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * {@link HtmlSanitizer#sanitize} that keeps the placeholders where they stand. The sanitiser drops a link
     * whose whole href is {@code {{url}}} (not an http(s) URL), yet that is how a template links to a value
     * given at send time; so each placeholder stands in as a URL it keeps while it sanitises. The filled HTML is
     * sanitised again at send time, with the values in place.
     */
    public static String sanitize(String html) {
        if (html == null) {
            return null;
        }
        String marker = "https://placeholder.invalid/" + UUID.randomUUID().toString().replace("-", "") + "/";
        List<String> placeholders = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(html);
        StringBuilder marked = new StringBuilder(html.length() + 64);
        while (m.find()) {
            m.appendReplacement(marked, Matcher.quoteReplacement(marker + placeholders.size() + "/"));
            placeholders.add(m.group());
        }
        m.appendTail(marked);
        String clean = HtmlSanitizer.sanitize(marked.toString());
        if (placeholders.isEmpty()) {
            return clean;
        }
        Matcher restore = Pattern.compile(Pattern.quote(marker) + "([0-9]+)/").matcher(clean);
        StringBuilder out = new StringBuilder(clean.length());
        while (restore.find()) {
            restore.appendReplacement(out, Matcher.quoteReplacement(
                    placeholders.get(Integer.parseInt(restore.group(1)))));
        }
        restore.appendTail(out);
        return out.toString();
    }

    private static String oneLine(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            // Unicode line and paragraph separators too: some clients treat them as breaks.
            out.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
        }
        return out.toString();
    }

    private static String escapeHtml(String value) {
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
