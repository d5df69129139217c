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
        if (linger.isNegative()) {
            throw new IllegalArgumentException("linger must not be negative: " + linger);
        }
    }
}
