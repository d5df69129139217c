package io.crmemail.jdbc;

import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.signature.Signature;
import io.crmemail.core.store.BounceReport;
import io.crmemail.core.store.Completion;
import io.crmemail.core.store.DeliveryJob;
import io.crmemail.core.store.DeliveryUpdate;
import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.IdempotencyRecord;
import io.crmemail.core.store.InboundStored;
import io.crmemail.core.store.MailboxCursor;
import io.crmemail.core.store.MessageQuery;
import io.crmemail.core.store.NewEmail;
import io.crmemail.core.store.OpenHit;
import io.crmemail.core.store.Suppression;
import io.crmemail.core.store.TrackingToken;
import io.crmemail.core.template.Template;
import io.crmemail.core.tracking.EmailEvent;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * A durable {@link EmailStore} in the host's database, over the host's {@link DataSource} (H2 2.x or
 * PostgreSQL 14+). Every operation is one transaction on one pooled connection, returned on success and
 * failure alike; no transaction is held while mail is on the wire. Several nodes may share one database
 * (PostgreSQL): claims use {@code FOR UPDATE SKIP LOCKED} and leases, so a crashed node's messages are
 * taken over once its leases expire.
 *
 * <p>The schema is created by {@link #migrate()}, or by the host's own tool from the scripts under
 * {@code db/crm-email/<dialect>/} (see docs/jdbc.md).
 */
public final class JdbcEmailStore implements EmailStore {

    /** How often a save of a new integration is tried when another node took the same id meanwhile. */
    private static final int ID_RACE_ATTEMPTS = 5;

    /** Expired idempotency keys are deleted at most this often per store, by whichever call comes first. */
    private static final Duration IDEMPOTENCY_PRUNE_INTERVAL = Duration.ofHours(1);

    private final Dialect dialect;
    private final Tx tx;
    private final Messages messages;
    private final Tokens tokens;
    private final Events events;
    private final Outbox outbox;
    private final Claims claims;
    private final Integrations integrations;
    private final Suppressions suppressions;
    private final Tracking tracking;
    private final IdempotencyKeys idempotencyKeys;
    private final SendCounters sendCounters;
    private final MailboxCursors mailboxCursors;
    private final AtomicReference<Instant> nextIdempotencyPrune = new AtomicReference<>(Instant.MIN);
    private final SchemaMigrator migrator;

    /** A store with the dialect detected from the data source and no credential key. */
    public JdbcEmailStore(DataSource dataSource) {
        this(builder(dataSource));
    }

    private JdbcEmailStore(Builder b) {
        this.dialect = b.dialect != null ? b.dialect : Dialect.detect(b.dataSource);
        this.tx = new Tx(b.dataSource);
        this.tokens = new Tokens();
        this.events = new Events(dialect);
        this.messages = new Messages(dialect, tokens, events);
        this.outbox = new Outbox(messages, events);
        this.claims = new Claims(dialect, messages);
        this.suppressions = new Suppressions(dialect);
        this.tracking = new Tracking(messages, events, tokens);
        this.idempotencyKeys = new IdempotencyKeys(dialect);
        this.sendCounters = new SendCounters(dialect);
        this.mailboxCursors = new MailboxCursors(dialect);
        this.integrations = new Integrations(b.credentialKey == null ? null : CredentialCipher.of(b.credentialKey));
        this.migrator = new SchemaMigrator(dialect, tx);
    }

    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** The dialect in use. */
    public Dialect dialect() {
        return dialect;
    }

    /**
     * Creates or upgrades the schema: applies the versions not yet recorded in
     * {@code crm_email_schema_version}, in order. Safe to call on every start and from several nodes at once.
     *
     * @return how many versions were applied
     */
    public int migrate() {
        return migrator.migrate();
    }

    // ---- messages -------------------------------------------------------------------------------

    @Override
    public EmailMessage enqueue(NewEmail email) {
        Messages.validate(email);
        if (email.metadata().status().isPending()) {
            messages.registerAccount(tx, email.accountId());
        }
        Tx.Work<EmailMessage> insert = c -> messages.insert(c, email);
        return messages.insertsInOneStatement(email) ? tx.autoCommit(insert) : tx.run(insert);
    }

    @Override
    public Optional<EmailMessage> find(long messageId) {
        return tx.autoCommit(c -> messages.find(c, messageId));
    }

    @Override
    public List<EmailMessage> listForRecord(long accountId, RecordRef record) {
        Objects.requireNonNull(record, "record");
        return tx.autoCommit(c -> messages.listForRecord(c, accountId, record));
    }

    @Override
    public List<EmailMessage> findByMessageId(String messageId) {
        if (messageId == null) {
            return List.of();
        }
        return tx.autoCommit(c -> messages.findByMessageId(c, messageId));
    }

    @Override
    public List<EmailMessage> list(long accountId, MessageQuery query) {
        Objects.requireNonNull(query, "query");
        return tx.autoCommit(c -> MessageSearch.list(c, accountId, query));
    }

    @Override
    public List<EmailMessage> thread(long accountId, String threadId) {
        if (threadId == null) {
            return List.of();
        }
        return tx.autoCommit(c -> MessageSearch.thread(c, accountId, threadId));
    }

    @Override
    public InboundStored storeInbound(NewEmail email) {
        Messages.validate(email);
        if (email.metadata().status().isPending()) {
            throw new IllegalArgumentException("an inbound message is not pending: " + email.metadata().status());
        }
        try {
            return tx.run(c -> messages.storeInbound(c, email));
        } catch (JdbcStoreException e) {
            if (!(e.getCause() instanceof SQLException sql && JdbcStoreException.isUniqueViolation(sql))) {
                throw e;
            }
            // Another delivery of the same message won the race between our check and our insert (the unique
            // inbound key refused us, and rolled back everything): answer as the check would have.
            return tx.run(c -> messages.existingInbound(c, email))
                    .map(existing -> new InboundStored(existing, true))
                    .orElseThrow(() -> e);
        }
    }

    @Override
    public long countInboundSince(long accountId, RecordRef record, String fromEmail, Instant since) {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(fromEmail, "fromEmail");
        Objects.requireNonNull(since, "since");
        return tx.autoCommit(c -> messages.countInboundSince(c, accountId, record, fromEmail, since));
    }

    // ---- bounces and suppressions -----------------------------------------------------------------

    @Override
    public Optional<EmailMessage> recordBounce(long messageId, BounceReport report) {
        Objects.requireNonNull(report, "report");
        return tx.run(c -> {
            Optional<Messages.Locked> locked = messages.lock(c, messageId);
            if (locked.isEmpty()) {
                return Optional.empty();
            }
            events.insert(c, report.event(messageId));
            if (report.hard()) {
                EmailMessage message = messages.find(c, messageId).orElseThrow();
                suppressions.add(c, message.accountId(), report.recipient(), "hard_bounce", report.at());
                EmailStatus status = locked.get().status();
                if (status == EmailStatus.SENT || status == EmailStatus.READ) {
                    messages.update(c, locked.get(), locked.get().metadata().toBuilder().status(EmailStatus.BOUNCED)
                            .bouncedAt(Sql.micros(report.at())).error(report.describe()).build());
                }
            }
            return messages.find(c, messageId);
        });
    }

    @Override
    public Suppression suppress(long accountId, String email, String reason, Instant at) {
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(at, "at");
        return tx.run(c -> suppressions.add(c, accountId, email, reason, at));
    }

    @Override
    public Set<String> suppressedAmong(long accountId, Collection<String> emails) {
        Objects.requireNonNull(emails, "emails");
        return tx.autoCommit(c -> suppressions.among(c, accountId, emails));
    }

    @Override
    public List<Suppression> suppressions(long accountId) {
        return tx.autoCommit(c -> suppressions.list(c, accountId));
    }

    @Override
    public boolean unsuppress(long accountId, String email) {
        if (email == null) {
            return false;
        }
        return tx.run(c -> suppressions.remove(c, accountId, email));
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
        Instant at = Sql.micros(now);
        Instant expires = Sql.micros(now.plus(lease));
        return batch(c -> claims.claim(c, at, owner, expires, limit));
    }

    @Override
    public boolean complete(long messageId, String owner, DeliveryUpdate update) {
        Objects.requireNonNull(update, "update");
        return !completeAll(owner, List.of(new Completion(messageId, update))).isEmpty();
    }

    @Override
    public Set<Long> completeAll(String owner, List<Completion> completions) {
        Completion.requireDistinct(completions);
        if (completions.isEmpty()) {
            return Set.of();
        }
        return batch(c -> {
            Set<Long> applied = new LinkedHashSet<>();
            for (List<Completion> slice : Sql.slices(completions)) {
                applied.addAll(outbox.completeAll(c, owner, slice));
            }
            return applied;
        });
    }

    @Override
    public void release(long messageId, String owner) {
        if (owner == null) {
            return;
        }
        tx.run(c -> {
            outbox.release(c, messageId, owner);
            return null;
        });
    }

    @Override
    public boolean startSending(long messageId, String owner, Instant now) {
        Objects.requireNonNull(now, "now");
        if (owner == null) {
            return false;
        }
        return !startSendingAll(List.of(messageId), owner, now).isEmpty();
    }

    @Override
    public Set<Long> startSendingAll(Collection<Long> messageIds, String owner, Instant now) {
        Objects.requireNonNull(messageIds, "messageIds");
        Objects.requireNonNull(now, "now");
        if (owner == null || messageIds.isEmpty()) {
            return Set.of();
        }
        return batch(c -> {
            Set<Long> marked = new LinkedHashSet<>();
            for (List<Long> slice : Sql.slices(List.copyOf(messageIds))) {
                marked.addAll(Outbox.startSending(c, dialect, slice, owner, now));
            }
            return marked;
        });
    }

    @Override
    public Optional<EmailMessage> cancel(long messageId, Instant at) {
        Objects.requireNonNull(at, "at");
        return tx.run(c -> outbox.cancel(c, messageId, at));
    }

    // ---- tokens and events ------------------------------------------------------------------------

    @Override
    public Optional<TrackingToken> findToken(String token) {
        if (token == null) {
            return Optional.empty();
        }
        return tx.autoCommit(c -> tokens.find(c, token));
    }

    @Override
    public List<TrackingToken> tokens(long messageId) {
        return tx.autoCommit(c -> tokens.ofMessage(c, messageId));
    }

    @Override
    public Map<Long, List<TrackingToken>> tokens(Collection<Long> messageIds) {
        Objects.requireNonNull(messageIds, "messageIds");
        if (messageIds.isEmpty()) {
            return Map.of();
        }
        return tx.autoCommit(c -> tokens.ofMessages(c, messageIds));
    }

    @Override
    public boolean recordOpen(EmailEvent event) {
        Objects.requireNonNull(event, "event");
        return tx.run(c -> tracking.open(c, event));
    }

    @Override
    public int recordOpens(List<OpenHit> hits) {
        Objects.requireNonNull(hits, "hits");
        if (hits.isEmpty()) {
            return 0;
        }
        return tx.run(c -> tracking.opens(c, hits));
    }

    @Override
    public boolean recordClick(EmailEvent event) {
        Objects.requireNonNull(event, "event");
        return tx.run(c -> tracking.click(c, event));
    }

    @Override
    public Optional<EmailMessage> recordDelivered(long messageId, Instant at, Map<String, String> details) {
        Objects.requireNonNull(at, "at");
        return tx.run(c -> tracking.delivered(c, messageId, at, details));
    }

    @Override
    public EmailEvent addEvent(EmailEvent event) {
        Objects.requireNonNull(event, "event");
        return tx.run(c -> events.insert(c, event));
    }

    @Override
    public List<EmailEvent> events(long messageId) {
        return tx.autoCommit(c -> events.ofMessage(c, messageId));
    }

    // ---- signatures -------------------------------------------------------------------------------

    @Override
    public Signature saveSignature(Signature signature) {
        Objects.requireNonNull(signature, "signature");
        return tx.run(c -> Signatures.save(c, signature));
    }

    @Override
    public Optional<Signature> findSignature(long id) {
        return tx.autoCommit(c -> Signatures.find(c, id));
    }

    @Override
    public List<Signature> signatures(long accountId, long userId) {
        return tx.autoCommit(c -> Signatures.ofUser(c, accountId, userId));
    }

    @Override
    public boolean deleteSignature(long id) {
        return tx.run(c -> Signatures.delete(c, id));
    }

    // ---- templates --------------------------------------------------------------------------------

    @Override
    public Template saveTemplate(Template template) {
        Objects.requireNonNull(template, "template");
        return tx.run(c -> Templates.save(c, template));
    }

    @Override
    public Optional<Template> findTemplate(long id) {
        return tx.autoCommit(c -> Templates.find(c, id));
    }

    @Override
    public List<Template> templates(long accountId) {
        return tx.autoCommit(c -> Templates.ofAccount(c, accountId));
    }

    @Override
    public boolean deleteTemplate(long id) {
        return tx.run(c -> Templates.delete(c, id));
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
        pruneIdempotencyKeys(now);
        return tx.run(c -> idempotencyKeys.begin(c, accountId, key, requestHash, now, expiresAt, leaseUntil));
    }

    /** In its own transaction, so that the deletes never hold up or fail a request. */
    private void pruneIdempotencyKeys(Instant now) {
        Instant due = nextIdempotencyPrune.get();
        if (now.isBefore(due) || !nextIdempotencyPrune.compareAndSet(due, now.plus(IDEMPOTENCY_PRUNE_INTERVAL))) {
            return;
        }
        tx.run(c -> IdempotencyKeys.prune(c, now));
    }

    @Override
    public void finishIdempotent(long accountId, String key, int status, String body) {
        Objects.requireNonNull(key, "key");
        tx.run(c -> {
            IdempotencyKeys.finish(c, accountId, key, status, body);
            return null;
        });
    }

    @Override
    public void abandonIdempotent(long accountId, String key) {
        Objects.requireNonNull(key, "key");
        tx.run(c -> {
            IdempotencyKeys.abandon(c, accountId, key);
            return null;
        });
    }

    @Override
    public long reserveSends(long accountId, Instant windowStart, int count, long limit) {
        Objects.requireNonNull(windowStart, "windowStart");
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
        // Nearly every reservation adds to the day's open window: one statement, no transaction.
        Long total = tx.autoCommit(c -> sendCounters.add(c, accountId, windowStart, count, limit));
        return total != null ? total : tx.run(c -> sendCounters.reserve(c, accountId, windowStart, count, limit));
    }

    @Override
    public long sendsInWindow(long accountId, Instant windowStart) {
        Objects.requireNonNull(windowStart, "windowStart");
        return tx.autoCommit(c -> SendCounters.sends(c, accountId, windowStart));
    }

    // ---- integrations -----------------------------------------------------------------------------

    @Override
    public SmtpIntegration saveIntegration(SmtpIntegration integration) {
        Objects.requireNonNull(integration, "integration");
        integrations.validate(integration);
        for (int attempt = 1; ; attempt++) {
            try {
                return tx.run(c -> integrations.save(c, integration));
            } catch (JdbcStoreException e) {
                boolean idRace = e.getCause() instanceof SQLException sql && JdbcStoreException.isUniqueViolation(sql);
                if (!idRace || attempt == ID_RACE_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    @Override
    public Optional<SmtpIntegration> findIntegration(long id) {
        return tx.autoCommit(c -> integrations.find(c, id));
    }

    @Override
    public List<SmtpIntegration> integrations(long accountId) {
        return tx.autoCommit(c -> integrations.ofAccount(c, accountId));
    }

    // ---- connected mailboxes ------------------------------------------------------------------------

    @Override
    public List<SmtpIntegration> integrationsWithImap() {
        return tx.autoCommit(integrations::withImap);
    }

    @Override
    public Optional<MailboxCursor> mailboxCursor(long integrationId) {
        return tx.autoCommit(c -> MailboxCursors.find(c, integrationId));
    }

    @Override
    public void saveMailboxCursor(long integrationId, MailboxCursor read, MailboxCursor cursor) {
        Objects.requireNonNull(cursor, "cursor");
        tx.run(c -> {
            mailboxCursors.save(c, integrationId, read, cursor);
            return null;
        });
    }

    /** A transaction of the delivery path over a batch, planned for the tables' current size (see Dialect). */
    private <T> T batch(Tx.Work<T> work) {
        return tx.run(c -> {
            dialect.planForCurrentSize(c);
            return work.run(c);
        });
    }

    @Override
    public String toString() {
        return "JdbcEmailStore[" + dialect + "]";
    }

    /** Configures a {@link JdbcEmailStore}. */
    public static final class Builder {
        private final DataSource dataSource;
        private Dialect dialect;
        private byte[] credentialKey;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /** The database dialect; default: detected from the connection's product name. */
        public Builder dialect(Dialect v) {
            dialect = v;
            return this;
        }

        /**
         * The 32-byte AES-256 key that encrypts integration passwords at rest. Without one, saving an
         * integration with a password is refused. The array is copied; keep the key out of logs and the database.
         */
        public Builder credentialKey(byte[] v) {
            CredentialCipher.of(v);
            credentialKey = v.clone();
            return this;
        }

        public JdbcEmailStore build() {
            return new JdbcEmailStore(this);
        }

        @Override
        public String toString() {
            return "JdbcEmailStore.Builder[dialect=" + dialect + ", credentialKey=" + (credentialKey == null ? "none" : "***") + "]";
        }
    }
}
