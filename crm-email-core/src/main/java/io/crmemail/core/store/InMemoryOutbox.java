package io.crmemail.core.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The outbox of {@link InMemoryEmailStore}: which messages still await delivery, when they are due and
 * who holds their lease. Kept in ordered indexes (per-account ready queues by due time, leased entries
 * by lease expiry) so a claim never scans messages that are no longer pending.
 *
 * <p>Not thread-safe: it has no lock of its own because the store's single lock must also cover the
 * messages it updates in the same operation.
 */
final class InMemoryOutbox {

    /** One outbox entry. Mutable, so always taken out of its index before a sort key changes. */
    private static final class Entry {
        final long messageId;
        final long accountId;
        Instant dueAt;
        String leaseOwner;
        Instant leaseExpiresAt;
        /** Marked by the lease owner right before transmitting; only counts while its lease lasts. */
        boolean sending;
        /** Which index holds it; the owner alone can't tell, since an expired lease keeps its owner. */
        boolean inLeasedIndex;

        Entry(long messageId, long accountId, Instant dueAt) {
            this.messageId = messageId;
            this.accountId = accountId;
            this.dueAt = dueAt;
        }

        boolean leasedAt(Instant now) {
            return leaseOwner != null && leaseExpiresAt.isAfter(now);
        }

        boolean leasedBy(String owner) {
            return owner != null && owner.equals(leaseOwner);
        }
    }

    private static final Comparator<Entry> BY_DUE =
            Comparator.comparing((Entry e) -> e.dueAt).thenComparingLong(e -> e.messageId);
    private static final Comparator<Entry> BY_LEASE_EXPIRY =
            Comparator.comparing((Entry e) -> e.leaseExpiresAt).thenComparingLong(e -> e.messageId);

    private final Map<Long, Entry> entries = new HashMap<>();
    /** Entries not (or no longer known to be) leased, per account, by due time then id. */
    private final Map<Long, TreeSet<Entry>> ready = new HashMap<>();
    /** Moved back to {@link #ready} lazily, by the first claim that sees the lease expired. */
    private final TreeSet<Entry> leased = new TreeSet<>(BY_LEASE_EXPIRY);

    void add(long messageId, long accountId, Instant dueAt) {
        addReady(new Entry(messageId, accountId, dueAt));
    }

    boolean contains(long messageId) {
        return entries.containsKey(messageId);
    }

    /** Drops the entry whether or not it is leased; a no-op when there is none. */
    void remove(long messageId) {
        Entry entry = entries.remove(messageId);
        if (entry != null) {
            removeFromIndex(entry);
        }
    }

    /**
     * Leases up to {@code limit} entries due and unleased at {@code now} to {@code owner} until
     * {@code expires}, and returns their message ids in claim order. Accounts take turns, one entry each
     * per round, so a large backlog in one account cannot starve the others.
     */
    List<Long> claim(Instant now, String owner, Instant expires, int limit) {
        while (!leased.isEmpty() && !leased.first().leaseExpiresAt.isAfter(now)) {
            Entry e = leased.pollFirst();
            e.inLeasedIndex = false;
            ready.computeIfAbsent(e.accountId, k -> new TreeSet<>(BY_DUE)).add(e);
        }
        List<Iterator<Entry>> cursors = new ArrayList<>();
        for (TreeSet<Entry> queue : ready.values()) {
            if (!queue.isEmpty() && !queue.first().dueAt.isAfter(now)) {
                cursors.add(queue.iterator());
            }
        }
        List<Entry> chosen = new ArrayList<>();
        while (chosen.size() < limit && !cursors.isEmpty()) {
            List<Entry> round = new ArrayList<>(cursors.size());
            for (Iterator<Iterator<Entry>> it = cursors.iterator(); it.hasNext(); ) {
                Entry next = nextClaimable(it.next(), now);
                if (next == null) {
                    it.remove();
                } else {
                    round.add(next);
                }
            }
            // Within a round, the most overdue go first so a cut at `limit` drops the least urgent.
            round.sort(BY_DUE);
            for (Entry e : round) {
                if (chosen.size() == limit) {
                    break;
                }
                chosen.add(e);
            }
        }
        // Index changes wait until here: the cursors above iterate the ready queues.
        List<Long> ids = new ArrayList<>(chosen.size());
        for (Entry e : chosen) {
            removeFromIndex(e);
            e.leaseOwner = owner;
            e.leaseExpiresAt = expires;
            // A mark left by a worker whose lease ran out says nothing about the new owner.
            e.sending = false;
            e.inLeasedIndex = true;
            leased.add(e);
            ids.add(e.messageId);
        }
        return ids;
    }

    /** The next entry of an account's ready queue that is due and not leased at {@code now}, or null. */
    private static Entry nextClaimable(Iterator<Entry> cursor, Instant now) {
        while (cursor.hasNext()) {
            Entry e = cursor.next();
            if (e.dueAt.isAfter(now)) {
                return null;
            }
            // Only possible when callers' clocks disagree: a lease seen expired by a later `now`.
            if (!e.leasedAt(now)) {
                return e;
            }
        }
        return null;
    }

    /**
     * Gives up {@code owner}'s lease and makes the entry due again at {@code dueAt}.
     *
     * @return false (and nothing changes) when there is no entry or {@code owner} is not its lease owner
     */
    boolean reschedule(long messageId, String owner, Instant dueAt) {
        Entry entry = leasedBy(messageId, owner);
        if (entry == null) {
            return false;
        }
        unlease(entry, dueAt);
        return true;
    }

    /** Like {@link #reschedule}, but the entry keeps the due time it was claimed with. */
    boolean release(long messageId, String owner) {
        Entry entry = leasedBy(messageId, owner);
        if (entry == null) {
            return false;
        }
        unlease(entry, entry.dueAt);
        return true;
    }

    /** Marks the entry as being transmitted if {@code owner} holds an unexpired lease on it. */
    boolean startSending(long messageId, String owner, Instant now) {
        Entry entry = entries.get(messageId);
        if (entry == null || !entry.leasedBy(owner) || !entry.leasedAt(now)) {
            return false;
        }
        entry.sending = true;
        return true;
    }

    /** True while the entry is marked as being transmitted and its lease has not run out at {@code now}. */
    boolean beingSent(long messageId, Instant now) {
        Entry entry = entries.get(messageId);
        return entry != null && entry.sending && entry.leasedAt(now);
    }

    /** Checks the owner only, not expiry: an expired lease still counts until another claim takes it. */
    private Entry leasedBy(long messageId, String owner) {
        Entry entry = entries.get(messageId);
        return entry != null && entry.leasedBy(owner) ? entry : null;
    }

    private void unlease(Entry entry, Instant dueAt) {
        removeFromIndex(entry);
        entry.dueAt = dueAt;
        entry.leaseOwner = null;
        entry.leaseExpiresAt = null;
        entry.sending = false;
        addReady(entry);
    }

    private void addReady(Entry entry) {
        entries.put(entry.messageId, entry);
        entry.inLeasedIndex = false;
        ready.computeIfAbsent(entry.accountId, k -> new TreeSet<>(BY_DUE)).add(entry);
    }

    /** Takes an entry out of whichever ordered index holds it; its registration in {@link #entries} stays. */
    private void removeFromIndex(Entry entry) {
        if (entry.inLeasedIndex) {
            leased.remove(entry);
            entry.inLeasedIndex = false;
        } else {
            TreeSet<Entry> queue = ready.get(entry.accountId);
            if (queue != null) {
                queue.remove(entry);
                // Empty queues would otherwise accumulate, one per account that ever sent mail.
                if (queue.isEmpty()) {
                    ready.remove(entry.accountId);
                }
            }
        }
    }
}
