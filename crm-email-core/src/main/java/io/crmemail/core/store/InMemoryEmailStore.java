package io.crmemail.core.store;

import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.signature.Signature;
import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * An {@link EmailStore} held in memory, for tests, demos and single-node hosts that accept losing
 * pending mail on restart. Every operation runs under one lock, so each is atomic and the store is
 * thread-safe. The outbox is kept in its own indexes (per-account queues ordered by due time, plus the
 * leased entries ordered by lease expiry), so claiming never looks at messages that are no longer pending.
 */
public final class InMemoryEmailStore implements EmailStore {

    private record RecordKey(long accountId, long tableId, long recordId) {
        static RecordKey of(long accountId, RecordRef record) {
            return new RecordKey(accountId, record.tableId(), record.recordId());
        }
    }

    /** One outbox entry. Mutable; only touched under the lock, and always taken out of an index before its keys change. */
    private static final class OutboxEntry {
        final long messageId;
        final long accountId;
        Instant dueAt;
        String leaseOwner;
        Instant leaseExpiresAt;
        /** True while the entry sits in {@link #leased} rather than in its account's ready queue. */
        boolean inLeasedIndex;

        OutboxEntry(long messageId, long accountId, Instant dueAt) {
            this.messageId = messageId;
            this.accountId = accountId;
            this.dueAt = dueAt;
        }

        boolean leasedAt(Instant now) {
            return leaseOwner != null && leaseExpiresAt.isAfter(now);
        }
    }

    private static final Comparator<OutboxEntry> BY_DUE =
            Comparator.comparing((OutboxEntry e) -> e.dueAt).thenComparingLong(e -> e.messageId);
    private static final Comparator<OutboxEntry> BY_LEASE_EXPIRY =
            Comparator.comparing((OutboxEntry e) -> e.leaseExpiresAt).thenComparingLong(e -> e.messageId);

    private final ReentrantLock lock = new ReentrantLock();

    private final AtomicLong messageIds = new AtomicLong();
    private final AtomicLong eventIds = new AtomicLong();
    private final AtomicLong signatureIds = new AtomicLong();
    private final AtomicLong integrationIds = new AtomicLong();

    private final Map<Long, EmailMessage> messages = new HashMap<>();
    /** Message ids per record, ascending (ids only grow, so appending keeps the order). */
    private final Map<RecordKey, List<Long>> messagesByRecord = new HashMap<>();
    private final Map<String, TrackingToken> tokens = new HashMap<>();
    /** Message ids per RFC 5322 Message-ID, ascending. */
    private final Map<String, List<Long>> messagesByMessageId = new HashMap<>();
    /** Token strings per message, in creation order. */
    private final Map<Long, List<String>> tokensByMessage = new HashMap<>();
    /** Events per message, ascending by id. */
    private final Map<Long, List<EmailEvent>> events = new HashMap<>();
    private final TreeMap<Long, Signature> signatures = new TreeMap<>();
    private final TreeMap<Long, SmtpIntegration> integrations = new TreeMap<>();

    /** Every outbox entry by message id. */
    private final Map<Long, OutboxEntry> outbox = new HashMap<>();
    /** Entries not (or no longer known to be) leased, per account, by due time then id. */
    private final Map<Long, TreeSet<OutboxEntry>> ready = new HashMap<>();
    /** Leased entries by lease expiry; moved back to {@link #ready} once a claim sees them expired. */
    private final TreeSet<OutboxEntry> leased = new TreeSet<>(BY_LEASE_EXPIRY);

    // ---- messages -------------------------------------------------------------------------------

    @Override
    public EmailMessage enqueue(NewEmail email) {
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(email.record(), "record");
        Objects.requireNonNull(email.metadata(), "metadata");
        Objects.requireNonNull(email.metadata().status(), "metadata.status");
        boolean pending = email.metadata().status().isPending();
        if (pending) {
            Objects.requireNonNull(email.dueAt(), "dueAt of a pending message");
        }
        return locked(() -> {
            Set<String> seen = new HashSet<>();
            for (NewToken t : email.tokens()) {
                Objects.requireNonNull(t.token(), "token");
                if (tokens.containsKey(t.token()) || !seen.add(t.token())) {
                    throw new IllegalStateException("token already exists: " + t.token());
                }
            }
            long id = messageIds.incrementAndGet();
            EmailMetadata metadata = email.metadata().toBuilder()
                    .attempts(0)
                    .nextAttemptAt(pending ? email.dueAt() : null)
                    .build();
            EmailMessage message = new EmailMessage(id, email.accountId(), email.record(), email.type(),
                    email.parentId(), email.userId(), email.createdAt(), metadata);
            messages.put(id, message);
            messagesByRecord.computeIfAbsent(RecordKey.of(email.accountId(), email.record()), k -> new ArrayList<>())
                    .add(id);
            if (metadata.messageId() != null) {
                messagesByMessageId.computeIfAbsent(metadata.messageId(), k -> new ArrayList<>()).add(id);
            }
            for (NewToken t : email.tokens()) {
                tokens.put(t.token(), new TrackingToken(t.token(), t.kind(), email.accountId(), email.record(), id,
                        t.url()));
                tokensByMessage.computeIfAbsent(id, k -> new ArrayList<>()).add(t.token());
            }
            if (pending) {
                addReady(new OutboxEntry(id, email.accountId(), email.dueAt()));
            }
            return message;
        });
    }

    @Override
    public Optional<EmailMessage> find(long messageId) {
        return locked(() -> Optional.ofNullable(messages.get(messageId)));
    }

    @Override
    public List<EmailMessage> listForRecord(long accountId, RecordRef record) {
        Objects.requireNonNull(record, "record");
        return locked(() -> {
            List<Long> ids = messagesByRecord.getOrDefault(RecordKey.of(accountId, record), List.of());
            List<EmailMessage> result = new ArrayList<>(ids.size());
            for (Long id : ids) {
                result.add(messages.get(id));
            }
            return List.copyOf(result);
        });
    }

    @Override
    public List<EmailMessage> findByMessageId(String messageId) {
        if (messageId == null) {
            return List.of();
        }
        return locked(() -> messagesByMessageId.getOrDefault(messageId, List.of()).stream()
                .map(messages::get).toList());
    }

    @Override
    public InboundStored storeInbound(NewEmail email) {
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(email.metadata(), "metadata");
        if (email.metadata().status().isPending()) {
            throw new IllegalArgumentException("an inbound message is not pending: " + email.metadata().status());
        }
        return locked(() -> {
            String messageId = email.metadata().messageId();
            if (messageId != null) {
                for (Long id : messagesByMessageId.getOrDefault(messageId, List.of())) {
                    EmailMessage existing = messages.get(id);
                    if (existing.type() == email.type() && existing.accountId() == email.accountId()
                            && existing.record().equals(email.record())) {
                        return new InboundStored(existing, true);
                    }
                }
            }
            EmailMessage stored = enqueue(email);
            EmailMessage parent = email.parentId() == null ? null : messages.get(email.parentId());
            if (parent != null) {
                Instant at = email.metadata().receivedAt() != null ? email.metadata().receivedAt() : email.createdAt();
                if (parent.metadata().repliedAt() == null) {
                    messages.put(parent.id(), parent.withMetadata(parent.metadata().toBuilder().repliedAt(at).build()));
                }
                storeEvent(EmailEvent.of(parent.id(), EventType.REPLY, at,
                        Map.of("commentId", String.valueOf(stored.id()))));
            }
            return new InboundStored(stored, false);
        });
    }

    // ---- delivery -------------------------------------------------------------------------------

    @Override
    public List<DeliveryJob> claimDue(Instant now, String owner, Duration lease, int limit) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(lease, "lease");
        if (limit <= 0) {
            return List.of();
        }
        return locked(() -> {
            // Leases that have expired at `now` make their entries claimable again.
            while (!leased.isEmpty() && !leased.first().leaseExpiresAt.isAfter(now)) {
                OutboxEntry e = leased.pollFirst();
                e.inLeasedIndex = false;
                ready.computeIfAbsent(e.accountId, k -> new TreeSet<>(BY_DUE)).add(e);
            }
            // One cursor per account with something due; take rounds of one entry per account.
            List<Iterator<OutboxEntry>> cursors = new ArrayList<>();
            for (TreeSet<OutboxEntry> queue : ready.values()) {
                if (!queue.isEmpty() && !queue.first().dueAt.isAfter(now)) {
                    cursors.add(queue.iterator());
                }
            }
            List<OutboxEntry> chosen = new ArrayList<>();
            while (chosen.size() < limit && !cursors.isEmpty()) {
                List<OutboxEntry> round = new ArrayList<>(cursors.size());
                for (Iterator<Iterator<OutboxEntry>> it = cursors.iterator(); it.hasNext(); ) {
                    OutboxEntry next = nextClaimable(it.next(), now);
                    if (next == null) {
                        it.remove();
                    } else {
                        round.add(next);
                    }
                }
                round.sort(BY_DUE);
                for (OutboxEntry e : round) {
                    if (chosen.size() == limit) {
                        break;
                    }
                    chosen.add(e);
                }
            }
            Instant expires = now.plus(lease);
            List<DeliveryJob> jobs = new ArrayList<>(chosen.size());
            for (OutboxEntry e : chosen) {
                removeFromIndex(e);
                e.leaseOwner = owner;
                e.leaseExpiresAt = expires;
                e.inLeasedIndex = true;
                leased.add(e);
                EmailMessage message = messages.get(e.messageId);
                int attempt = message.metadata().attempts() + 1;
                message = message.withMetadata(message.metadata().toBuilder().attempts(attempt).build());
                messages.put(message.id(), message);
                jobs.add(new DeliveryJob(message, attempt, owner, expires));
            }
            return List.copyOf(jobs);
        });
    }

    /** The next entry of an account's ready queue that is due and not leased at {@code now}, or null. */
    private static OutboxEntry nextClaimable(Iterator<OutboxEntry> cursor, Instant now) {
        while (cursor.hasNext()) {
            OutboxEntry e = cursor.next();
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

    @Override
    public boolean complete(long messageId, String owner, DeliveryUpdate update) {
        Objects.requireNonNull(update, "update");
        return locked(() -> {
            OutboxEntry entry = outbox.get(messageId);
            if (entry == null) {
                return false;
            }
            EmailMessage message = messages.get(messageId);
            EmailMetadata.Builder metadata = message.metadata().toBuilder()
                    .status(update.status())
                    .smtpResponse(update.smtpResponse())
                    .error(update.error());
            if (update.isRetry()) {
                if (owner == null || !owner.equals(entry.leaseOwner)) {
                    return false;
                }
                unlease(entry, update.nextAttemptAt());
                metadata.nextAttemptAt(update.nextAttemptAt());
            } else {
                switch (update.status()) {
                    case SENT -> metadata.sentAt(update.at());
                    case BOUNCED -> metadata.bouncedAt(update.at());
                    case DROPPED -> metadata.droppedAt(update.at());
                    default -> throw new IllegalArgumentException("not a delivery outcome: " + update.status());
                }
                metadata.nextAttemptAt(null);
                if (!update.recipients().isEmpty()) {
                    metadata.recipients(update.recipients());
                }
                removeFromIndex(entry);
                outbox.remove(messageId);
            }
            messages.put(messageId, message.withMetadata(metadata.build()));
            if (update.event() != null) {
                storeEvent(update.event());
            }
            return true;
        });
    }

    @Override
    public void release(long messageId, String owner) {
        locked(() -> {
            OutboxEntry entry = outbox.get(messageId);
            if (entry == null || owner == null || !owner.equals(entry.leaseOwner)) {
                return null;
            }
            unlease(entry, entry.dueAt);
            EmailMessage message = messages.get(messageId);
            int attempts = Math.max(0, message.metadata().attempts() - 1);
            messages.put(messageId, message.withMetadata(message.metadata().toBuilder().attempts(attempts).build()));
            return null;
        });
    }

    /** Gives up an entry's lease and puts it back in its account's queue, due at {@code dueAt}. */
    private void unlease(OutboxEntry entry, Instant dueAt) {
        removeFromIndex(entry);
        entry.dueAt = dueAt;
        entry.leaseOwner = null;
        entry.leaseExpiresAt = null;
        addReady(entry);
    }

    @Override
    public boolean holdsLease(long messageId, String owner, Instant now) {
        Objects.requireNonNull(now, "now");
        return locked(() -> {
            OutboxEntry entry = outbox.get(messageId);
            return entry != null && owner != null && owner.equals(entry.leaseOwner) && entry.leasedAt(now);
        });
    }

    @Override
    public Optional<EmailMessage> cancel(long messageId, Instant at) {
        Objects.requireNonNull(at, "at");
        return locked(() -> {
            EmailMessage message = messages.get(messageId);
            if (message == null) {
                return Optional.empty();
            }
            if (!message.status().isPending()) {
                return Optional.of(message);
            }
            OutboxEntry entry = outbox.remove(messageId);
            if (entry != null) {
                removeFromIndex(entry);
            }
            EmailMessage cancelled = message.withMetadata(message.metadata().toBuilder()
                    .status(EmailStatus.CANCELLED)
                    .cancelledAt(at)
                    .nextAttemptAt(null)
                    .build());
            messages.put(messageId, cancelled);
            storeEvent(EmailEvent.of(messageId, EventType.CANCELLED, at, Map.of()));
            return Optional.of(cancelled);
        });
    }

    // ---- tokens and events ------------------------------------------------------------------------

    @Override
    public Optional<TrackingToken> findToken(String token) {
        if (token == null) {
            return Optional.empty();
        }
        return locked(() -> Optional.ofNullable(tokens.get(token)));
    }

    @Override
    public List<TrackingToken> tokens(long messageId) {
        return locked(() -> tokensByMessage.getOrDefault(messageId, List.of()).stream().map(tokens::get).toList());
    }

    @Override
    public boolean recordOpen(EmailEvent event) {
        Objects.requireNonNull(event, "event");
        return locked(() -> {
            storeEvent(event);
            EmailMessage message = messages.get(event.messageId());
            if (message == null || message.status() != EmailStatus.SENT) {
                return false;
            }
            messages.put(message.id(), message.withMetadata(message.metadata().toBuilder()
                    .status(EmailStatus.READ)
                    .readAt(event.occurredAt())
                    .build()));
            return true;
        });
    }

    @Override
    public EmailEvent addEvent(EmailEvent event) {
        Objects.requireNonNull(event, "event");
        return locked(() -> storeEvent(event));
    }

    @Override
    public List<EmailEvent> events(long messageId) {
        return locked(() -> List.copyOf(events.getOrDefault(messageId, List.of())));
    }

    // ---- signatures -------------------------------------------------------------------------------

    @Override
    public Signature saveSignature(Signature signature) {
        Objects.requireNonNull(signature, "signature");
        return locked(() -> {
            Signature stored = signature;
            if (signature.id() == 0) {
                stored = withId(signature, signatureIds.incrementAndGet());
            } else {
                signatureIds.accumulateAndGet(signature.id(), Math::max);
            }
            if (stored.isDefault()) {
                for (Map.Entry<Long, Signature> e : signatures.entrySet()) {
                    Signature other = e.getValue();
                    if (other.id() != stored.id() && other.isDefault() && other.accountId() == stored.accountId()
                            && other.userId() == stored.userId()) {
                        e.setValue(new Signature(other.id(), other.accountId(), other.userId(), other.name(),
                                other.html(), false, other.createdAt(), other.updatedAt()));
                    }
                }
            }
            signatures.put(stored.id(), stored);
            return stored;
        });
    }

    private static Signature withId(Signature s, long id) {
        return new Signature(id, s.accountId(), s.userId(), s.name(), s.html(), s.isDefault(), s.createdAt(),
                s.updatedAt());
    }

    @Override
    public Optional<Signature> findSignature(long id) {
        return locked(() -> Optional.ofNullable(signatures.get(id)));
    }

    @Override
    public List<Signature> signatures(long accountId, long userId) {
        return locked(() -> signatures.values().stream()
                .filter(s -> s.accountId() == accountId && s.userId() == userId)
                .toList());
    }

    @Override
    public boolean deleteSignature(long id) {
        return locked(() -> signatures.remove(id) != null);
    }

    // ---- integrations -----------------------------------------------------------------------------

    @Override
    public SmtpIntegration saveIntegration(SmtpIntegration integration) {
        Objects.requireNonNull(integration, "integration");
        return locked(() -> {
            SmtpIntegration stored = integration;
            if (integration.id() == 0) {
                stored = integration.toBuilder().id(integrationIds.incrementAndGet()).build();
            } else {
                integrationIds.accumulateAndGet(integration.id(), Math::max);
            }
            integrations.put(stored.id(), stored);
            return stored;
        });
    }

    @Override
    public Optional<SmtpIntegration> findIntegration(long id) {
        return locked(() -> Optional.ofNullable(integrations.get(id)));
    }

    @Override
    public List<SmtpIntegration> integrations(long accountId) {
        return locked(() -> integrations.values().stream().filter(i -> i.accountId() == accountId).toList());
    }

    // ---- internals (all called with the lock held) -----------------------------------------------

    private EmailEvent storeEvent(EmailEvent event) {
        EmailEvent stored = event.withId(eventIds.incrementAndGet());
        events.computeIfAbsent(stored.messageId(), k -> new ArrayList<>()).add(stored);
        return stored;
    }

    /** Registers an unleased entry in the outbox and its account's ready queue. */
    private void addReady(OutboxEntry entry) {
        outbox.put(entry.messageId, entry);
        entry.inLeasedIndex = false;
        ready.computeIfAbsent(entry.accountId, k -> new TreeSet<>(BY_DUE)).add(entry);
    }

    /** Takes an entry out of whichever ordered index holds it (its outbox registration stays). */
    private void removeFromIndex(OutboxEntry entry) {
        if (entry.inLeasedIndex) {
            leased.remove(entry);
            entry.inLeasedIndex = false;
        } else {
            TreeSet<OutboxEntry> queue = ready.get(entry.accountId);
            if (queue != null) {
                queue.remove(entry);
                if (queue.isEmpty()) {
                    ready.remove(entry.accountId);
                }
            }
        }
    }

    private <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
