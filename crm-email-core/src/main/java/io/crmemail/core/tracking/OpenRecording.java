package io.crmemail.core.tracking;

/**
 * How pixel hits reach the store. Queued (the default): a hit goes into a bounded in-memory queue and the
 * image is answered at once; background writers record the queue in batches of up to {@code batchSize}
 * hits, one store transaction each. With several writers the queue is split by token, so the hits of one
 * message are always written by the same writer, in order. When the queue is full the hit is dropped and counted
 * ({@link TrackingCounts#opensDropped()}): a pixel is never delayed or failed by the store. Synchronous
 * ({@code queueCapacity} 0): each hit is recorded in the caller's thread before the call returns.
 *
 * @param queueCapacity hits that may wait for the writer; 0 records every hit synchronously
 * @param batchSize     the most hits written in one store transaction (at least 1)
 * @param writers       background writer threads (1 to 64); more of them get more CPU share under load
 */
public record OpenRecording(int queueCapacity, int batchSize, int writers) {

    /** The default: a queue of 10,000 hits, batches of up to 256, two writer threads. */
    public static final OpenRecording DEFAULT = new OpenRecording(10_000, 256, 2);

    public OpenRecording {
        if (queueCapacity < 0) {
            throw new IllegalArgumentException("queueCapacity must be 0 (synchronous) or more, was " + queueCapacity);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
        }
        if (writers < 1 || writers > 64) {
            throw new IllegalArgumentException("writers must be 1 to 64, was " + writers);
        }
        if (queueCapacity > 0 && queueCapacity < writers) {
            throw new IllegalArgumentException("queueCapacity must be at least writers (" + writers + "), was "
                    + queueCapacity);
        }
    }

    /** Every hit is written before {@code trackOpen} returns (one store transaction per hit). */
    public static OpenRecording synchronous() {
        return new OpenRecording(0, 1, 1);
    }

    /**
     * Hits wait in a queue of {@code queueCapacity} (split evenly among the writers) and are written in batches of
     * up to {@code batchSize} by {@code writers} threads.
     */
    public static OpenRecording queued(int queueCapacity, int batchSize, int writers) {
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity of a queue must be at least 1, was " + queueCapacity);
        }
        return new OpenRecording(queueCapacity, batchSize, writers);
    }

    boolean isSynchronous() {
        return queueCapacity == 0;
    }
}
