package io.crmemail.core;

import io.crmemail.core.attachment.AttachmentStore;
import io.crmemail.core.delivery.DeliveryEngine;
import io.crmemail.core.delivery.DeliveryOptions;
import io.crmemail.core.delivery.MailTransportFactory;
import io.crmemail.core.delivery.RetryPolicy;
import io.crmemail.core.delivery.SmtpTransportFactory;
import io.crmemail.core.dkim.DkimKeys;
import io.crmemail.core.direct.DirectDeliveryOptions;
import io.crmemail.core.direct.DirectDeliveryTransport;
import io.crmemail.core.integration.IntegrationKind;
import io.crmemail.core.inbound.InboundCounts;
import io.crmemail.core.inbound.InboundLimits;
import io.crmemail.core.inbound.InboundProcessor;
import io.crmemail.core.inbound.InboundResult;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.integration.SmtpOption;
import io.crmemail.core.mailbox.RefreshingTokenProvider;
import io.crmemail.core.mailbox.MailboxPollCounts;
import io.crmemail.core.mailbox.MailboxPoller;
import io.crmemail.core.mailbox.TokenProvider;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.record.RecordContext;
import io.crmemail.core.record.RecordDirectory;
import io.crmemail.core.signature.Signature;
import io.crmemail.core.signature.SignatureRequest;
import io.crmemail.core.signature.SignatureService;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.Suppression;
import io.crmemail.core.store.InMemoryEmailStore;
import io.crmemail.core.store.MessageQuery;
import io.crmemail.core.template.Template;
import io.crmemail.core.template.TemplateRequest;
import io.crmemail.core.template.TemplateService;
import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.ClickTracker;
import io.crmemail.core.tracking.OpenRecording;
import io.crmemail.core.tracking.OpenTracker;
import io.crmemail.core.tracking.Unsubscriber;
import io.crmemail.core.tracking.TrackingCounts;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The one façade a host calls: send from a record, read a record's emails, signatures, SMTP options and
 * tracking. Built from SPIs with {@link #builder()}; {@link #start()} starts the delivery workers and
 * {@link #close()} stops them gracefully.
 *
 * <pre>{@code
 * EmailService email = EmailService.builder()
 *         .records(myRecordDirectory)
 *         .attachments(new FileSystemAttachmentStore(Path.of("data/attachments")))
 *         .publicBaseUrl("https://crm.example.com")
 *         .replyDomain("reply.crm.example.com")
 *         .build();
 * email.start();
 * SendResult sent = email.send(new Caller(1, 42), SendRequest.builder()
 *         .record(123, 456).integration(7).from("Sales", "sales@acme.com")
 *         .to("Jane <lead@example.org>").subject("Welcome {{field:title}}").body("<p>Hi</p>").build());
 * }</pre>
 */
public final class EmailService implements AutoCloseable {

    /** The most messages {@link #list} returns at once. */
    public static final int MAX_LIST_LIMIT = 100;
    private static final int DEFAULT_LIST_LIMIT = 50;
    /** Any node may deliver, so {@link #awaitFirstAttempt} watches the store, at this interval. */
    private static final long AWAIT_POLL_MILLIS = 25;

    private final EmailStore store;
    private final RecordDirectory records;
    private final Clock clock;
    private final SendValidator validator;
    private final OutboundEnqueuer enqueuer;
    private final SignatureService signatures;
    private final OpenTracker openTracker;
    private final ClickTracker clickTracker;
    private final Unsubscriber unsubscriber;
    private final DeliveryEngine engine;
    private final InboundProcessor inbound;
    private final IdempotencyKeys idempotencyKeys;
    private final SendCaps caps;
    private final MessageAcceptor messages;
    private final Uploads uploads;
    private final TemplateService templates;
    private final TokenProvider tokenProvider;
    private final MailboxPoller mailboxes;
    private final boolean mailboxPolling;
    private final Duration shutdownTimeout;

    private EmailService(Builder b) {
        this.store = b.store;
        this.records = b.records;
        this.clock = b.clock;
        EmailSettings settings = new EmailSettings(b.publicBaseUrl, b.replyDomain, b.limits);
        this.validator = new SendValidator(b.records, b.store, b.attachments, settings.limits(), b.clock);
        this.enqueuer = new OutboundEnqueuer(b.store, settings, b.clock);
        this.signatures = new SignatureService(b.store, b.clock, settings.limits().maxSignatureBytes());
        this.openTracker = new OpenTracker(b.store, b.clock, b.openRecording);
        this.shutdownTimeout = b.shutdownTimeout;
        this.clickTracker = new ClickTracker(b.store, b.clock);
        this.unsubscriber = new Unsubscriber(b.store, b.clock);
        this.idempotencyKeys = new IdempotencyKeys(b.store, b.clock);
        this.caps = new SendCaps(b.store, b.sendLimits, b.clock);
        this.uploads = new Uploads(b.attachments, settings.limits());
        MessageAttachments messageAttachments = new MessageAttachments(b.attachments, uploads, settings.limits());
        this.messages = new MessageAcceptor(new MessageValidator(b.records, b.store, messageAttachments,
                settings.limits(), b.clock), messageAttachments, caps, enqueuer);
        this.templates = new TemplateService(b.store, b.clock, settings.limits());
        this.tokenProvider = b.tokenProvider;
        this.inbound = new InboundProcessor(b.store, b.records, b.attachments, b.replyDomain, b.inboundLimits,
                b.spoolDirectory, b.clock);
        this.engine = new DeliveryEngine(b.store, b.records, b.attachments, b.transports, settings,
                new DeliveryOptions(b.workers, b.batchSize, b.lease, b.pollInterval, b.retryPolicy, b.nodeId,
                        b.shutdownTimeout, b.linger), b.clock);
        this.mailboxes = new MailboxPoller(b.store, b.tokenProvider, inbound::receive);
        this.mailboxPolling = b.mailboxPolling;
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---- sending ----------------------------------------------------------------------------------

    /**
     * Validates and accepts a message from a record: in one store operation the {@code email_out}
     * comment (status {@code queued}, or {@code scheduled}), its outbox entry and its tokens are created.
     * Transmission happens later, on a worker. It counts against the send caps like {@link #sendMessage}.
     *
     * @throws RateLimitedException over a send cap
     * @throws EmailException with a code and the field at fault when the request is not acceptable
     */
    public SendResult send(Caller caller, SendRequest request) {
        Objects.requireNonNull(caller, "caller");
        if (request == null) {
            throw EmailException.validation(null, "request body is required");
        }
        Outbound valid = validator.validate(caller, request);
        caps.reserve(caller.accountId(), 1);
        EmailMessage comment = enqueuer.enqueue(caller, valid);
        engine.wake();
        return new SendResult(comment.id(), comment.status(), comment);
    }

    /**
     * Cancels a message that has not been sent yet, even one a worker has claimed, as long as the worker has
     * not started transmitting it.
     *
     * @throws EmailException not_found for an unknown id, conflict when it is no longer pending or is being
     *                        transmitted right now
     */
    public EmailMessage cancel(Caller caller, long messageId) {
        visible(caller, messageId);
        EmailMessage after = store.cancel(messageId, clock.instant())
                .orElseThrow(() -> EmailException.notFound("id", "unknown email " + messageId));
        if (after.status() != io.crmemail.core.message.EmailStatus.CANCELLED) {
            // Still pending after a cancel means a worker holds it on the wire (the store's "being sent" mark).
            String state = after.status().isPending() ? "is being sent" : "is already " + after.status().wire();
            throw new EmailException(ErrorCode.CONFLICT, "id",
                    "email " + messageId + " " + state + " and can no longer be cancelled");
        }
        return after;
    }

    // ---- the /api/v1 surface ------------------------------------------------------------------------

    /**
     * Validates and accepts a {@link MessageRequest}: resolves the integration from {@code from}, renders the
     * template and variables, joins or starts a conversation, stores inline attachments, counts it against the
     * send caps, and enqueues it like {@link #send}.
     *
     * @throws RateLimitedException over a send cap
     * @throws EmailException       validation_error / not_found / insufficient_permissions naming the field
     */
    public EmailMessage sendMessage(Caller caller, MessageRequest request) {
        Objects.requireNonNull(caller, "caller");
        EmailMessage accepted = messages.accept(caller, request);
        engine.wake();
        return accepted;
    }

    /**
     * Accepts each entry on its own: a refused entry is reported in its {@link BatchEntry} (its error's fields
     * are the entry's own, e.g. {@code to[0]}) and does not stop the others. The accepted entries count against
     * the send caps together, up front. Entries are returned in request order.
     *
     * @throws EmailException       validation_error on {@code messages} for no entries or more than 500
     * @throws RateLimitedException when the batch does not fit under a cap (nothing accepted)
     */
    public List<BatchEntry> sendBatch(Caller caller, List<MessageRequest> requests) {
        Objects.requireNonNull(caller, "caller");
        List<BatchEntry> entries = messages.acceptBatch(caller, requests);
        engine.wake((int) entries.stream().filter(e -> e.message() != null).count());
        return entries;
    }

    /**
     * Waits up to {@code max} for the first delivery attempt of a message (any node), returning it as it then
     * is: still pending when no attempt finished in time. The attempt has finished when the message is no
     * longer pending, or is pending again with the error of a failed attempt (a retry).
     *
     * @throws EmailException not_found unless the message is the caller's account's
     */
    public EmailMessage awaitFirstAttempt(Caller caller, long messageId, Duration max) {
        EmailMessage message = visible(caller, messageId);
        engine.wake();
        long deadline = System.nanoTime() + (max == null || max.isNegative() ? 0 : max.toNanos());
        while (!firstAttemptDone(message) && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(Math.max(1, Math.min(AWAIT_POLL_MILLIS, (deadline - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            message = visible(caller, messageId);
        }
        return message;
    }

    private static boolean firstAttemptDone(EmailMessage message) {
        // attempts counts from the claim, before the outcome is known: a message being sent has attempts 1 too.
        return !message.status().isPending() || message.metadata().attempts() > 0 && message.metadata().error() != null;
    }

    /**
     * The account's messages matching the query, newest first.
     *
     * @throws EmailException validation_error on {@code limit} above {@value #MAX_LIST_LIMIT}
     */
    public List<EmailMessage> list(Caller caller, MessageQuery query) {
        MessageQuery q = query == null ? MessageQuery.latest(DEFAULT_LIST_LIMIT) : query;
        if (q.limit() > MAX_LIST_LIMIT) {
            throw EmailException.validation("limit", "limit must be between 1 and " + MAX_LIST_LIMIT);
        }
        return store.list(caller.accountId(), q);
    }

    /**
     * A conversation's messages, outbound and inbound, oldest first.
     *
     * @throws EmailException validation_error on {@code thread_id} when blank, not_found when the account has no
     *                        such conversation
     */
    public List<EmailMessage> thread(Caller caller, String threadId) {
        if (threadId == null || threadId.isBlank()) {
            throw EmailException.validation("thread_id", "thread_id is required");
        }
        List<EmailMessage> thread = store.thread(caller.accountId(), threadId);
        if (thread.isEmpty()) {
            throw EmailException.notFound("thread_id", "unknown thread " + threadId);
        }
        return thread;
    }

    /** Where the account stands against its daily cap (for X-RateLimit-* headers). */
    public SendQuota quota(Caller caller) {
        return caps.quota(caller.accountId());
    }

    /** Idempotency keys for the HTTP layer. */
    public IdempotencyKeys idempotencyKeys() {
        return idempotencyKeys;
    }

    /**
     * Stores an uploaded file for later {@code storage_key} attachments of the caller's account, streaming it to
     * the attachment store. The name loses any directory part; the type defaults to a guess from the name.
     *
     * @throws EmailException validation_error on {@code filename} or {@code content_type}, payload_too_large on
     *                        {@code file} over {@link Limits#maxAttachmentBytes()} (nothing is kept)
     */
    public StoredUpload upload(Caller caller, String filename, String contentType, InputStream content) {
        return uploads.upload(caller, filename, contentType, content);
    }

    /**
     * Deletes one of the account's uploads (one a failed request stored, say). Another account's key or a key
     * that is not an upload's is refused; a key with no file is fine.
     *
     * @throws EmailException validation_error naming {@code storage_key}
     */
    public void deleteUpload(Caller caller, String storageKey) {
        String problem = Uploads.keyProblem(storageKey, caller.accountId());
        if (problem != null) {
            throw EmailException.validation("storage_key", "storage_key " + problem);
        }
        uploads.deleteQuietly(storageKey);
    }

    // ---- templates --------------------------------------------------------------------------------

    /** The account's templates, by id. */
    public List<Template> templates(Caller caller) {
        return templates.list(caller.accountId());
    }

    /** @throws EmailException not_found on {@code id} unless the template is the account's */
    public Template template(Caller caller, long id) {
        return templates.get(caller.accountId(), id);
    }

    /** @throws EmailException validation_error / payload_too_large naming the field, conflict on {@code name} */
    public Template createTemplate(Caller caller, TemplateRequest request) {
        return templates.create(caller.accountId(), request);
    }

    /** @throws EmailException not_found, validation_error / payload_too_large, conflict on {@code name} */
    public Template updateTemplate(Caller caller, long id, TemplateRequest request) {
        return templates.update(caller.accountId(), id, request);
    }

    /** @throws EmailException not_found unless the template is the account's */
    public void deleteTemplate(Caller caller, long id) {
        templates.delete(caller.accountId(), id);
    }

    // ---- reading ----------------------------------------------------------------------------------

    /** The record's email comments with their metadata, newest last. */
    public List<EmailMessage> comments(Caller caller, long tableId, long recordId) {
        RecordLookup.table(records, caller, tableId);
        return store.listForRecord(caller.accountId(), new io.crmemail.core.message.RecordRef(tableId, recordId));
    }

    /** One email of the caller's account. @throws EmailException not_found */
    public EmailMessage get(Caller caller, long messageId) {
        return visible(caller, messageId);
    }

    /** A message's events, oldest first. @throws EmailException not_found */
    public List<EmailEvent> events(Caller caller, long messageId) {
        visible(caller, messageId);
        return store.events(messageId);
    }

    /** The compose modal's data: the record's email values and its mergeable fields. */
    public RecordContext recordContext(Caller caller, Long tableId, Long recordId) {
        return RecordContexts.of(records, caller, tableId, recordId);
    }

    /**
     * The integrations the caller may send through, without credentials: the account's with at least one
     * from-domain, and the caller's own connected mailboxes (never another user's).
     */
    public List<SmtpOption> smtpOptions(Caller caller) {
        return store.integrations(caller.accountId()).stream()
                .filter(i -> i.usableBy(caller.userId()))
                .filter(i -> !i.fromDomains().isEmpty() || i.kind().isOAuthMailbox())
                .map(SmtpIntegration::toOption)
                .toList();
    }

    // ---- signatures -------------------------------------------------------------------------------

    public List<Signature> signatures(Caller caller) {
        return signatures.list(caller.accountId(), caller.userId());
    }

    public Signature createSignature(Caller caller, SignatureRequest request) {
        return signatures.create(caller.accountId(), caller.userId(), request);
    }

    /** @throws EmailException not_found unless the signature is the caller's */
    public Signature updateSignature(Caller caller, long id, SignatureRequest request) {
        return signatures.update(caller.accountId(), caller.userId(), id, request);
    }

    /** @throws EmailException not_found unless the signature is the caller's */
    public void deleteSignature(Caller caller, long id) {
        signatures.delete(caller.accountId(), caller.userId(), id);
    }

    // ---- tracking ---------------------------------------------------------------------------------

    /**
     * Records a pixel hit. Never throws and returns nothing, so a caller cannot tell a known token from an
     * unknown one. The first hit on a {@code sent} message makes it {@code read}. By default the hit is queued
     * and written in a batch shortly after this returns (see {@link Builder#openRecording}); use
     * {@link #flushTracking()} to wait for it.
     */
    public void trackOpen(String token, String userAgent, String ipAddress) {
        openTracker.hit(token, userAgent, ipAddress);
    }

    /**
     * Waits until the pixel hits tracked before this call are written to the store, at most the shutdown
     * timeout. Returns false when they are not all written by then. Returns at once when opens are recorded
     * synchronously.
     */
    public boolean flushTracking() {
        return openTracker.flush(shutdownTimeout);
    }

    /** Pixel-hit counters since start: queued, pending, written, dropped (queue full), failed. */
    public TrackingCounts trackingCounts() {
        return openTracker.counts();
    }

    /**
     * Records a click on a tracked link and returns the URL it stands for, exactly as it was in the message
     * we sent; empty for an unknown token (never a redirect to anything else). A click that cannot be recorded
     * still returns the URL. The first click by a person stamps {@code firstClickedAt}; scanners' clicks are
     * recorded as automated and stamp nothing.
     *
     * @throws RuntimeException when the store cannot look the token up (answer 503: the link is not unknown)
     */
    public java.util.Optional<String> trackClick(String token, String userAgent, String ipAddress) {
        return clickTracker.hit(token, userAgent, ipAddress);
    }

    /**
     * The address a one-click unsubscribe token stands for, changing nothing (what a confirmation page shows);
     * empty for an unknown token.
     *
     * @throws RuntimeException when the store cannot look the token up (answer 503: the link is not unknown)
     */
    public java.util.Optional<String> unsubscribeRecipient(String token) {
        return unsubscriber.recipient(token);
    }

    /**
     * Unsubscribes the one recipient of the message a {@code List-Unsubscribe} token belongs to: the address
     * enters the account's suppression list (reason {@code unsubscribe}; later sends to it are dropped) and the
     * message gets an {@code unsubscribed} event. Repeating it is harmless. Call it for a POST only, never for
     * a GET: link scanners follow links.
     *
     * @return the suppressed address; empty for an unknown token
     * @throws RuntimeException when the store fails (answer 503: nothing was promised)
     */
    public java.util.Optional<String> unsubscribe(String token, String userAgent, String ipAddress) {
        return unsubscriber.unsubscribe(token, userAgent, ipAddress);
    }

    // ---- inbound ----------------------------------------------------------------------------------

    /**
     * Receives a raw RFC 822 message (a reply, usually): routes it by its {@code reply-{token}@} address or,
     * failing that, by In-Reply-To/References to a message we sent, and stores it as an {@code email_in}
     * comment under that message on its record. Never throws: unroutable, oversized or broken mail is
     * dropped (see the result's reason), a second delivery of the same message is a duplicate, and when our
     * side fails (store or disk) the result is {@code FAILED}: tell the sender to deliver it again.
     */
    public InboundResult receive(InputStream rfc822) {
        if (rfc822 == null) {
            return InboundResult.dropped("no message");
        }
        return inbound.receive(rfc822);
    }

    /** Inbound counters since start: stored, duplicates, dropped. */
    public InboundCounts inboundCounts() {
        return inbound.counts();
    }

    /**
     * Polls every connected mailbox (integrations with {@link SmtpIntegration#imap()}) once, now, in the calling
     * thread, and feeds new messages into {@link #receive}, scoped to the mailbox's account (mail that threads to
     * another account's message is dropped, never filed there): for hosts that schedule polling themselves (cron)
     * and for tests. A mailbox that cannot be read is counted in {@link MailboxPollCounts#mailboxErrors()} and does not
     * stop the others. The first poll of a mailbox only notes where it stands (see docs/imap-polling.md).
     */
    public MailboxPollCounts pollMailboxes() {
        return mailboxes.pollAll();
    }

    // ---- suppressions --------------------------------------------------------------------------------

    /** The account's suppressed addresses (hard bounces, unsubscribes and manual entries), oldest first. */
    public List<Suppression> suppressions(Caller caller) {
        return store.suppressions(caller.accountId());
    }

    /** Suppresses an address by hand: later sends skip it. */
    public Suppression suppress(Caller caller, String email, String reason) {
        Mailbox mailbox;
        try {
            mailbox = Mailbox.parse(email);
        } catch (IllegalArgumentException e) {
            throw EmailException.validation("email", "email " + e.getMessage());
        }
        String why = reason == null || reason.isBlank() ? "manual" : reason.strip();
        if (FieldChecks.hasControl(why) || why.length() > 200) {
            throw EmailException.validation("reason", "reason must be one line of at most 200 characters");
        }
        return store.suppress(caller.accountId(), mailbox.email(), why, clock.instant());
    }

    /** Lifts a suppression. @throws EmailException not_found when the address is not suppressed */
    public void unsuppress(Caller caller, String email) {
        if (email == null || !store.unsuppress(caller.accountId(), email.strip())) {
            throw EmailException.notFound("email", "not suppressed: " + email);
        }
    }

    // ---- administration ---------------------------------------------------------------------------

    /**
     * Creates ({@code id == 0}) or replaces an SMTP integration.
     *
     * @throws EmailException validation_error (field {@code dkim[i].privateKey}) when a DKIM key does not parse
     */
    public SmtpIntegration saveIntegration(SmtpIntegration integration) {
        DkimKeys.checkAll(integration.dkim());
        SmtpIntegration saved = store.saveIntegration(integration);
        if (saved.imap() != null) {
            mailboxes.wake();
        }
        return saved;
    }

    /** The access tokens of connected mailboxes, for hosts that reach them otherwise too (IMAP, say). */
    public TokenProvider tokenProvider() {
        return tokenProvider;
    }

    // ---- delivery lifecycle ----------------------------------------------------------------------

    /** Starts the delivery workers and, unless switched off, the polling of connected mailboxes. */
    public EmailService start() {
        engine.start();
        if (mailboxPolling) {
            mailboxes.start();
        }
        return this;
    }

    /**
     * Delivers one batch of due messages in the calling thread, for hosts that run delivery themselves
     * (workers = 0) and for tests. Returns how many messages were attempted.
     */
    public int deliverDue() {
        return engine.runOnce();
    }

    /**
     * Stops mailbox polling and the workers after their in-flight polls and sends, and closes all SMTP
     * connections; writes the queued pixel hits first (later hits are written synchronously).
     */
    @Override
    public void close() {
        try {
            openTracker.close(shutdownTimeout);
        } finally {
            mailboxes.close();
            engine.close();
        }
    }

    private EmailMessage visible(Caller caller, long messageId) {
        return store.find(messageId)
                .filter(m -> m.accountId() == caller.accountId())
                .orElseThrow(() -> EmailException.notFound("id", "unknown email " + messageId));
    }

    /** Builds an {@link EmailService}. Only {@link #records} and {@link #attachments} are required. */
    public static final class Builder {
        private EmailStore store;
        private RecordDirectory records;
        private AttachmentStore attachments;
        private MailTransportFactory transports;
        private TokenProvider tokenProvider;
        private DirectDeliveryOptions directDelivery;
        private String publicBaseUrl = "http://localhost:8080";
        private String replyDomain;
        private Limits limits = Limits.defaults();
        private Clock clock = Clock.systemUTC();
        private int workers = 2;
        private int batchSize = 50;
        private Duration lease = Duration.ofMinutes(5);
        private Duration pollInterval = Duration.ofSeconds(1);
        private Duration linger = DeliveryOptions.DEFAULT_LINGER;
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private String nodeId;
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private InboundLimits inboundLimits = InboundLimits.defaults();
        private Path spoolDirectory = Path.of(System.getProperty("java.io.tmpdir"));
        private SendLimits sendLimits = SendLimits.defaults();
        private boolean mailboxPolling = true;
        private OpenRecording openRecording = OpenRecording.DEFAULT;

        private Builder() {
        }

        /** Where everything is kept. Default: a new {@link InMemoryEmailStore}. */
        public Builder store(EmailStore v) { store = v; return this; }
        /** The host's tables and records (required). */
        public Builder records(RecordDirectory v) { records = v; return this; }
        /** Where attachment bytes live (required). */
        public Builder attachments(AttachmentStore v) { attachments = v; return this; }
        /**
         * Makes the transport of each integration. Default: {@link DirectDeliveryTransport} for integrations of
         * kind {@code direct}, {@link SmtpTransportFactory} for all others. A factory given here makes them all,
         * unless {@link #directDelivery} is set too: then direct integrations still go to direct delivery. An
         * {@code SmtpTransportFactory} without a token provider gets {@link #tokenProvider}'s.
         */
        public Builder transports(MailTransportFactory v) { transports = v; return this; }
        /**
         * Access tokens for connected Gmail / Office 365 mailboxes (SMTP and IMAP XOAUTH2). Default: a
         * {@link RefreshingTokenProvider} over this service's store and clock, refreshing with each mailbox's
         * stored refresh token.
         */
        public Builder tokenProvider(TokenProvider v) { tokenProvider = v; return this; }
        /**
         * How {@code direct} integrations deliver (MX resolver, EHLO name, port, backoff). Default:
         * {@link DirectDeliveryOptions#defaults()}. Setting it also routes direct integrations to direct delivery
         * when {@link #transports} is a factory of the host's own.
         */
        public Builder directDelivery(DirectDeliveryOptions v) {
            directDelivery = Objects.requireNonNull(v, "directDelivery");
            return this;
        }
        /** Base of tracking links, e.g. {@code https://crm.example.com}. */
        public Builder publicBaseUrl(String v) { publicBaseUrl = v; return this; }
        /** Catch domain for reply routing; without it messages carry no reply token address. */
        public Builder replyDomain(String v) { replyDomain = v; return this; }
        public Builder limits(Limits v) { limits = v; return this; }
        public Builder clock(Clock v) { clock = v; return this; }
        /** Delivery worker threads (default 2); 0 means the host calls {@link EmailService#deliverDue()}. */
        public Builder workers(int v) { workers = v; return this; }
        /** Messages claimed per store round trip (default 50). */
        public Builder batchSize(int v) { batchSize = v; return this; }
        /** Claim lease (default 5 minutes): a crashed node's messages are taken over after it. */
        public Builder lease(Duration v) { lease = v; return this; }
        /** How often idle workers look for due messages (default 1 s). */
        public Builder pollInterval(Duration v) { pollInterval = v; return this; }
        /**
         * How long a worker woken by a send lets more sends gather before it claims (default 10 ms, at most 10 s;
         * it stops waiting as soon as a batch's worth has arrived). While a host enqueues steadily, workers then claim
         * whole batches instead of one message per claim; {@code Duration.ZERO} claims at once.
         */
        public Builder linger(Duration v) { linger = v; return this; }
        public Builder retryPolicy(RetryPolicy v) { retryPolicy = v; return this; }
        /** This node's lease owner name (default: random), unique among nodes sharing a store. */
        public Builder nodeId(String v) { nodeId = v; return this; }
        public Builder shutdownTimeout(Duration v) { shutdownTimeout = v; return this; }
        /** Caps on inbound mail (size, header size, part count, nesting). */
        public Builder inboundLimits(InboundLimits v) { inboundLimits = v; return this; }
        /** Where inbound mail is spooled while it is parsed (default: java.io.tmpdir). */
        public Builder spoolDirectory(Path v) { spoolDirectory = v; return this; }
        /** Per-account send caps (default 1,000 per second per node, 1,000,000 per UTC day). */
        public Builder sendLimits(SendLimits v) { sendLimits = Objects.requireNonNull(v, "sendLimits"); return this; }
        /**
         * Whether {@link EmailService#start()} polls the IMAP mailboxes of integrations with {@code imap} settings
         * on a daemon thread, each every its {@code pollInterval} (default true; with no such integration the
         * thread only looks for new ones every 30 s). {@link EmailService#pollMailboxes()} works either way.
         */
        public Builder mailboxPolling(boolean v) { mailboxPolling = v; return this; }
        /**
         * How pixel hits are written (default {@link OpenRecording#DEFAULT}: a queue of 10,000 hits written in
         * batches of up to 256 by a background thread; {@link OpenRecording#synchronous()} writes each hit
         * before {@link EmailService#trackOpen} returns).
         */
        public Builder openRecording(OpenRecording v) {
            openRecording = Objects.requireNonNull(v, "openRecording");
            return this;
        }

        public EmailService build() {
            Objects.requireNonNull(records, "records (RecordDirectory) is required");
            Objects.requireNonNull(attachments, "attachments (AttachmentStore) is required");
            if (store == null) {
                store = new InMemoryEmailStore();
            }
            if (tokenProvider == null) {
                tokenProvider = RefreshingTokenProvider.builder().store(store).clock(clock).build();
            }
            if (transports == null) {
                transports = byKind(new SmtpTransportFactory().withTokenProvider(tokenProvider), directDelivery);
            } else {
                if (transports instanceof SmtpTransportFactory smtp && smtp.tokenProvider() == null) {
                    transports = smtp.withTokenProvider(tokenProvider);
                }
                if (directDelivery != null) {
                    transports = byKind(transports, directDelivery);
                }
            }
            if (nodeId == null) {
                nodeId = "node-" + UUID.randomUUID();
            }
            return new EmailService(this);
        }

        /** Direct integrations to direct delivery, the others to the relay transport. */
        private static MailTransportFactory byKind(MailTransportFactory relay, DirectDeliveryOptions direct) {
            MailTransportFactory directFactory = DirectDeliveryTransport.factory(
                    direct != null ? direct : DirectDeliveryOptions.defaults());
            return integration -> integration.kind() == IntegrationKind.DIRECT
                    ? directFactory.create(integration) : relay.create(integration);
        }
    }
}
