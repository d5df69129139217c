package io.crmemail.core.compose;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one rule for headers a caller adds to a message, applied when a message is accepted (to name the bad
 * header) and again by {@link MimeComposer} (the last line of defence, for messages stored before a rule
 * tightened). A caller may not set what identifies, addresses, threads or structures the message: those are
 * written from the message's own fields, and letting an extra set them would allow e.g. a hidden Bcc.
 */
public final class ExtraHeaders {

    /** RFC 7230 token characters: no separators, no space, nothing outside printable US-ASCII. */
    private static final Pattern NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final int MAX_NAME = 76;
    private static final int MAX_VALUE = 900;
    private static final Set<String> RESERVED = Set.of(
            "from", "sender", "to", "cc", "bcc", "reply-to", "subject", "date", "message-id", "in-reply-to",
            "references", "mime-version", "return-path", "received", "dkim-signature");
    private static final Set<String> RESERVED_PREFIXES = Set.of("content-", "resent-");

    private ExtraHeaders() {
    }

    /** True when {@code name} is a well-formed header name (reserved or not). */
    public static boolean validName(String name) {
        return name != null && name.length() <= MAX_NAME && NAME.matcher(name).matches();
    }

    /** Why {@code name: value} may not be added as an extra header, or null when it may. */
    public static String problem(String name, String value) {
        if (!validName(name)) {
            return "header name must be 1 to " + MAX_NAME + " letters, digits or !#$%&'*+-.^_`|~: " + name;
        }
        if (isReserved(name)) {
            return "header " + name + " is set from the message's own fields, not as a custom header";
        }
        if (value == null) {
            return "header " + name + " has no value";
        }
        if (value.length() > MAX_VALUE) {
            return "header " + name + " is longer than " + MAX_VALUE + " characters";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            // TAB is legal folding white space; every other control character (CR and LF above all) is not.
            if ((Character.isISOControl(c) && c != '\t') || c == '\u2028' || c == '\u2029') {
                return "header " + name + " contains a line break or control character";
            }
        }
        return null;
    }

    /** True for a header the composer writes itself. */
    public static boolean isReserved(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return RESERVED.contains(lower) || RESERVED_PREFIXES.stream().anyMatch(lower::startsWith);
    }

    /** @throws IllegalArgumentException with the {@link #problem} */
    static void check(String name, String value) {
        String problem = problem(name, value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }
}
