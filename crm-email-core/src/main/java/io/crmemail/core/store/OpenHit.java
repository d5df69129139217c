package io.crmemail.core.store;

import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.EventType;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One pixel hit, not yet resolved to its message: the store looks the token up when it records the hit
 * ({@link EmailStore#recordOpens}).
 *
 * @param token     the pixel token as requested (without {@code .png})
 * @param at        when the hit came in
 * @param userAgent the client's user agent, may be null
 * @param ipAddress the client's address, may be null
 * @param automated true when a machine, not a person, fetched the image
 */
public record OpenHit(String token, Instant at, String userAgent, String ipAddress, boolean automated) {

    public OpenHit {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(at, "at");
    }

    /** The open event this hit records on {@code messageId} (id assigned by the store). */
    public EmailEvent toEvent(long messageId) {
        return new EmailEvent(0, messageId, EventType.OPEN, at, userAgent, ipAddress, automated, Map.of());
    }
}
