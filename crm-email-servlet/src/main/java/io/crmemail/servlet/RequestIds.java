package io.crmemail.servlet;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** The X-Request-ID of a request: the caller's when it is a sane token, else a fresh one. */
final class RequestIds {

    static final String HEADER = "X-Request-ID";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private RequestIds() {
    }

    static String choose(String given) {
        // Anything else could smuggle text into logs or response headers.
        return given != null && SANE.matcher(given).matches() ? given : fresh();
    }

    /**
     * A random id in UUID form. It only correlates logs with responses and guards nothing, so it comes from
     * {@link ThreadLocalRandom}: {@code UUID.randomUUID()} draws from one shared SecureRandom, a lock every
     * request thread of a busy public endpoint (the pixel) would queue on.
     */
    private static String fresh() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        // Version 4 and the IETF variant, as randomUUID() sets them.
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
