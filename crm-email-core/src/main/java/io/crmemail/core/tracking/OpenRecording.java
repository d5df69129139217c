package io.crmemail.core.tracking;

/**
 * How pixel hits reach the store. Queued (the default): a hit goes into a bounded in-memory queue and the
 * image is answered at once; one background writer records the queue in batches of up to {@code batchSize}
 * hits, one store transaction each. When the queue is full the hit is dropped and counted
 * ({@link TrackingCounts#opensDropped()}): a pixel is never delayed or failed by the store. Synchronous
 * ({@code queueCapacity} 0): each hit is recorded in the caller's thread before the call returns.
 *
 * @param queueCapacity hits that may wait for the writer; 0 records every hit synchronously
 * @param batchSize     the most hits written in one store transaction (at least 1)
 */
public record OpenRecording(int queueCapacity, int batchSize) {

    /** The default queue: 10,000 hits, batches of up to 256. */
    public static final OpenRecording DEFAULT = new OpenRecording(10_000, 256);

    public OpenRecording {
        if (queueCapacity < 0) {
            throw new IllegalArgumentException("queueCapacity must be 0 (synchronous) or more, was " + queueCapacity);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
        }
    }

    /** Every hit is written before {@code trackOpen} returns (one store transaction per hit). */
    public static OpenRecording synchronous() {
        return new OpenRecording(0, 1);
    }

    /** Hits wait in a queue of {@code queueCapacity} and are written in batches of up to {@code batchSize}. */
    public static OpenRecording queued(int queueCapacity, int batchSize) {
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity of a queue must be at least 1, was " + queueCapacity);
        }
        return new OpenRecording(queueCapacity, batchSize);
    }

    boolean isSynchronous() {
        return queueCapacity == 0;
    }
}
