package io.crmemail.core.tracking;

/**
 * Pixel-hit counters since the service started. A hit with a well-formed pixel token is either queued (then
 * written or failed later), written synchronously, or dropped because the queue was full.
 *
 * @param opensQueued  hits put into the queue
 * @param opensPending queued hits not yet written or failed
 * @param opensWritten hits handed to the store and committed, queued or synchronous (unknown tokens included)
 * @param opensDropped hits not recorded because the queue was full
 * @param opensFailed  hits lost because the store failed to write them
 */
public record TrackingCounts(long opensQueued, long opensPending, long opensWritten, long opensDropped,
                             long opensFailed) {
}
