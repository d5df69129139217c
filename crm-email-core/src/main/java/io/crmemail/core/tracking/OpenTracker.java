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
    private static final int MAX_USER_AGENT = 512;

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
            String ua = userAgent == null ? null
                    : userAgent.length() > MAX_USER_AGENT ? userAgent.substring(0, MAX_USER_AGENT) : userAgent;
            EmailEvent open = new EmailEvent(0, found.messageId(), EventType.OPEN, clock.instant(), ua, ipAddress,
                    AutomatedAgents.isAutomated(ua), Map.of());
            store.recordOpen(open);
        } catch (RuntimeException e) {
            // A pixel must render whatever happens behind it; the failure is ours to see, not the reader's.
            log.warn("recording an open failed", e);
        }
    }
}
