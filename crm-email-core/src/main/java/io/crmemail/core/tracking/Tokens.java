package io.crmemail.core.tracking;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Random opaque tokens. Every token is looked up in the store; none carries meaning of its own. The kinds
 * differ in shape only so that a hit of the wrong kind is turned away without a store lookup:
 * <ul>
 *   <li>pixel: 32 lower-case hex digits (128 random bits);</li>
 *   <li>click: {@code c} and 32 lower-case hex digits (128 random bits);</li>
 *   <li>reply: 16 lower-case hex digits (64 random bits), the {@code reply-{token}@domain} address;</li>
 *   <li>unsubscribe: {@code u} and 32 lower-case hex digits (128 random bits);</li>
 *   <li>thread id: {@code thr_} and 24 lower-case hex digits (96 random bits), names a conversation.</li>
 * </ul>
 */
public final class Tokens {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern PIXEL = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern REPLY = Pattern.compile("[0-9a-f]{16}");
    private static final Pattern CLICK = Pattern.compile("c[0-9a-f]{32}");
    private static final Pattern UNSUBSCRIBE = Pattern.compile("u[0-9a-f]{32}");
    private static final Pattern THREAD = Pattern.compile("thr_[0-9a-f]{24}");

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

    /** 128 random bits as {@code c} and 32 lower-case hex digits: one tracked link of one message. */
    public static String clickToken() {
        return "c" + hex(16);
    }

    /** 128 random bits as {@code u} and 32 lower-case hex digits: the one-click unsubscribe link of a message. */
    public static String unsubscribeToken() {
        return "u" + hex(16);
    }

    /** A new conversation id: {@code thr_} and 24 lower-case hex digits (96 random bits). */
    public static String threadId() {
        return "thr_" + hex(12);
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

    public static boolean isClickToken(String token) {
        return token != null && CLICK.matcher(token).matches();
    }

    public static boolean isUnsubscribeToken(String token) {
        return token != null && UNSUBSCRIBE.matcher(token).matches();
    }

    public static boolean isThreadId(String id) {
        return id != null && THREAD.matcher(id).matches();
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HEX.formatHex(random);
    }
}
