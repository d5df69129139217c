package io.crmemail.core;

/**
 * Per-account send caps. The per-second cap is kept by each node; the per-day cap (a UTC day) is counted
 * in the store, so it holds across nodes. Over a cap a send fails with {@link RateLimitedException}.
 *
 * @param perSecond messages per second and account on one node
 * @param perDay    messages per UTC day and account, all nodes together
 */
public record SendLimits(int perSecond, long perDay) {

    public SendLimits {
        if (perSecond < 1 || perDay < 1) {
            throw new IllegalArgumentException("send limits must be positive");
        }
    }

    /** 50 per second, 100,000 per day. */
    public static SendLimits defaults() {
        return new SendLimits(50, 100_000);
    }
}
