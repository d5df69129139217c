package io.crmemail.core.tracking;

import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.OpenHit;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles pixel hits. It never fails and never tells the caller anything: a known, unknown, repeated or
 * malformed token all look the same from outside. Well-formed hits are recorded as {@link OpenRecording} says:
 * queued and written in batches by a background writer (the default), or synchronously.
 */
public final class OpenTracker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OpenTracker.class);

    private final Clock clock;
    private final OpenWriter writer;

    public OpenTracker(EmailStore store, Clock clock, OpenRecording recording) {
        this.clock = clock;
        this.writer = new OpenWriter(store, recording);
    }

    /** Records the hit of {@code token} (with or without a {@code .png} suffix) if it is a pixel token. */
    public void hit(String token, String userAgent, String ipAddress) {
        try {
            String bare = token != null && token.endsWith(".png") ? token.substring(0, token.length() - 4) : token;
            if (!Tokens.isPixelToken(bare)) {
                return;
            }
            // The time and the machine-open verdict are the hit's, taken now, not when the writer gets to it.
            EmailEvent open = EmailEvent.hit(0, EventType.OPEN, clock.instant(), userAgent, ipAddress, Map.of());
            writer.submit(new OpenHit(bare, open.occurredAt(), open.userAgent(), open.ipAddress(), open.automated()));
        } catch (RuntimeException e) {
            // A pixel must render whatever happens behind it; the failure is ours to see, not the reader's.
            log.warn("recording an open failed", e);
        }
    }

    /** Waits until the hits recorded before this call are in the store; false when {@code max} ran out. */
    public boolean flush(Duration max) {
        return writer.flush(max);
    }

    public TrackingCounts counts() {
        return writer.counts();
    }

    /** Writes what is queued, waiting up to {@code max}; later hits are written synchronously. */
    public void close(Duration max) {
        writer.close(max);
    }

    @Override
    public void close() {
        writer.close(Duration.ofSeconds(30));
    }
}
