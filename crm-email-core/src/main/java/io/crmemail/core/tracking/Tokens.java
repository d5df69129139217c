package io.crmemail.core.tracking;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** Random opaque tokens. Every token is looked up in the store; none carries meaning of its own. */
public final class Tokens {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern PIXEL = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern REPLY = Pattern.compile("[0-9a-f]{16}");

    private Tokens() {
    }

    /** 128 random bits as 32 lower-case hex digits. */
    public static String pixelToken() {
        return hex(16);
    }

    /** 64 random bits as the 16 hex digits of a {@code reply-{token}@domain} address. */
    public static String replyToken() {
        return hex(8);
    }

    /** A Message-ID {@code <160 random bits in hex@domain>}. */
    public static String messageId(String domain) {
        return "<" + hex(20) + "@" + domain.toLowerCase(Locale.ROOT) + ">";
    }

    public static boolean isPixelToken(String token) {
        return token != null && PIXEL.matcher(token).matches();
    }

    public static boolean isReplyToken(String token) {
        return token != null && REPLY.matcher(token).matches();
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HEX.formatHex(random);
    }
}
