package io.crmemail.core.store;

import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.signature.Signature;
import io.crmemail.core.tracking.EmailEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything persistent. Operations are coarse and each is atomic: an implementation never leaves half
 * a message behind. Implementations must be thread-safe; several nodes may share one store.
 * {@code InMemoryEmailStore} ships in core, {@code JdbcEmailStore} in crm-email-jdbc, and both pass
 * {@code EmailStoreContract}.
 */
public interface EmailStore {

    // ---- messages -------------------------------------------------------------------------------

    /**
     * Atomically creates the comment, its outbox entry (due at {@code dueAt}, with no attempts yet), its tokens
     * and, when {@link NewEmail#firstEvent()} is set, that event (at {@code createdAt}, no details). Returns the
     * stored message with its id. Tokens must be unique store-wide: a token that
     * exists already fails the whole call with {@link DuplicateTokenException} and nothing stored.
     */
    EmailMessage enqueue(NewEmail email);

    Optional<EmailMessage> find(long messageId);

    /** The email comments of one record, oldest first (newest last). */
    List<EmailMessage> listForRecord(long accountId, RecordRef record);

    /**
     * Messages (outbound or inbound, any account) whose {@code metadata.messageId} equals the given
     * Message-ID exactly (with angle brackets), oldest first. Used to thread replies that lost their token.
     */
    List<EmailMessage> findByMessageId(String messageId);

    /**
     * Stores an inbound message ({@code email_in}, not pending, no outbox entry) in one transaction:
     * unless the same record already has an {@code email_in} with the same {@code metadata.messageId} (then
     * nothing changes and that one is returned as a duplicate), the comment is created and, when it has a
     * parent and is not an auto-reply ({@code metadata.autoReply}), the parent's {@code repliedAt} is stamped
     * (if not yet set) with {@code metadata.receivedAt} and a {@code reply} event with detail
     * {@code commentId} is recorded on the parent. An auto-reply is stored under its parent and nothing else.
     */
    InboundStored storeInbound(NewEmail email);

    /**
     * An account's messages matching the query, newest (highest id) first, at most {@code query.limit()}.
     */
    List<EmailMessage> list(long accountId, MessageQuery query);

    /** The messages of one conversation ({@code metadata.threadId}) of an account, oldest first. */
    List<EmailMessage> thread(long accountId, String threadId);

    // ---- delivery -------------------------------------------------------------------------------

    /**
     * Claims up to {@code limit} outbox entries that are due at {@code now} and not leased (or whose lease
     * expired), leasing them to {@code owner} until {@code now + lease} and counting one more attempt.
     * Entries of different accounts are interleaved so one account's backlog cannot starve the others.
     */
    List<DeliveryJob> claimDue(Instant now, String owner, Duration lease, int limit);

    /**
     * Applies the outcome of an attempt, with its event, in one transaction. A final outcome (sent,
     * bounced, dropped) removes the outbox entry and applies if the entry still exists, whoever holds
     * the lease; a retry reschedules the entry and applies only while {@code owner} holds the lease.
     *
     * @return false when nothing was applied (entry gone: cancelled or already completed elsewhere)
     */
    boolean complete(long messageId, String owner, DeliveryUpdate update);

    /**
     * Applies several outcomes reported by one {@code owner} in one transaction, each by exactly the rules of
     * {@link #complete}: one whose entry is gone, or a retry whose lease {@code owner} no longer holds, is left
     * out and changes nothing, while the others apply. A message may appear once.
     *
     * @return the ids of the messages whose outcome was applied
     * @throws IllegalArgumentException when a message appears twice
     */
    Set<Long> completeAll(String owner, List<Completion> completions);

    /** Gives back a lease without counting the attempt, e.g. at shutdown for jobs never started. */
    void release(long messageId, String owner);

    /**
     * Marks the outbox entry as being transmitted, if it exists and {@code owner} holds an unexpired lease on
     * it: a worker calls this right before transmitting, so a message cancelled after it was claimed is not
     * sent, and a message being transmitted can no longer be cancelled (see {@link #cancel}). The mark is
     * cleared by a retry ({@link #complete}) and by {@link #release}.
     *
     * @return false when the worker must not transmit (entry gone or lease lost)
     */
    boolean startSending(long messageId, String owner, Instant now);

    /**
     * {@link #startSending} for several entries of one {@code owner} in one call; each is marked or not by the
     * same rule, independently of the others.
     *
     * @return the ids of the entries now marked as being transmitted (the worker may transmit those only)
     */
    Set<Long> startSendingAll(Collection<Long> messageIds, String owner, Instant now);

    /**
     * Cancels a message that is still pending: status becomes cancelled, cancelledAt is stamped, the
     * outbox entry is removed and a cancelled event recorded. A message whose entry is marked as being
     * transmitted ({@link #startSending}) under an unexpired lease is not cancelled: it is returned as it is
     * (still pending), and the caller reports that it is being sent.
     *
     * @return the message after the call; its status tells whether the cancel happened
     */
    Optional<EmailMessage> cancel(long messageId, Instant at);

    /**
     * How many {@code email_in} comments of a record came from {@code fromEmail} (case-insensitive) with
     * {@code createdAt >= since}. Feeds the inbound loop guard.
     */
    long countInboundSince(long accountId, RecordRef record, String fromEmail, Instant since);

    // ---- bounces and suppressions -----------------------------------------------------------------

    /**
     * Applies a bounce report to a message in one transaction: a {@code bounce} event with the details
     * ({@code recipient}, {@code status}, {@code diagnostic}, {@code kind} hard or soft); for a hard bounce,
     * a message that is {@code sent} or {@code read} becomes {@code bounced} with {@code bouncedAt} and
     * {@code error}, and the recipient enters the account's suppression list (reason {@code hard_bounce}).
     *
     * @return the message after the call; empty when there is no such message
     */
    Optional<EmailMessage> recordBounce(long messageId, BounceReport report);

    /** Adds an address to the account's suppression list; an existing entry is kept as it is. */
    Suppression suppress(long accountId, String email, String reason, Instant at);

    /**
     * Which of the given addresses the account suppresses, compared case-insensitively; returned in lower
     * case. One call for many messages, however many recipients they have.
     */
    Set<String> suppressedAmong(long accountId, Collection<String> emails);

    /** The account's suppressions, oldest first. */
    List<Suppression> suppressions(long accountId);

    /** Lifts a suppression; false when there was none. */
    boolean unsuppress(long accountId, String email);

    // ---- tokens and events ------------------------------------------------------------------------

    Optional<TrackingToken> findToken(String token);

    /** The tokens created with a message (its pixel and reply tokens, later its click tokens). */
    List<TrackingToken> tokens(long messageId);

    /**
     * The tokens of several messages in one call, each message's list as {@link #tokens(long)} returns it; a
     * message without tokens (or unknown) maps to an empty list or is absent.
     */
    Map<Long, List<TrackingToken>> tokens(Collection<Long> messageIds);

    /**
     * Records an open event; if the message is {@code sent} it becomes {@code read} with
     * {@code readAt = event.occurredAt()}, and if the event is not automated and the message has no
     * {@code firstOpenedAt} yet, that is stamped too, in the same transaction.
     *
     * @return true when this call flipped the status
     */
    boolean recordOpen(EmailEvent event);

    /**
     * Records a batch of pixel hits in one transaction, with the same rule as {@link #recordOpen} applied hit
     * by hit in list order: tokens that are not pixel tokens of a stored message are ignored; every other hit
     * adds an open event, and each affected message is written at most once (the first open of a {@code sent}
     * message makes it {@code read}, the first person's open stamps {@code firstOpenedAt}).
     *
     * @return how many hits were recorded (the hits with a known pixel token)
     */
    int recordOpens(List<OpenHit> hits);

    /**
     * Records a click event; when it is not automated and the message has no {@code firstClickedAt} yet,
     * stamps it with the event's time, in the same transaction.
     *
     * @return true when this call stamped {@code firstClickedAt}
     */
    boolean recordClick(EmailEvent event);

    /**
     * Records a delivery report: a {@code delivered} event with the details and, when not yet set,
     * {@code deliveredAt}. Empty when there is no such message.
     */
    Optional<EmailMessage> recordDelivered(long messageId, Instant at, Map<String, String> details);

    /** Records an event on its own. Returns it with its id. */
    EmailEvent addEvent(EmailEvent event);

    /** A message's events, oldest first. */
    List<EmailEvent> events(long messageId);

    // ---- signatures -------------------------------------------------------------------------------

    /**
     * Creates ({@code id == 0}) or updates a signature. When it is the default, every other signature of
     * the same user stops being default, in the same transaction.
     */
    Signature saveSignature(Signature signature);

    Optional<Signature> findSignature(long id);

    /** A user's signatures, oldest first. */
    List<Signature> signatures(long accountId, long userId);

    boolean deleteSignature(long id);

    // ---- templates --------------------------------------------------------------------------------

    /**
     * Creates ({@code id == 0}) or replaces a template.
     *
     * @throws DuplicateNameException when another template of the account has the same name
     */
    io.crmemail.core.template.Template saveTemplate(io.crmemail.core.template.Template template);

    Optional<io.crmemail.core.template.Template> findTemplate(long id);

    /** An account's templates, by id. */
    List<io.crmemail.core.template.Template> templates(long accountId);

    boolean deleteTemplate(long id);

    // ---- idempotency keys and send counters --------------------------------------------------------

    /**
     * Atomically takes an idempotency key for a request, or reports who has it. The caller acquires the key
     * when there is no row for it, or the row expired ({@code expiresAt <= now}), or it is still in flight
     * with a lease that ran out ({@code leaseUntil <= now}: its node died); the row then holds this request's
     * hash, in flight, expiring at {@code expiresAt}, leased until {@code leaseUntil}. Under concurrent calls
     * with the same key exactly one acquires it, across nodes.
     */
    IdempotencyRecord beginIdempotent(long accountId, String key, String requestHash, Instant now,
                                              Instant expiresAt, Instant leaseUntil);

    /** Saves the response of the request that holds the key; later requests with the key get it back. */
    void finishIdempotent(long accountId, String key, int status, String body);

    /** Gives up a key held in flight (the request failed on our side), so that a retry can take it. */
    void abandonIdempotent(long accountId, String key);

    /**
     * Atomically adds {@code count} sends to the account's counter for the window starting at
     * {@code windowStart}, unless the total would exceed {@code limit}; windows older than a day before
     * {@code windowStart} may be pruned on the way.
     *
     * @return the new total, or -1 when the sends do not fit (nothing changed)
     */
    long reserveSends(long accountId, Instant windowStart, int count, long limit);

    /** The account's sends counted in the window starting at {@code windowStart} (0 when none). */
    long sendsInWindow(long accountId, Instant windowStart);

    // ---- integrations -----------------------------------------------------------------------------

    /** Creates ({@code id == 0}, the store assigns one) or replaces an integration. */
    SmtpIntegration saveIntegration(SmtpIntegration integration);

    Optional<SmtpIntegration> findIntegration(long id);

    /** An account's integrations, by id. */
    List<SmtpIntegration> integrations(long accountId);

    // ---- connected mailboxes ------------------------------------------------------------------------

    /** Every integration of every account that has IMAP polling settings ({@code imap() != null}), by id. */
    List<SmtpIntegration> integrationsWithImap();

    /** Where polling of the integration's mailbox stands; empty before its first poll. */
    Optional<MailboxCursor> mailboxCursor(long integrationId);

    /**
     * Saves where polling of the integration's mailbox stands. A cursor never moves back: when the stored one
     * reads the same folder under the same UIDVALIDITY ({@link MailboxCursor#sameEpoch}) and has a higher
     * {@code lastUid}, it is kept (a slower node polling the same mailbox cannot undo another's progress). A stored
     * cursor of another epoch than {@code cursor} is only replaced when it is the epoch the writer read
     * ({@code read}): a slower node still reading under an old UIDVALIDITY cannot undo a newer epoch's start.
     *
     * @param read   the cursor the writer read before polling ({@link #mailboxCursor}), null when there was none
     * @param cursor the new position
     */
    void saveMailboxCursor(long integrationId, MailboxCursor read, MailboxCursor cursor);
}
