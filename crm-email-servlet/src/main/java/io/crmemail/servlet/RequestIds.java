package io.crmemail.servlet;

import java.util.UUID;
import java.util.regex.Pattern;

/** The X-Request-ID of a request: the caller's when it is a sane token, else a fresh one. */
final class RequestIds {

    static final String HEADER = "X-Request-ID";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private RequestIds() {
    }

    static String choose(String given) {
        // Anything else could smuggle text into logs or response headers.
        return given != null && SANE.matcher(given).matches() ? given : UUID.randomUUID().toString();
    }
}
