package io.crmemail.core.compose;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Resolves {@code {{field:slug}}} tokens against a record's values.
 *
 * <p>Rendering is one pass over the template: a value that itself contains a token is emitted
 * verbatim, so record data can never pull in other fields.
 */
public final class MergeFields {

    private static final Pattern TOKEN = Pattern.compile("\\{\\{[ \\t]*field:([A-Za-z0-9_.-]+)[ \\t]*}}");

    private MergeFields() {
    }

    /** The distinct slugs of all tokens in order of first appearance; empty for a null template. */
    public static Set<String> slugs(String template) {
        if (template == null) {
            return Collections.emptySet();
        }
        Set<String> slugs = new LinkedHashSet<>();
        Matcher m = TOKEN.matcher(template);
        while (m.find()) {
            slugs.add(m.group(1));
        }
        return slugs;
    }

    /**
     * Replaces every token with its value's text (null or missing → empty, collections joined with
     * {@code ", "}), HTML-escaping the value when {@code escapeHtml}. A null template gives "".
     */
    public static String render(String template, Map<String, ?> values, boolean escapeHtml) {
        if (template == null) {
            return "";
        }
        Matcher m = TOKEN.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 64);
        while (m.find()) {
            Object value = values == null ? null : values.get(m.group(1));
            String text = text(value);
            m.appendReplacement(out, Matcher.quoteReplacement(escapeHtml ? escapeHtml(text) : text));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * Renders a header value: like {@link #render} without escaping, then every control character
     * (CR and LF included; TAB too) becomes one space, so a record value cannot start a new header
     * line. The result is stripped.
     */
    public static String renderHeader(String template, Map<String, ?> values) {
        String rendered = render(template, values, false);
        StringBuilder out = new StringBuilder(rendered.length());
        for (int i = 0; i < rendered.length(); i++) {
            char c = rendered.charAt(i);
            out.append(isControl(c) ? ' ' : c);
        }
        return out.toString().strip();
    }

    private static boolean isControl(char c) {
        // Unicode line and paragraph separators are included: some clients treat them as breaks.
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
    }

    static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Collection<?> collection) {
            return collection.stream().map(MergeFields::text).collect(Collectors.joining(", "));
        }
        return String.valueOf(value);
    }

    static String escapeHtml(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String entity = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (entity != null && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (entity != null) {
                    out.append(entity);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }
}
