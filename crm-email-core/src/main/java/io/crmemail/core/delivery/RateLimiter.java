package io.crmemail.core.delivery;

import java.util.function.LongSupplier;

/**
 * A token bucket per integration: at most {@code perSecond} sends a second on average, with bursts of
 * up to one second's worth. Uses the monotonic clock, not the engine's (possibly simulated) clock.
 */
final class RateLimiter {

    /** Sleeps for the given nanoseconds; a seam for tests. */
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private final double perSecond;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private double available;
    private long lastRefill;

    RateLimiter(double perSecond) {
        this(perSecond, System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
    }

    RateLimiter(double perSecond, LongSupplier nanoTime, Sleeper sleeper) {
        this.perSecond = perSecond;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
        this.available = Math.max(1, perSecond);
        this.lastRefill = nanoTime.getAsLong();
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
            // A negative balance is the debt this caller waits off; later callers queue behind it.
            waitNanos = available >= 0 ? 0 : (long) (-available / perSecond * 1_000_000_000L);
        }
        if (waitNanos > 0) {
            try {
                sleeper.sleep(waitNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private void refill() {
        long now = nanoTime.getAsLong();
        available = Math.min(Math.max(1, perSecond), available + (now - lastRefill) / 1e9 * perSecond);
        lastRefill = now;
    }
}
