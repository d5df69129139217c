package io.crmemail.core.delivery;

import java.time.Duration;
import java.util.Objects;

/**
 * How the delivery engine works.
 *
 * @param workers         worker threads; 0 for none (the host drives delivery with {@code deliverDue()})
 * @param batchSize       messages claimed per round trip to the store
 * @param lease           how long a claim is exclusive; another node takes over after it expires
 * @param pollInterval    how often idle workers look for due (e.g. scheduled) messages
 * @param retryPolicy     backoff for transient failures
 * @param nodeId          lease owner name of this node, unique among nodes sharing a store
 * @param shutdownTimeout how long close() waits for in-flight sends
 * @param linger          how long a woken worker lets a batch gather before it claims (0: claim at once)
 */
public record DeliveryOptions(int workers, int batchSize, Duration lease, Duration pollInterval,
                              RetryPolicy retryPolicy, String nodeId, Duration shutdownTimeout, Duration linger) {

    public DeliveryOptions {
        if (workers < 0 || batchSize < 1) {
            throw new IllegalArgumentException("workers must be >= 0 and batchSize >= 1");
        }
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        Objects.requireNonNull(linger, "linger");
        if (linger.isNegative() || linger.compareTo(MAX_LINGER) > 0) {
            throw new IllegalArgumentException("linger must be between 0 and " + MAX_LINGER + ": " + linger);
        }
    }

    /** The linger when none is given. */
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(10);

    /** The longest linger: a send should not wait for a batch longer than this. */
    public static final Duration MAX_LINGER = Duration.ofSeconds(10);

    /** The engine's options with the default linger of 10 ms. */
    public DeliveryOptions(int workers, int batchSize, Duration lease, Duration pollInterval, RetryPolicy retryPolicy,
                           String nodeId, Duration shutdownTimeout) {
        this(workers, batchSize, lease, pollInterval, retryPolicy, nodeId, shutdownTimeout, DEFAULT_LINGER);
    }
}
