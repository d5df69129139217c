package io.crmemail.core.store;

import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.signature.Signature;
import io.crmemail.core.tracking.EmailEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything persistent. Operations are coarse and each is atomic: an implementation never leaves half
 * a message behind. Implementations must be thread-safe; several nodes may share one store.
 * {@code InMemoryEmailStore} ships in core, {@code JdbcEmailStore} in crm-email-jdbc, and both pass
 * {@code EmailStoreContract}.
 */
public interface EmailStore {

    // ---- messages -------------------------------------------------------------------------------

    /**
     * Atomically creates the comment, its outbox entry (due at {@code dueAt}, with no attempts yet) and
     * its tokens. Returns the stored message with its id. Tokens must be unique store-wide: a token that
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

    /** Gives back a lease without counting the attempt, e.g. at shutdown for jobs never started. */
    void release(long messageId, String owner);

    /**
     * True while the outbox entry exists and is leased by {@code owner}: a worker asks this right before
     * transmitting, so a message cancelled after it was claimed is not sent.
     */
    boolean holdsLease(long messageId, String owner, Instant now);

    /**
     * Cancels a message that is still pending: status becomes cancelled, cancelledAt is stamped, the
     * outbox entry is removed and a cancelled event recorded.
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
     * case. One call per message, however many recipients it has.
     */
    java.util.Set<String> suppressedAmong(long accountId, java.util.Collection<String> emails);

    /** The account's suppressions, oldest first. */
    List<Suppression> suppressions(long accountId);

    /** Lifts a suppression; false when there was none. */
    boolean unsuppress(long accountId, String email);

    // ---- tokens and events ------------------------------------------------------------------------

    Optional<TrackingToken> findToken(String token);

    /** The tokens created with a message (its pixel and reply tokens, later its click tokens). */
    List<TrackingToken> tokens(long messageId);

    /**
     * Records an open event; if the message is {@code sent} it becomes {@code read} with
     * {@code readAt = event.occurredAt()}, in the same transaction.
     *
     * @return true when this call flipped the status
     */
    boolean recordOpen(EmailEvent event);

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

    // ---- integrations -----------------------------------------------------------------------------

    /** Creates ({@code id == 0}, the store assigns one) or replaces an integration. */
    SmtpIntegration saveIntegration(SmtpIntegration integration);

    Optional<SmtpIntegration> findIntegration(long id);

    /** An account's integrations, by id. */
    List<SmtpIntegration> integrations(long accountId);
}
