package io.crmemail.core.delivery;

/**
 * A token bucket per integration: at most {@code perSecond} sends a second on average, with bursts of
 * up to one second's worth. Uses the monotonic clock, not the engine's (possibly simulated) clock.
 */
final class RateLimiter {

    private final double perSecond;
    private double available;
    private long lastRefill = System.nanoTime();

    RateLimiter(double perSecond) {
        this.perSecond = perSecond;
        this.available = Math.max(1, perSecond);
    }

    /** Blocks until a send may start. Returns false when interrupted. */
    boolean acquire() {
        if (perSecond <= 0) {
            return true;
        }
        long waitNanos;
        synchronized (this) {
            refill();
            available -= 1;
            waitNanos = available >= 0 ? 0 : (long) (-available / perSecond * 1_000_000_000L);
        }
        if (waitNanos > 0) {
            try {
                Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private void refill() {
        long now = System.nanoTime();
        available = Math.min(Math.max(1, perSecond), available + (now - lastRefill) / 1e9 * perSecond);
        lastRefill = now;
    }
}
