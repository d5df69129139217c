package io.crmemail.core.delivery;

import io.crmemail.core.EmailSettings;
import io.crmemail.core.attachment.AttachmentStore;
import io.crmemail.core.compose.MimeComposer;
import io.crmemail.core.dkim.DkimException;
import io.crmemail.core.dkim.MessageSigner;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.message.AttachmentRef;
import io.crmemail.core.message.RecipientResult;
import io.crmemail.core.record.RecordDirectory;
import io.crmemail.core.store.DeliveryJob;
import io.crmemail.core.store.DeliveryUpdate;
import io.crmemail.core.store.EmailStore;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workers that claim due messages from the store, render and compose them, send them through their
 * integration's pooled transport and record the outcome. No store transaction is open while a message is
 * on the wire: claim, send and complete are separate store calls, made per batch or per chunk of a batch
 * rather than per message (see {@link ClaimedBatch}).
 */
public final class DeliveryEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeliveryEngine.class);

    private final EmailStore store;
    private final DeliveryOptions options;
    private final Clock clock;
    private final MessageRenderer renderer;
    private final MimeComposer composer;
    private final MessageSigner signer;
    private final IntegrationTransports transports;
    private final AttachmentStore attachments;
    private final OutcomeMapper outcomes;
    private final Object signal = new Object();
    private final List<Thread> threads = new ArrayList<>();
    /** Messages announced by {@link #wake} so far (a running count, never reset); guarded by {@link #signal}. */
    private long wakeSeq;
    private volatile boolean running;
    private volatile boolean closing;

    public DeliveryEngine(EmailStore store, RecordDirectory records, AttachmentStore attachments,
                          MailTransportFactory transportFactory, EmailSettings settings, DeliveryOptions options,
                          Clock clock) {
        this.store = store;
        this.options = options;
        this.clock = clock;
        this.renderer = new MessageRenderer(records, settings);
        this.composer = new MimeComposer(Session.getInstance(new Properties()), attachments);
        this.signer = new MessageSigner(clock);
        this.attachments = attachments;
        this.transports = new IntegrationTransports(transportFactory);
        this.outcomes = new OutcomeMapper();
    }

    /** Starts the worker threads (none when {@code workers == 0}). */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        for (int i = 0; i < options.workers(); i++) {
            Thread thread = new Thread(this::workLoop, "crm-email-delivery-" + (i + 1));
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /** Tells idle workers to look for work now (called after every enqueue). */
    public void wake() {
        wake(1);
    }

    /** Tells idle workers that {@code messages} new messages are waiting (a batch enqueue). */
    public void wake(int messages) {
        synchronized (signal) {
            wakeSeq += Math.max(1, messages);
            signal.notifyAll();
        }
    }

    /**
     * Claims one batch of due messages and delivers it in the calling thread.
     *
     * @return how many messages were claimed
     */
    public int runOnce() {
        // One lease owner per thread, not per node: two workers of a node must never both hold one message.
        String owner = options.nodeId() + "#" + Thread.currentThread().getId();
        List<DeliveryJob> jobs = store.claimDue(clock.instant(), owner, options.lease(), options.batchSize());
        // A batch mostly shares one integration: load each once per batch, not once per message (a store
        // round trip and a credential decryption each). A change made meanwhile applies from the next batch.
        Map<Long, Optional<SmtpIntegration>> integrations = new HashMap<>();
        ClaimedBatch batch = new ClaimedBatch(store, clock, owner, options.lease(), jobs);
        try {
            for (int i = 0; i < jobs.size(); i++) {
                if (closing) {
                    // Shutting down: hand back what we have not started, so another node need not wait for the lease.
                    jobs.subList(i, jobs.size()).forEach(j -> store.release(j.messageId(), owner));
                    break;
                }
                deliver(jobs.get(i), batch, integrations);
            }
        } finally {
            batch.flush();
        }
        return jobs.size();
    }

    private void workLoop() {
        while (running) {
            long before = wakeSeq();
            try {
                int claimed = runOnce();
                if (claimed >= options.batchSize()) {
                    continue;
                }
                // Nothing due: wait for a send (or the poll interval). Partial batch: sends are trickling in.
                // Either way, let the next batch gather before claiming it.
                if (claimed > 0 || awaitWake(before)) {
                    linger(before);
                }
            } catch (RuntimeException e) {
                // The store may be briefly unreachable; back off one poll interval and try again.
                log.warn("delivery round failed", e);
                awaitWake(wakeSeq());
            }
        }
    }

    private long wakeSeq() {
        synchronized (signal) {
            return wakeSeq;
        }
    }

    /** Waits for a send announced after {@code seen}, or the poll interval; true when there was one. */
    private boolean awaitWake(long seen) {
        synchronized (signal) {
            if (wakeSeq == seen && running) {
                try {
                    signal.wait(Math.max(1, options.pollInterval().toMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
            return wakeSeq != seen;
        }
    }

    /**
     * Waits up to the linger, or until a batch's worth of sends has been announced since {@code seen} (each worker
     * counts from its own last claim): claiming one message per round trip while a host enqueues steadily would
     * cost a claim's statements per message.
     */
    private void linger(long seen) {
        long deadline = System.nanoTime() + options.linger().toNanos();
        synchronized (signal) {
            try {
                long left;
                while (running && wakeSeq - seen < options.batchSize()
                        && (left = deadline - System.nanoTime()) > 0) {
                    signal.wait(left / 1_000_000, (int) (left % 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }

    private void deliver(DeliveryJob job, ClaimedBatch batch, Map<Long, Optional<SmtpIntegration>> integrations) {
        // Before the rate-limit wait and the transmission: earlier outcomes must not wait through both.
        batch.flushDue();
        Instant started = clock.instant();
        // Every transient failure of an attempt backs off alike, with its transport's policy once that is known:
        // a direct-delivery message must not give up after the engine's few attempts over a store hiccup.
        RetryPolicy policy = options.retryPolicy();
        DeliveryUpdate update;
        try {
            SmtpIntegration integration = integrations
                    .computeIfAbsent(job.message().metadata().smtpIntegrationId(), store::findIntegration)
                    .filter(i -> i.accountId() == job.message().accountId())
                    .orElse(null);
            if (integration == null) {
                update = outcomes.drop(job, "SMTP integration " + job.message().metadata().smtpIntegrationId()
                        + " no longer exists", null, started);
            } else {
                MailTransport transport = transports.transport(integration);
                policy = transport.retryPolicy().orElse(policy);
                update = attempt(job, batch, started, integration, transport, policy);
            }
        } catch (RuntimeException e) {
            log.warn("delivering message {} failed unexpectedly", job.messageId(), e);
            update = outcomes.transientFailure(job, "internal error: " + e, null, clock.instant(), policy);
        }
        if (update != null) {
            batch.complete(job, update);
        }
    }

    /** One transmission attempt; null when the message must not be sent any more (cancelled). */
    private DeliveryUpdate attempt(DeliveryJob job, ClaimedBatch batch, Instant now, SmtpIntegration integration,
                                   MailTransport transport, RetryPolicy policy) {
        // Attachment bytes are only read on the wire; a file gone missing would fail every retry alike.
        for (AttachmentRef attachment : job.message().metadata().attachments()) {
            if (!attachments.exists(attachment.path())) {
                return outcomes.drop(job, "attachment no longer exists: " + attachment.path(), null, now);
            }
        }
        MessageRenderer.Rendered rendered;
        try {
            rendered = renderer.render(job.message(), integration, batch.tokens(job), now);
        } catch (MessageRenderer.UnrenderableException e) {
            return outcomes.drop(job, e.getMessage(), null, now);
        } catch (RuntimeException e) {
            // The host's records or our store hiccupped: that passes, so the message waits for a retry.
            return outcomes.transientFailure(job, "could not load the record: " + e.getMessage(), null, now, policy);
        }
        MimeMessage mime;
        try {
            mime = composer.compose(rendered.email());
        } catch (MessagingException | IllegalArgumentException e) {
            // Composing a stored message fails the same way every time: do not retry.
            return outcomes.drop(job, "could not compose the message: " + e.getMessage(), null, now);
        }
        try {
            signer.sign(mime, integration);
        } catch (DkimException e) {
            // A key that does not parse is the integration's to fix: retry, never send unsigned or drop silently.
            log.warn("message {} not signed: {}", job.messageId(), e.getMessage());
            return outcomes.transientFailure(job, e.getMessage(), null, now, policy);
        }
        Envelope envelope = rendered.envelope();
        List<RecipientResult> skipped = suppressedRecipients(job, envelope, batch);
        if (!skipped.isEmpty()) {
            List<String> remaining = envelope.recipients().stream()
                    .filter(r -> skipped.stream().noneMatch(s -> s.email().equals(r))).toList();
            if (remaining.isEmpty()) {
                return outcomes.suppressed(job, skipped, now);
            }
            envelope = new Envelope(envelope.mailFrom(), remaining);
        }
        if (!transports.acquire(integration)) {
            return outcomes.transientFailure(job, "interrupted while waiting for the rate limit", null, now, policy);
        }
        // Last look before the wire: a cancel after the claim removes the outbox entry and must win.
        if (!batch.startSending(job)) {
            return null;
        }
        TransportResult result = transport.send(mime, envelope);
        return outcomes.map(job, result, clock.instant(), skipped, policy)
                .withRenderedSubject(rendered.email().subject());
    }

    /** Recipients on the account's suppression list (hard bounces, manual), as results that say so. */
    private List<RecipientResult> suppressedRecipients(DeliveryJob job, Envelope envelope, ClaimedBatch batch) {
        Set<String> suppressed = batch.suppressedAmong(job, envelope.recipients());
        if (suppressed.isEmpty()) {
            return List.of();
        }
        return envelope.recipients().stream()
                .filter(r -> suppressed.contains(r.toLowerCase(Locale.ROOT)))
                .map(r -> new RecipientResult(r, false, 0, "suppressed"))
                .toList();
    }

    /**
     * Stops claiming, lets in-flight sends finish (up to the shutdown timeout), hands back unstarted
     * claims and closes all connections.
     */
    @Override
    public void close() {
        List<Thread> toJoin;
        synchronized (this) {
            closing = true;
            running = false;
            toJoin = new ArrayList<>(threads);
        }
        wake();
        long deadline = System.nanoTime() + options.shutdownTimeout().toNanos();
        for (Thread thread : toJoin) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                if (thread.isAlive()) {
                    thread.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            threads.clear();
        }
        transports.close();
    }
}
