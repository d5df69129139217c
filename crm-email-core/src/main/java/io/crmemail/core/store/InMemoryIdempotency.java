package io.crmemail.core.store;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The idempotency keys of {@link InMemoryEmailStore}. Expired keys are dropped as later calls pass their expiry,
 * so a long-running store does not keep every key it ever saw. Not thread-safe: the store's single lock guards it.
 */
final class InMemoryIdempotency {

    private record Key(long accountId, String key) {
    }

    private static final class Row {
        final String requestHash;
        final Instant expiresAt;
        final Instant leaseUntil;
        boolean completed;
        int status;
        String body;

        Row(String requestHash, Instant expiresAt, Instant leaseUntil) {
            this.requestHash = requestHash;
            this.expiresAt = expiresAt;
            this.leaseUntil = leaseUntil;
        }

        boolean takeable(Instant now) {
            return !expiresAt.isAfter(now) || !completed && !leaseUntil.isAfter(now);
        }

        IdempotencyRecord toRecord() {
            return new IdempotencyRecord(false, requestHash, completed, status, body);
        }
    }

    private record Expiry(Instant at, Key key) {
    }

    private final Map<Key, Row> rows = new HashMap<>();
    /** Holds stale entries for rows taken over since; {@link #prune} checks against the live row. */
    private final PriorityQueue<Expiry> expiries = new PriorityQueue<>((a, b) -> a.at().compareTo(b.at()));

    IdempotencyRecord begin(long accountId, String key, String requestHash, Instant now, Instant expiresAt,
                            Instant leaseUntil) {
        prune(now);
        Key k = new Key(accountId, key);
        Row row = rows.get(k);
        if (row != null && !row.takeable(now)) {
            return row.toRecord();
        }
        rows.put(k, new Row(requestHash, expiresAt, leaseUntil));
        expiries.add(new Expiry(expiresAt, k));
        return IdempotencyRecord.acquired(requestHash);
    }

    void finish(long accountId, String key, int status, String body) {
        Row row = rows.get(new Key(accountId, key));
        if (row != null) {
            row.completed = true;
            row.status = status;
            row.body = body;
        }
    }

    void abandon(long accountId, String key) {
        Key k = new Key(accountId, key);
        Row row = rows.get(k);
        if (row != null && !row.completed) {
            rows.remove(k);
        }
    }

    private void prune(Instant now) {
        while (!expiries.isEmpty() && !expiries.peek().at().isAfter(now)) {
            Expiry e = expiries.poll();
            Row row = rows.get(e.key());
            if (row != null && !row.expiresAt.isAfter(now)) {
                rows.remove(e.key());
            }
        }
    }
}
