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

    /**
     * 1,000 per second and node, 1,000,000 per day: high enough that a host never trips over them unasked, low
     * enough that a runaway loop stops. Set your plan's caps.
     */
    public static SendLimits defaults() {
        return new SendLimits(1_000, 1_000_000);
    }

    /** Caps so high they never apply: benchmarks and tests about something else. */
    public static SendLimits unlimited() {
        return new SendLimits(Integer.MAX_VALUE, Long.MAX_VALUE / 2);
    }
}
