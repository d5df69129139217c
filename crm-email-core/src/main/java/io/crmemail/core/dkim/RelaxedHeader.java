package io.crmemail.core.dkim;

import java.util.Locale;
import java.util.regex.Pattern;

/** The relaxed header canonicalisation of RFC 6376 §3.4.2, for one whole (possibly folded) header field. */
final class RelaxedHeader {

    private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");
    private static final Pattern WSP_RUN = Pattern.compile("[ \t]+");

    private RelaxedHeader() {
    }

    /**
     * {@code "Name : folded\r\n value "} becomes {@code "name:folded value"}: lower-case name, unfolded value,
     * runs of white space as one space, none around the colon or at the ends. No CRLF is appended.
     */
    static String canonicalize(String field) {
        int colon = field.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("not a header field: " + field);
        }
        String name = trimWsp(field.substring(0, colon)).toLowerCase(Locale.ROOT);
        String value = LINE_BREAK.matcher(field.substring(colon + 1)).replaceAll("");
        return name + ":" + trimWsp(WSP_RUN.matcher(value).replaceAll(" "));
    }

    /** The field's name as written, without surrounding white space. */
    static String name(String field) {
        int colon = field.indexOf(':');
        return trimWsp(colon < 0 ? field : field.substring(0, colon));
    }

    /** Trims spaces and tabs only: String.strip() would also take other characters the RFC keeps. */
    private static String trimWsp(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(start, end);
    }
}
