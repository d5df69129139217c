package io.crmemail.core.compose;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One-click unsubscribe headers (RFC 2369 and RFC 8058): {@code List-Unsubscribe: <https://…>} and
 * {@code List-Unsubscribe-Post: List-Unsubscribe=One-Click}. They travel with a message's other headers, so
 * {@link MimeComposer} writes them before anything signs the message (DKIM must cover both, RFC 8058 §4).
 */
public final class ListUnsubscribe {

    public static final String HEADER = "List-Unsubscribe";
    public static final String POST_HEADER = "List-Unsubscribe-Post";
    /** The value of {@link #POST_HEADER}, and the form body a mail provider POSTs. */
    public static final String ONE_CLICK = "List-Unsubscribe=One-Click";

    private ListUnsubscribe() {
    }

    /**
     * {@code headers} with the one-click pair for {@code url} added. A caller's own {@code List-Unsubscribe}
     * or {@code List-Unsubscribe-Post} (any case) gives way: two of either would leave the receiver guessing
     * which one a click goes to.
     */
    public static Map<String, String> withOneClick(Map<String, String> headers, String url) {
        Map<String, String> out = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!lower.equals("list-unsubscribe") && !lower.equals("list-unsubscribe-post")) {
                out.put(name, value);
            }
        });
        out.put(HEADER, "<" + url + ">");
        out.put(POST_HEADER, ONE_CLICK);
        return out;
    }
}
