package io.crmemail.core.store;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sends counted per account and window of {@link InMemoryEmailStore}. Not thread-safe: the store's single lock
 * guards it, which is what makes a reservation's check and add one step.
 */
final class InMemorySendCounters {

    /** Windows this much older than the one being opened are no longer asked about. */
    private static final Duration KEEP = Duration.ofDays(1);

    private final Map<Long, TreeMap<Instant, Long>> windows = new HashMap<>();

    long reserve(long accountId, Instant windowStart, int count, long limit) {
        TreeMap<Instant, Long> account = windows.computeIfAbsent(accountId, k -> new TreeMap<>());
        long current = account.getOrDefault(windowStart, 0L);
        if (current + count > limit) {
            return -1;
        }
        if (!account.containsKey(windowStart)) {
            // Opening a window is rare (once per window), so pruning here costs next to nothing.
            account.headMap(windowStart.minus(KEEP)).clear();
        }
        account.put(windowStart, current + count);
        return current + count;
    }

    long sends(long accountId, Instant windowStart) {
        TreeMap<Instant, Long> account = windows.get(accountId);
        return account == null ? 0 : account.getOrDefault(windowStart, 0L);
    }
}
