package io.crmemail.core.tracking;

import java.time.Instant;
import java.util.Map;

/**
 * Something that happened to a message. Opens and clicks carry the user agent, the IP and whether
 * the hit looked automated (scanners, prefetchers); other kinds put their facts in {@code details}
 * (a click's {@code url}, a bounce's {@code recipient}, {@code status} and {@code diagnostic}, a
 * reply's {@code commentId}, a retry's {@code error}).
 *
 * @param id         store-assigned id, 0 before it is stored
 * @param messageId  the message (comment) it belongs to
 * @param type       what happened
 * @param occurredAt when
 * @param userAgent  for opens and clicks, may be null
 * @param ipAddress  for opens and clicks, may be null
 * @param automated  true when a machine, not a person, caused it
 * @param details    further facts, never null
 */
public record EmailEvent(
        long id,
        long messageId,
        EventType type,
        Instant occurredAt,
        String userAgent,
        String ipAddress,
        boolean automated,
        Map<String, String> details) {

    /** Longer user agents are cut: they are stored with every hit and only ever read by people. */
    private static final int MAX_USER_AGENT = 512;
    /** The stores' column width; a longer value (say a forwarded-for chain) would fail the whole write. */
    private static final int MAX_IP_ADDRESS = 64;

    public EmailEvent {
        details = details == null ? Map.of() : Map.copyOf(details);
        userAgent = clientFact(userAgent, MAX_USER_AGENT);
        ipAddress = clientFact(ipAddress, MAX_IP_ADDRESS);
    }

    /** Cut to {@code max} characters, without NULs (PostgreSQL refuses them in text). */
    private static String clientFact(String value, int max) {
        if (value == null) {
            return null;
        }
        String clean = value.indexOf('\0') < 0 ? value : value.replace("\0", "");
        return clean.length() <= max ? clean : clean.substring(0, max);
    }

    /** A new open or click (id assigned by the store), classified human or automated by its user agent. */
    static EmailEvent hit(long messageId, EventType type, Instant at, String userAgent, String ipAddress,
                          Map<String, String> details) {
        String ua = clientFact(userAgent, MAX_USER_AGENT);
        return new EmailEvent(0, messageId, type, at, ua, ipAddress, AutomatedAgents.isAutomated(ua), details);
    }

    /** A new event (id assigned by the store) without client facts. */
    public static EmailEvent of(long messageId, EventType type, Instant at, Map<String, String> details) {
        return new EmailEvent(0, messageId, type, at, null, null, false, details);
    }

    public EmailEvent withId(long newId) {
        return new EmailEvent(newId, messageId, type, occurredAt, userAgent, ipAddress, automated, details);
    }
}
