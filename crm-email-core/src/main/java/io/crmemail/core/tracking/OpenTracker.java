package io.crmemail.core.tracking;

import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.TokenKind;
import io.crmemail.core.store.TrackingToken;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles pixel hits. It never fails and never tells the caller anything: a known, unknown, repeated or
 * malformed token all look the same from outside.
 */
public final class OpenTracker {

    private static final Logger log = LoggerFactory.getLogger(OpenTracker.class);

    private final EmailStore store;
    private final Clock clock;

    public OpenTracker(EmailStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Records the hit of {@code token} (with or without a {@code .png} suffix) if it is a pixel token. */
    public void hit(String token, String userAgent, String ipAddress) {
        try {
            String bare = token != null && token.endsWith(".png") ? token.substring(0, token.length() - 4) : token;
            if (!Tokens.isPixelToken(bare)) {
                return;
            }
            TrackingToken found = store.findToken(bare).orElse(null);
            if (found == null || found.kind() != TokenKind.PIXEL) {
                return;
            }
            store.recordOpen(EmailEvent.hit(found.messageId(), EventType.OPEN, clock.instant(), userAgent, ipAddress,
                    Map.of()));
        } catch (RuntimeException e) {
            // A pixel must render whatever happens behind it; the failure is ours to see, not the reader's.
            log.warn("recording an open failed", e);
        }
    }
}
