package io.crmemail.core.store;

import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.signature.Signature;
import io.crmemail.core.template.Template;
import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * An {@link EmailStore} held in memory, for tests, demos and single-node hosts that accept losing
 * pending mail on restart. Every operation runs under one lock, so each is atomic and the store is
 * thread-safe. The state lives in unsynchronised collaborators ({@link InMemoryMessages},
 * {@link InMemoryOutbox}, {@link InMemoryAccountSettings}, {@link InMemorySuppressions},
 * {@link InMemoryTemplates}, {@link InMemoryIdempotency}, {@link InMemorySendCounters}); this class owns the
 * lock and the operations that must change several of them together.
 */
public final class InMemoryEmailStore implements EmailStore {

    /**
     * One lock for all state, not one per collaborator: enqueue, storeInbound, claimDue, complete,
     * release and cancel each change messages and outbox together and must not be seen half-done.
     * Reentrant because storeInbound builds on enqueue.
     */
    private final ReentrantLock lock = new ReentrantLock();

    private final InMemoryMessages messages = new InMemoryMessages();
    private final InMemoryOutbox outbox = new InMemoryOutbox();
    private final InMemoryAccountSettings settings = new InMemoryAccountSettings();
    private final InMemorySuppressions suppressions = new InMemorySuppressions();
    private final InMemoryTemplates templates = new InMemoryTemplates();
    private final InMemoryIdempotency idempotency = new InMemoryIdempotency();
    private final InMemorySendCounters sendCounters = new InMemorySendCounters();

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
            messages.requireNewTokens(email.tokens());
            EmailMetadata metadata = email.metadata().toBuilder()
                    .attempts(0)
                    .nextAttemptAt(pending ? email.dueAt() : null)
                    .build();
            EmailMessage message = messages.add(email, metadata);
            if (pending) {
                outbox.add(message.id(), message.accountId(), email.dueAt());
            }
            if (email.firstEvent() != null) {
                messages.addEvent(EmailEvent.of(message.id(), email.firstEvent(), email.createdAt(), Map.of()));
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
        return locked(() -> messages.forRecord(accountId, record));
    }

    @Override
    public List<EmailMessage> findByMessageId(String messageId) {
        if (messageId == null) {
            return List.of();
        }
        return locked(() -> messages.byMessageId(messageId));
    }

    @Override
    public List<EmailMessage> list(long accountId, MessageQuery query) {
        Objects.requireNonNull(query, "query");
        return locked(() -> messages.list(accountId, query));
    }

    @Override
    public List<EmailMessage> thread(long accountId, String threadId) {
        if (threadId == null) {
            return List.of();
        }
        return locked(() -> messages.thread(accountId, threadId));
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
                for (EmailMessage existing : messages.byMessageId(messageId)) {
                    if (existing.type() == email.type() && existing.accountId() == email.accountId()
                            && existing.record().equals(email.record())) {
                        return new InboundStored(existing, true);
                    }
                }
            }
            EmailMessage stored = enqueue(email);
            EmailMessage parent = email.parentId() == null ? null : messages.get(email.parentId());
            if (parent != null && !email.metadata().autoReply()) {
                Instant at = email.metadata().receivedAt() != null ? email.metadata().receivedAt() : email.createdAt();
                if (parent.metadata().repliedAt() == null) {
                    messages.replace(parent.withMetadata(parent.metadata().toBuilder().repliedAt(at).build()));
                }
                messages.addEvent(EmailEvent.of(parent.id(), EventType.REPLY, at,
                        Map.of("commentId", String.valueOf(stored.id()))));
            }
            return new InboundStored(stored, false);
        });
    }

    // ---- delivery -------------------------------------------------------------------------------

    @Override
    public long countInboundSince(long accountId, RecordRef record, String fromEmail, Instant since) {
        Objects.requireNonNull(fromEmail, "fromEmail");
        return locked(() -> messages.forRecord(accountId, record).stream()
                .filter(m -> m.type() == CommentType.EMAIL_IN && !m.createdAt().isBefore(since))
                .filter(m -> m.metadata().fromIdentity() != null
                        && m.metadata().fromIdentity().email().equalsIgnoreCase(fromEmail))
                .count());
    }

    // ---- bounces and suppressions -----------------------------------------------------------------

    @Override
    public Optional<EmailMessage> recordBounce(long messageId, BounceReport report) {
        Objects.requireNonNull(report, "report");
        return locked(() -> {
            EmailMessage message = messages.get(messageId);
            if (message == null) {
                return Optional.empty();
            }
            messages.addEvent(report.event(messageId));
            if (!report.hard()) {
                return Optional.of(message);
            }
            suppressions.add(message.accountId(), report.recipient(), "hard_bounce", report.at());
            if (message.status() == EmailStatus.SENT || message.status() == EmailStatus.READ) {
                message = message.withMetadata(message.metadata().toBuilder()
                        .status(EmailStatus.BOUNCED)
                        .bouncedAt(report.at())
                        .error(report.describe())
                        .build());
                messages.replace(message);
            }
            return Optional.of(message);
        });
    }

    @Override
    public Suppression suppress(long accountId, String email, String reason, Instant at) {
        Objects.requireNonNull(email, "email");
        return locked(() -> suppressions.add(accountId, email, reason, at));
    }

    @Override
    public Set<String> suppressedAmong(long accountId, Collection<String> emails) {
        return locked(() -> suppressions.among(accountId, emails));
    }

    @Override
    public List<Suppression> suppressions(long accountId) {
        return locked(() -> suppressions.list(accountId));
    }

    @Override
    public boolean unsuppress(long accountId, String email) {
        return locked(() -> suppressions.remove(accountId, email));
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
            Instant expires = now.plus(lease);
            List<Long> claimed = outbox.claim(now, owner, expires, limit);
            List<DeliveryJob> jobs = new ArrayList<>(claimed.size());
            for (long id : claimed) {
                EmailMessage message = messages.get(id);
                int attempt = message.metadata().attempts() + 1;
                message = message.withMetadata(message.metadata().toBuilder().attempts(attempt).build());
                messages.replace(message);
                jobs.add(new DeliveryJob(message, attempt, owner, expires));
            }
            return List.copyOf(jobs);
        });
    }

    @Override
    public boolean complete(long messageId, String owner, DeliveryUpdate update) {
        Objects.requireNonNull(update, "update");
        return locked(() -> applyOutcome(messageId, owner, update));
    }

    @Override
    public Set<Long> completeAll(String owner, List<Completion> completions) {
        Completion.requireDistinct(completions);
        return locked(() -> {
            Set<Long> applied = new LinkedHashSet<>();
            for (Completion c : completions) {
                if (applyOutcome(c.messageId(), owner, c.update())) {
                    applied.add(c.messageId());
                }
            }
            return applied;
        });
    }

    /** The rule of {@link #complete}; the caller holds the lock. */
    private boolean applyOutcome(long messageId, String owner, DeliveryUpdate update) {
        if (!outbox.contains(messageId)) {
            return false;
        }
        EmailMessage message = messages.get(messageId);
        if (update.isRetry()) {
            if (!outbox.reschedule(messageId, owner, update.nextAttemptAt())) {
                return false;
            }
        } else {
            outbox.remove(messageId);
        }
        messages.replace(message.withMetadata(update.applyTo(message.metadata())));
        update.events().forEach(messages::addEvent);
        return true;
    }

    @Override
    public void release(long messageId, String owner) {
        locked(() -> {
            if (outbox.release(messageId, owner)) {
                // The attempt counted by claimDue never happened.
                EmailMessage message = messages.get(messageId);
                int attempts = Math.max(0, message.metadata().attempts() - 1);
                messages.replace(message.withMetadata(message.metadata().toBuilder().attempts(attempts).build()));
            }
            return null;
        });
    }

    @Override
    public boolean startSending(long messageId, String owner, Instant now) {
        Objects.requireNonNull(now, "now");
        return locked(() -> outbox.startSending(messageId, owner, now));
    }

    @Override
    public Set<Long> startSendingAll(Collection<Long> messageIds, String owner, Instant now) {
        Objects.requireNonNull(messageIds, "messageIds");
        Objects.requireNonNull(now, "now");
        return locked(() -> {
            Set<Long> marked = new LinkedHashSet<>();
            for (Long id : messageIds) {
                if (outbox.startSending(id, owner, now)) {
                    marked.add(id);
                }
            }
            return marked;
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
            if (!message.status().isPending() || outbox.beingSent(messageId, at)) {
                return Optional.of(message);
            }
            outbox.remove(messageId);
            EmailMessage cancelled = message.withMetadata(message.metadata().toBuilder()
                    .status(EmailStatus.CANCELLED)
                    .cancelledAt(at)
                    .nextAttemptAt(null)
                    .build());
            messages.replace(cancelled);
            messages.addEvent(EmailEvent.of(messageId, EventType.CANCELLED, at, Map.of()));
            return Optional.of(cancelled);
        });
    }

    // ---- tokens and events ------------------------------------------------------------------------

    @Override
    public Optional<TrackingToken> findToken(String token) {
        if (token == null) {
            return Optional.empty();
        }
        return locked(() -> Optional.ofNullable(messages.token(token)));
    }

    @Override
    public List<TrackingToken> tokens(long messageId) {
        return locked(() -> messages.tokens(messageId));
    }

    @Override
    public Map<Long, List<TrackingToken>> tokens(Collection<Long> messageIds) {
        Objects.requireNonNull(messageIds, "messageIds");
        return locked(() -> {
            Map<Long, List<TrackingToken>> result = new HashMap<>();
            for (Long id : messageIds) {
                result.put(id, messages.tokens(id));
            }
            return result;
        });
    }

    @Override
    public boolean recordOpen(EmailEvent event) {
        Objects.requireNonNull(event, "event");
        return locked(() -> {
            EmailMessage before = recordEngagement(event, Engagement::afterOpen);
            return before != null && before.status() != messages.get(before.id()).status();
        });
    }

    @Override
    public int recordOpens(List<OpenHit> hits) {
        Objects.requireNonNull(hits, "hits");
        return locked(() -> {
            int recorded = 0;
            for (OpenHit hit : hits) {
                TrackingToken token = messages.token(hit.token());
                if (token != null && token.kind() == TokenKind.PIXEL) {
                    recordEngagement(hit.toEvent(token.messageId()), Engagement::afterOpen);
                    recorded++;
                }
            }
            return recorded;
        });
    }

    @Override
    public boolean recordClick(EmailEvent event) {
        Objects.requireNonNull(event, "event");
        return locked(() -> {
            EmailMessage before = recordEngagement(event, Engagement::afterClick);
            return before != null && before.metadata().firstClickedAt() == null
                    && messages.get(before.id()).metadata().firstClickedAt() != null;
        });
    }

    /** Adds the event and applies its rule to the message; returns the message as it was before, or null. */
    private EmailMessage recordEngagement(EmailEvent event, BiFunction<EmailMetadata, EmailEvent, EmailMetadata> rule) {
        messages.addEvent(event);
        EmailMessage message = messages.get(event.messageId());
        if (message != null) {
            messages.replace(message.withMetadata(rule.apply(message.metadata(), event)));
        }
        return message;
    }

    @Override
    public Optional<EmailMessage> recordDelivered(long messageId, Instant at, Map<String, String> details) {
        Objects.requireNonNull(at, "at");
        return locked(() -> {
            EmailMessage message = messages.get(messageId);
            if (message == null) {
                return Optional.empty();
            }
            messages.addEvent(EmailEvent.of(messageId, EventType.DELIVERED, at, details));
            EmailMessage after = message.withMetadata(Engagement.afterDelivered(message.metadata(), at));
            messages.replace(after);
            return Optional.of(after);
        });
    }

    @Override
    public EmailEvent addEvent(EmailEvent event) {
        Objects.requireNonNull(event, "event");
        return locked(() -> messages.addEvent(event));
    }

    @Override
    public List<EmailEvent> events(long messageId) {
        return locked(() -> messages.events(messageId));
    }

    // ---- signatures -------------------------------------------------------------------------------

    @Override
    public Signature saveSignature(Signature signature) {
        Objects.requireNonNull(signature, "signature");
        return locked(() -> settings.saveSignature(signature));
    }

    @Override
    public Optional<Signature> findSignature(long id) {
        return locked(() -> settings.findSignature(id));
    }

    @Override
    public List<Signature> signatures(long accountId, long userId) {
        return locked(() -> settings.signatures(accountId, userId));
    }

    @Override
    public boolean deleteSignature(long id) {
        return locked(() -> settings.deleteSignature(id));
    }

    // ---- templates --------------------------------------------------------------------------------

    @Override
    public Template saveTemplate(Template template) {
        Objects.requireNonNull(template, "template");
        return locked(() -> templates.save(template));
    }

    @Override
    public Optional<Template> findTemplate(long id) {
        return locked(() -> templates.find(id));
    }

    @Override
    public List<Template> templates(long accountId) {
        return locked(() -> templates.ofAccount(accountId));
    }

    @Override
    public boolean deleteTemplate(long id) {
        return locked(() -> templates.delete(id));
    }

    // ---- idempotency keys and send counters --------------------------------------------------------

    @Override
    public IdempotencyRecord beginIdempotent(long accountId, String key, String requestHash, Instant now,
                                             Instant expiresAt, Instant leaseUntil) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(requestHash, "requestHash");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        return locked(() -> idempotency.begin(accountId, key, requestHash, now, expiresAt, leaseUntil));
    }

    @Override
    public void finishIdempotent(long accountId, String key, int status, String body) {
        Objects.requireNonNull(key, "key");
        locked(() -> {
            idempotency.finish(accountId, key, status, body);
            return null;
        });
    }

    @Override
    public void abandonIdempotent(long accountId, String key) {
        Objects.requireNonNull(key, "key");
        locked(() -> {
            idempotency.abandon(accountId, key);
            return null;
        });
    }

    @Override
    public long reserveSends(long accountId, Instant windowStart, int count, long limit) {
        Objects.requireNonNull(windowStart, "windowStart");
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
        return locked(() -> sendCounters.reserve(accountId, windowStart, count, limit));
    }

    @Override
    public long sendsInWindow(long accountId, Instant windowStart) {
        Objects.requireNonNull(windowStart, "windowStart");
        return locked(() -> sendCounters.sends(accountId, windowStart));
    }

    // ---- integrations -----------------------------------------------------------------------------

    @Override
    public SmtpIntegration saveIntegration(SmtpIntegration integration) {
        Objects.requireNonNull(integration, "integration");
        return locked(() -> settings.saveIntegration(integration));
    }

    @Override
    public Optional<SmtpIntegration> findIntegration(long id) {
        return locked(() -> settings.findIntegration(id));
    }

    @Override
    public List<SmtpIntegration> integrations(long accountId) {
        return locked(() -> settings.integrations(accountId));
    }

    // ---- connected mailboxes ------------------------------------------------------------------------

    @Override
    public List<SmtpIntegration> integrationsWithImap() {
        return locked(settings::integrationsWithImap);
    }

    @Override
    public Optional<MailboxCursor> mailboxCursor(long integrationId) {
        return locked(() -> settings.mailboxCursor(integrationId));
    }

    @Override
    public void saveMailboxCursor(long integrationId, MailboxCursor read, MailboxCursor cursor) {
        Objects.requireNonNull(cursor, "cursor");
        locked(() -> {
            settings.saveMailboxCursor(integrationId, read, cursor);
            return null;
        });
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
