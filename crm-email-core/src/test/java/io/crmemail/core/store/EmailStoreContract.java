package io.crmemail.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.integration.SmtpSecurity;
import io.crmemail.core.message.AttachmentRef;
import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.message.RecipientResult;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.signature.Signature;
import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link EmailStore} must have, written only against the interface. An implementation's
 * test extends this class and returns a fresh, empty store from {@link #store()} (created in a
 * {@code @BeforeEach}). Test data uses whole-second instants so stores with microsecond precision compare
 * exactly. Ids are only compared for order and distinctness, never for concrete values.
 */
public abstract class EmailStoreContract {

    protected static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    protected static final Duration LEASE = Duration.ofMinutes(1);
    protected static final RecordRef RECORD = new RecordRef(123, 456);
    protected static final RecordRef OTHER_RECORD = new RecordRef(123, 457);
    protected static final long ACCOUNT = 1;
    protected static final long OTHER_ACCOUNT = 2;
    private static final AtomicLong MESSAGE_IDS = new AtomicLong();

    /** A fresh, empty store for the current test. */
    protected abstract EmailStore store();

    // ---- helpers ----------------------------------------------------------------------------------

    private static EmailMetadata.Builder metadata(EmailStatus status) {
        return EmailMetadata.builder()
                .status(status)
                .smtpIntegrationId(7L)
                .fromIdentity(new Mailbox("Sales", "sales@acme.com"))
                .to(List.of("lead@example.org"))
                .cc(List.of("cc@example.org"))
                .bcc(List.of())
                .subject("Welcome {{field:title}}")
                .body("<p>Hi {{field:title}},</p>")
                .signatureId(12L)
                .signatureHtml("<p>-- Sales</p>")
                .attachments(List.of(new AttachmentRef("brochure.pdf", "/1-123-brochure.pdf", "application/pdf",
                        12345, "files.acme.com")))
                .messageId("<m-" + MESSAGE_IDS.incrementAndGet() + "@acme.com>");
    }

    private static NewEmail newEmail(long accountId, RecordRef record, EmailStatus status, Instant dueAt,
                                     NewToken... tokens) {
        return new NewEmail(accountId, record, CommentType.EMAIL_OUT, null, 42L, NOW.minusSeconds(60),
                metadata(status).build(), dueAt, Arrays.asList(tokens));
    }

    private EmailMessage enqueue(long accountId, Instant dueAt) {
        return store().enqueue(newEmail(accountId, RECORD, EmailStatus.QUEUED, dueAt));
    }

    private EmailMessage enqueue(Instant dueAt) {
        return enqueue(ACCOUNT, dueAt);
    }

    private EmailMessage message(long id) {
        return store().find(id).orElseThrow();
    }

    private static List<Long> ids(List<DeliveryJob> jobs) {
        return jobs.stream().map(DeliveryJob::messageId).toList();
    }

    private static DeliveryUpdate sent(long messageId, Instant at) {
        return new DeliveryUpdate(EmailStatus.SENT, at, null, "250 2.0.0 OK queued",
                null, List.of(new RecipientResult("lead@example.org", true, 250, "OK")),
                EmailEvent.of(messageId, EventType.SENT, at, Map.of()));
    }

    private static DeliveryUpdate retry(long messageId, Instant at, Instant next) {
        return new DeliveryUpdate(EmailStatus.QUEUED, at, next, "451 4.7.1 try later", "451 4.7.1 try later",
                List.of(), EmailEvent.of(messageId, EventType.RETRY, at, Map.of("error", "451 4.7.1 try later")));
    }

    private static EmailEvent open(long messageId, Instant at) {
        return new EmailEvent(0, messageId, EventType.OPEN, at, "Mozilla/5.0", "203.0.113.7", false, Map.of());
    }

    private static Signature signature(long accountId, long userId, String name, boolean isDefault) {
        return new Signature(0, accountId, userId, name, "<p>" + name + "</p>", isDefault, NOW, NOW);
    }

    private static SmtpIntegration integration(long accountId, String label) {
        return SmtpIntegration.builder()
                .accountId(accountId)
                .label(label)
                .host("smtp.acme.com")
                .port(587)
                .security(SmtpSecurity.STARTTLS)
                .credentials("smtp@acme.com", "secret")
                .fromDomains("acme.com")
                .fromIdentities(new Mailbox("Sales", "sales@acme.com"))
                .maxConnections(3)
                .maxMessagesPerSecond(5)
                .connectTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofSeconds(30))
                .build();
    }

    // ---- enqueue, find, listForRecord ---------------------------------------------------------------

    @Test
    void enqueueStoresTheMessageWithAnIdAndNoAttempts() {
        EmailMetadata given = metadata(EmailStatus.QUEUED).attempts(3).nextAttemptAt(NOW.plusSeconds(999)).build();
        NewEmail email = new NewEmail(ACCOUNT, RECORD, CommentType.EMAIL_OUT, 77L, 42L, NOW.minusSeconds(60), given,
                NOW, List.of());

        EmailMessage stored = store().enqueue(email);

        assertThat(stored.id()).isPositive();
        assertThat(stored.accountId()).isEqualTo(ACCOUNT);
        assertThat(stored.record()).isEqualTo(RECORD);
        assertThat(stored.type()).isEqualTo(CommentType.EMAIL_OUT);
        assertThat(stored.parentId()).isEqualTo(77L);
        assertThat(stored.userId()).isEqualTo(42L);
        assertThat(stored.createdAt()).isEqualTo(NOW.minusSeconds(60));
        assertThat(stored.status()).isEqualTo(EmailStatus.QUEUED);
        assertThat(stored.metadata().attempts()).isZero();
        assertThat(stored.metadata().nextAttemptAt()).isEqualTo(NOW);
        assertThat(stored.metadata())
                .isEqualTo(given.toBuilder().attempts(0).nextAttemptAt(NOW).build());
        assertThat(store().find(stored.id())).contains(stored);
    }

    @Test
    void enqueueAssignsDistinctIncreasingIds() {
        EmailMessage first = enqueue(NOW);
        EmailMessage second = enqueue(NOW);
        EmailMessage third = enqueue(OTHER_ACCOUNT, NOW);

        assertThat(second.id()).isGreaterThan(first.id());
        assertThat(third.id()).isGreaterThan(second.id());
    }

    @Test
    void findOfAnUnknownMessageIsEmpty() {
        assertThat(store().find(987654)).isEmpty();
    }

    @Test
    void listForRecordIsOldestFirstAndScopedToAccountAndRecord() {
        EmailMessage a = store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.QUEUED, NOW));
        EmailMessage otherRecord = store().enqueue(newEmail(ACCOUNT, OTHER_RECORD, EmailStatus.QUEUED, NOW));
        EmailMessage otherAccount = store().enqueue(newEmail(OTHER_ACCOUNT, RECORD, EmailStatus.QUEUED, NOW));
        EmailMessage b = store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.SCHEDULED, NOW.plusSeconds(3600)));
        EmailMessage c = store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.QUEUED, NOW.minusSeconds(3600)));

        assertThat(store().listForRecord(ACCOUNT, RECORD)).containsExactly(a, b, c);
        assertThat(store().listForRecord(ACCOUNT, OTHER_RECORD)).containsExactly(otherRecord);
        assertThat(store().listForRecord(OTHER_ACCOUNT, RECORD)).containsExactly(otherAccount);
        assertThat(store().listForRecord(OTHER_ACCOUNT, OTHER_RECORD)).isEmpty();
    }

    @Test
    void listForRecordShowsCurrentState() {
        EmailMessage m = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);
        store().complete(m.id(), "w1", sent(m.id(), NOW));

        assertThat(store().listForRecord(ACCOUNT, RECORD)).containsExactly(message(m.id()));
        assertThat(store().listForRecord(ACCOUNT, RECORD).get(0).status()).isEqualTo(EmailStatus.SENT);
    }

    @Test
    void nonPendingMessageIsStoredWithoutAnOutboxEntry() {
        NewEmail inbound = new NewEmail(ACCOUNT, RECORD, CommentType.EMAIL_IN, null, null, NOW,
                metadata(EmailStatus.RECEIVED).build(), NOW, List.of());

        EmailMessage stored = store().enqueue(inbound);

        assertThat(stored.status()).isEqualTo(EmailStatus.RECEIVED);
        assertThat(stored.type()).isEqualTo(CommentType.EMAIL_IN);
        assertThat(stored.userId()).isNull();
        assertThat(stored.metadata().nextAttemptAt()).isNull();
        assertThat(store().listForRecord(ACCOUNT, RECORD)).containsExactly(stored);
        assertThat(store().claimDue(NOW.plusSeconds(3600), "w1", LEASE, 10)).isEmpty();
        assertThat(store().cancel(stored.id(), NOW)).contains(stored);
    }

    // ---- inbound ------------------------------------------------------------------------------------

    private static NewEmail inbound(long accountId, RecordRef record, Long parentId, String messageId) {
        EmailMetadata metadata = EmailMetadata.builder().status(EmailStatus.RECEIVED)
                .fromIdentity(new Mailbox("Jane", "lead@example.org")).to(List.of("sales@acme.com"))
                .subject("Re: Welcome").body("<p>Thanks</p>").text("Thanks").replyText("Thanks")
                .messageId(messageId).inReplyTo("<m-1@acme.com>").receivedAt(NOW).build();
        return new NewEmail(accountId, record, CommentType.EMAIL_IN, parentId, null, NOW, metadata, null, List.of());
    }

    @Test
    void findByMessageIdFindsOutboundAndInboundMessagesExactly() {
        EmailMessage out = enqueue(NOW);
        String outId = out.metadata().messageId();
        InboundStored in = store().storeInbound(inbound(ACCOUNT, RECORD, out.id(), "<reply-1@example.org>"));

        assertThat(store().findByMessageId(outId)).extracting(EmailMessage::id).containsExactly(out.id());
        assertThat(store().findByMessageId("<reply-1@example.org>")).extracting(EmailMessage::id)
                .containsExactly(in.message().id());
        assertThat(store().findByMessageId("<REPLY-1@example.org>")).isEmpty();
        assertThat(store().findByMessageId("<unknown@example.org>")).isEmpty();
        assertThat(store().findByMessageId(null)).isEmpty();
    }

    @Test
    void storeInboundCreatesTheCommentUnderItsParentAndMarksTheParentReplied() {
        EmailMessage out = enqueue(NOW);
        store().claimDue(NOW, "w", LEASE, 10);
        store().complete(out.id(), "w", sent(out.id(), NOW));

        InboundStored stored = store().storeInbound(inbound(ACCOUNT, RECORD, out.id(), "<reply-1@example.org>"));
        assertThat(stored.duplicate()).isFalse();
        EmailMessage reply = stored.message();
        assertThat(reply.id()).isGreaterThan(out.id());
        assertThat(reply.type()).isEqualTo(CommentType.EMAIL_IN);
        assertThat(reply.parentId()).isEqualTo(out.id());
        assertThat(reply.status()).isEqualTo(EmailStatus.RECEIVED);
        assertThat(reply.metadata().replyText()).isEqualTo("Thanks");
        assertThat(store().find(reply.id())).contains(reply);
        assertThat(store().listForRecord(ACCOUNT, RECORD)).extracting(EmailMessage::id).containsExactly(out.id(), reply.id());

        EmailMessage parent = message(out.id());
        assertThat(parent.metadata().repliedAt()).isEqualTo(NOW);
        assertThat(parent.status()).as("a reply does not change the delivery status").isEqualTo(EmailStatus.SENT);
        EmailEvent replyEvent = store().events(out.id()).get(store().events(out.id()).size() - 1);
        assertThat(replyEvent.type()).isEqualTo(EventType.REPLY);
        assertThat(replyEvent.details()).containsEntry("commentId", String.valueOf(reply.id()));

        // An inbound message never enters the outbox.
        assertThat(store().claimDue(NOW.plusSeconds(3600), "w2", LEASE, 10)).isEmpty();

        // A second reply keeps the first repliedAt but is recorded as another reply event.
        NewEmail later = inbound(ACCOUNT, RECORD, out.id(), "<reply-2@example.org>");
        later = new NewEmail(later.accountId(), later.record(), later.type(), later.parentId(), null, NOW.plusSeconds(60),
                later.metadata().toBuilder().receivedAt(NOW.plusSeconds(60)).build(), null, List.of());
        store().storeInbound(later);
        assertThat(message(out.id()).metadata().repliedAt()).isEqualTo(NOW);
        assertThat(store().events(out.id())).filteredOn(e -> e.type() == EventType.REPLY).hasSize(2);
    }

    @Test
    void storeInboundIsIdempotentPerRecordAndMessageId() {
        EmailMessage out = enqueue(NOW);
        InboundStored first = store().storeInbound(inbound(ACCOUNT, RECORD, out.id(), "<dup@example.org>"));
        InboundStored again = store().storeInbound(inbound(ACCOUNT, RECORD, out.id(), "<dup@example.org>"));
        assertThat(again.duplicate()).isTrue();
        assertThat(again.message()).isEqualTo(first.message());
        assertThat(store().listForRecord(ACCOUNT, RECORD)).hasSize(2);
        assertThat(store().events(out.id())).filteredOn(e -> e.type() == EventType.REPLY).hasSize(1);

        // The same message on another record is stored there too.
        InboundStored elsewhere = store().storeInbound(inbound(ACCOUNT, OTHER_RECORD, null, "<dup@example.org>"));
        assertThat(elsewhere.duplicate()).isFalse();
        assertThat(store().listForRecord(ACCOUNT, OTHER_RECORD)).extracting(EmailMessage::id)
                .containsExactly(elsewhere.message().id());
    }

    @Test
    void anAutoReplyIsStoredUnderItsParentButIsNoReply() {
        EmailMessage out = enqueue(NOW);
        NewEmail auto = inbound(ACCOUNT, RECORD, out.id(), "<ooo@example.org>");
        auto = new NewEmail(auto.accountId(), auto.record(), auto.type(), auto.parentId(), null, NOW,
                auto.metadata().toBuilder().autoReply(true).build(), null, List.of());
        EmailMessage stored = store().storeInbound(auto).message();
        assertThat(stored.parentId()).isEqualTo(out.id());
        assertThat(stored.metadata().autoReply()).isTrue();
        assertThat(message(out.id()).metadata().repliedAt()).isNull();
        assertThat(store().events(out.id())).noneMatch(e -> e.type() == EventType.REPLY);
    }

    @Test
    void concurrentDeliveriesOfOneInboundMessageStoreItOnce() throws Exception {
        EmailMessage out = enqueue(NOW);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 10; round++) {
                NewEmail copy = inbound(ACCOUNT, RECORD, out.id(), "<race-" + round + "@example.org>");
                java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
                List<java.util.concurrent.Future<InboundStored>> results = new java.util.ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        return store().storeInbound(copy);
                    }));
                }
                start.countDown();
                List<InboundStored> stored = new java.util.ArrayList<>();
                for (java.util.concurrent.Future<InboundStored> f : results) {
                    stored.add(f.get(30, java.util.concurrent.TimeUnit.SECONDS));
                }
                assertThat(stored).filteredOn(r -> !r.duplicate()).hasSize(1);
                assertThat(stored).extracting(r -> r.message().id()).containsOnly(stored.get(0).message().id());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store().listForRecord(ACCOUNT, RECORD)).hasSize(11);
        assertThat(store().events(out.id())).filteredOn(e -> e.type() == EventType.REPLY).hasSize(10);
    }

    @Test
    void storeInboundRefusesAPendingStatus() {
        NewEmail pending = inbound(ACCOUNT, RECORD, null, "<p@example.org>");
        NewEmail wrong = new NewEmail(pending.accountId(), pending.record(), pending.type(), null, null, NOW,
                pending.metadata().toBuilder().status(EmailStatus.QUEUED).build(), NOW, List.of());
        assertThatThrownBy(() -> store().storeInbound(wrong)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store().listForRecord(ACCOUNT, RECORD)).isEmpty();
    }

    // ---- bounces, suppressions, loop guard ----------------------------------------------------------

    private EmailMessage sentMessageFor(long accountId) {
        EmailMessage m = enqueue(accountId, NOW);
        store().claimDue(NOW, "w", LEASE, 100);
        store().complete(m.id(), "w", sent(m.id(), NOW));
        return message(m.id());
    }

    @Test
    void aHardBounceMakesASentMessageBouncedAndSuppressesTheRecipient() {
        EmailMessage m = sentMessageFor(ACCOUNT);
        Instant at = NOW.plusSeconds(30);
        EmailMessage after = store().recordBounce(m.id(),
                new BounceReport("Lead@Example.org", "5.1.1", "550 5.1.1 User unknown", true, at)).orElseThrow();

        assertThat(after.status()).isEqualTo(EmailStatus.BOUNCED);
        assertThat(after.metadata().bouncedAt()).isEqualTo(at);
        assertThat(after.metadata().error()).contains("5.1.1").contains("Lead@Example.org");
        assertThat(message(m.id())).isEqualTo(after);
        EmailEvent bounce = store().events(m.id()).get(store().events(m.id()).size() - 1);
        assertThat(bounce.type()).isEqualTo(EventType.BOUNCE);
        assertThat(bounce.occurredAt()).isEqualTo(at);
        assertThat(bounce.details()).containsEntry("recipient", "Lead@Example.org").containsEntry("status", "5.1.1")
                .containsEntry("diagnostic", "550 5.1.1 User unknown").containsEntry("kind", "hard");

        assertThat(store().suppressions(ACCOUNT)).extracting(Suppression::email, Suppression::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("lead@example.org", "hard_bounce"));
        assertThat(store().suppressedAmong(ACCOUNT, List.of("LEAD@example.org", "other@example.org")))
                .containsExactly("lead@example.org");
        assertThat(store().suppressedAmong(OTHER_ACCOUNT, List.of("lead@example.org"))).isEmpty();
    }

    @Test
    void aSoftBounceIsOnlyAnEvent() {
        EmailMessage m = sentMessageFor(ACCOUNT);
        EmailMessage after = store().recordBounce(m.id(),
                new BounceReport("lead@example.org", "4.4.1", "will retry", false, NOW)).orElseThrow();
        assertThat(after.status()).isEqualTo(EmailStatus.SENT);
        assertThat(after.metadata().bouncedAt()).isNull();
        assertThat(store().events(m.id())).extracting(EmailEvent::type).containsExactly(EventType.SENT, EventType.BOUNCE);
        assertThat(store().events(m.id()).get(1).details()).containsEntry("kind", "soft");
        assertThat(store().suppressions(ACCOUNT)).isEmpty();
    }

    @Test
    void aHardBounceOfAMessageNotSentYetSuppressesButKeepsItsStatus() {
        EmailMessage m = enqueue(NOW.plusSeconds(3600));
        EmailMessage after = store().recordBounce(m.id(),
                new BounceReport("lead@example.org", "5.1.1", null, true, NOW)).orElseThrow();
        assertThat(after.status()).isEqualTo(EmailStatus.QUEUED);
        assertThat(store().suppressions(ACCOUNT)).hasSize(1);
        assertThat(store().recordBounce(987654, new BounceReport("x@y.z", null, null, true, NOW))).isEmpty();
    }

    @Test
    void suppressionsAreIdempotentCaseInsensitiveAndLiftable() {
        Suppression first = store().suppress(ACCOUNT, "Jane@Example.org", "manual", NOW);
        Suppression again = store().suppress(ACCOUNT, "jane@example.org", "hard_bounce", NOW.plusSeconds(60));
        assertThat(again).isEqualTo(first);
        assertThat(first.email()).isEqualTo("jane@example.org");
        assertThat(first.createdAt()).isEqualTo(NOW);
        store().suppress(ACCOUNT, "b@example.org", "manual", NOW.plusSeconds(1));
        store().suppress(OTHER_ACCOUNT, "c@example.org", "manual", NOW);
        assertThat(store().suppressions(ACCOUNT)).extracting(Suppression::email)
                .containsExactly("jane@example.org", "b@example.org");

        assertThat(store().unsuppress(ACCOUNT, "JANE@example.org")).isTrue();
        assertThat(store().unsuppress(ACCOUNT, "jane@example.org")).isFalse();
        assertThat(store().suppressedAmong(ACCOUNT, List.of("jane@example.org", "b@example.org")))
                .containsExactly("b@example.org");
        assertThat(store().suppressedAmong(ACCOUNT, List.of())).isEmpty();
    }

    @Test
    void countsInboundMessagesPerSenderAndRecordSinceATime() {
        EmailMessage out = enqueue(NOW);
        for (int i = 0; i < 3; i++) {
            NewEmail in = inbound(ACCOUNT, RECORD, out.id(), "<loop-" + i + "@example.org>");
            store().storeInbound(new NewEmail(in.accountId(), in.record(), in.type(), in.parentId(), null,
                    NOW.plusSeconds(i * 600L), in.metadata(), null, List.of()));
        }
        store().storeInbound(inbound(ACCOUNT, OTHER_RECORD, null, "<elsewhere@example.org>"));
        assertThat(store().countInboundSince(ACCOUNT, RECORD, "LEAD@example.org", NOW)).isEqualTo(3);
        assertThat(store().countInboundSince(ACCOUNT, RECORD, "lead@example.org", NOW.plusSeconds(600))).isEqualTo(2);
        assertThat(store().countInboundSince(ACCOUNT, RECORD, "other@example.org", NOW)).isZero();
        assertThat(store().countInboundSince(OTHER_ACCOUNT, RECORD, "lead@example.org", NOW)).isZero();
    }

    // ---- tokens -------------------------------------------------------------------------------------

    @Test
    void enqueueStoresTokensScopedToMessageAccountAndRecord() {
        EmailMessage m = store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.QUEUED, NOW,
                NewToken.of("reply-0123456789abcdef", TokenKind.REPLY),
                NewToken.of("pixel-token", TokenKind.PIXEL),
                new NewToken("click-token", TokenKind.CLICK, "https://acme.com/offer?a=1&b=2")));

        assertThat(store().findToken("reply-0123456789abcdef")).contains(new TrackingToken(
                "reply-0123456789abcdef", TokenKind.REPLY, ACCOUNT, RECORD, m.id(), null));
        assertThat(store().findToken("pixel-token")).contains(new TrackingToken(
                "pixel-token", TokenKind.PIXEL, ACCOUNT, RECORD, m.id(), null));
        assertThat(store().findToken("click-token")).contains(new TrackingToken(
                "click-token", TokenKind.CLICK, ACCOUNT, RECORD, m.id(), "https://acme.com/offer?a=1&b=2"));
    }

    @Test
    void tokensOfAMessageAreListedInCreationOrder() {
        EmailMessage m = store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.QUEUED, NOW,
                NewToken.of("tok-pixel", TokenKind.PIXEL), NewToken.of("tok-reply", TokenKind.REPLY)));
        EmailMessage other = store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.QUEUED, NOW,
                NewToken.of("tok-other", TokenKind.PIXEL)));
        EmailMessage none = store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.QUEUED, NOW));

        assertThat(store().tokens(m.id())).extracting(TrackingToken::token).containsExactly("tok-pixel", "tok-reply");
        assertThat(store().tokens(m.id())).allSatisfy(t -> assertThat(t.messageId()).isEqualTo(m.id()));
        assertThat(store().tokens(other.id())).extracting(TrackingToken::token).containsExactly("tok-other");
        assertThat(store().tokens(none.id())).isEmpty();
        assertThat(store().tokens(987654)).isEmpty();
    }

    @Test
    void findOfAnUnknownTokenIsEmpty() {
        store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.QUEUED, NOW, NewToken.of("known", TokenKind.PIXEL)));

        assertThat(store().findToken("unknown")).isEmpty();
        assertThat(store().findToken("KNOWN")).isEmpty();
    }

    @Test
    void duplicateTokenFailsTheWholeEnqueue() {
        EmailMessage first = store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.QUEUED, NOW,
                NewToken.of("tok-a", TokenKind.PIXEL)));

        assertThatThrownBy(() -> store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.QUEUED, NOW,
                NewToken.of("tok-b", TokenKind.REPLY), NewToken.of("tok-a", TokenKind.PIXEL))))
                .isInstanceOf(IllegalStateException.class);

        assertThat(store().listForRecord(ACCOUNT, RECORD)).containsExactly(first);
        assertThat(store().findToken("tok-b")).isEmpty();
        assertThat(store().findToken("tok-a")).get().extracting(TrackingToken::messageId).isEqualTo(first.id());
        assertThat(ids(store().claimDue(NOW, "w1", LEASE, 10))).containsExactly(first.id());
        assertThat(store().claimDue(NOW.plusSeconds(3600), "w2", LEASE, 10))
                .extracting(DeliveryJob::messageId).containsExactly(first.id());
    }

    @Test
    void duplicateTokenWithinOneEmailFailsTheEnqueue() {
        assertThatThrownBy(() -> store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.QUEUED, NOW,
                NewToken.of("same", TokenKind.REPLY), NewToken.of("same", TokenKind.PIXEL))))
                .isInstanceOf(IllegalStateException.class);

        assertThat(store().listForRecord(ACCOUNT, RECORD)).isEmpty();
        assertThat(store().findToken("same")).isEmpty();
        assertThat(store().claimDue(NOW, "w1", LEASE, 10)).isEmpty();
    }

    @Test
    void enqueueAfterAFailedEnqueueStillWorks() {
        store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.QUEUED, NOW, NewToken.of("t1", TokenKind.PIXEL)));
        assertThatThrownBy(() -> store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.QUEUED, NOW,
                NewToken.of("t1", TokenKind.PIXEL)))).isInstanceOf(IllegalStateException.class);

        EmailMessage next = store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.QUEUED, NOW,
                NewToken.of("t2", TokenKind.PIXEL)));

        assertThat(store().findToken("t2")).get().extracting(TrackingToken::messageId).isEqualTo(next.id());
        assertThat(store().listForRecord(ACCOUNT, RECORD)).hasSize(2).last().isEqualTo(next);
    }

    // ---- claimDue -----------------------------------------------------------------------------------

    @Test
    void claimReturnsOnlyDueEntriesInDueOrder() {
        EmailMessage later = enqueue(NOW.plusSeconds(1));
        EmailMessage onTime = enqueue(NOW);
        EmailMessage early = enqueue(NOW.minusSeconds(1));

        assertThat(ids(store().claimDue(NOW, "w1", LEASE, 10))).containsExactly(early.id(), onTime.id());
        assertThat(ids(store().claimDue(NOW.plusSeconds(1), "w1", LEASE, 10))).containsExactly(later.id());
    }

    @Test
    void claimOrdersByDueThenIdAndRespectsTheLimit() {
        EmailMessage m1 = enqueue(NOW.minusSeconds(10));
        EmailMessage m2 = enqueue(NOW.minusSeconds(30));
        EmailMessage m3 = enqueue(NOW.minusSeconds(10));
        EmailMessage m4 = enqueue(NOW.minusSeconds(20));
        EmailMessage m5 = enqueue(NOW.minusSeconds(5));

        assertThat(ids(store().claimDue(NOW, "w1", LEASE, 3))).containsExactly(m2.id(), m4.id(), m1.id());
        assertThat(ids(store().claimDue(NOW, "w1", LEASE, 3))).containsExactly(m3.id(), m5.id());
        assertThat(store().claimDue(NOW, "w1", LEASE, 3)).isEmpty();
    }

    @Test
    void claimWithNothingDueOrZeroLimitIsEmpty() {
        assertThat(store().claimDue(NOW, "w1", LEASE, 10)).isEmpty();
        enqueue(NOW);
        assertThat(store().claimDue(NOW, "w1", LEASE, 0)).isEmpty();
        assertThat(store().claimDue(NOW.minusSeconds(1), "w1", LEASE, 10)).isEmpty();
        assertThat(store().claimDue(NOW, "w1", LEASE, 1)).hasSize(1);
    }

    @Test
    void claimLeasesTheEntryAndCountsAnAttempt() {
        EmailMessage m = enqueue(NOW.minusSeconds(5));

        List<DeliveryJob> jobs = store().claimDue(NOW, "worker-1", LEASE, 10);

        assertThat(jobs).hasSize(1);
        DeliveryJob job = jobs.get(0);
        assertThat(job.messageId()).isEqualTo(m.id());
        assertThat(job.attempt()).isEqualTo(1);
        assertThat(job.leaseOwner()).isEqualTo("worker-1");
        assertThat(job.leaseExpiresAt()).isEqualTo(NOW.plus(LEASE));
        assertThat(job.message().metadata().attempts()).isEqualTo(1);
        assertThat(job.message().status()).isEqualTo(EmailStatus.QUEUED);
        assertThat(job.message()).isEqualTo(message(m.id()));
        assertThat(job.message().metadata()).isEqualTo(m.metadata().toBuilder().attempts(1).build());
        assertThat(store().startSending(m.id(), "worker-1", NOW)).isTrue();
    }

    @Test
    void scheduledMessageIsClaimedOnlyWhenDueAndKeepsItsStatus() {
        EmailMessage m = store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.SCHEDULED, NOW.plusSeconds(3600)));
        assertThat(m.status()).isEqualTo(EmailStatus.SCHEDULED);
        assertThat(m.metadata().nextAttemptAt()).isEqualTo(NOW.plusSeconds(3600));

        assertThat(store().claimDue(NOW, "w1", LEASE, 10)).isEmpty();
        List<DeliveryJob> jobs = store().claimDue(NOW.plusSeconds(3600), "w1", LEASE, 10);

        assertThat(ids(jobs)).containsExactly(m.id());
        assertThat(jobs.get(0).message().status()).isEqualTo(EmailStatus.SCHEDULED);
    }

    @Test
    void leasedEntryIsNotClaimedAgainUntilTheLeaseExpires() {
        EmailMessage m = enqueue(NOW);
        assertThat(ids(store().claimDue(NOW, "w1", LEASE, 10))).containsExactly(m.id());

        assertThat(store().claimDue(NOW, "w2", LEASE, 10)).isEmpty();
        assertThat(store().claimDue(NOW.plus(LEASE).minusSeconds(1), "w2", LEASE, 10)).isEmpty();

        Instant expiry = NOW.plus(LEASE);
        List<DeliveryJob> again = store().claimDue(expiry, "w2", LEASE, 10);
        assertThat(again).hasSize(1);
        DeliveryJob job = again.get(0);
        assertThat(job.messageId()).isEqualTo(m.id());
        assertThat(job.attempt()).isEqualTo(2);
        assertThat(job.leaseOwner()).isEqualTo("w2");
        assertThat(job.leaseExpiresAt()).isEqualTo(expiry.plus(LEASE));
        assertThat(message(m.id()).metadata().attempts()).isEqualTo(2);
        assertThat(store().startSending(m.id(), "w1", expiry)).isFalse();
        assertThat(store().startSending(m.id(), "w2", expiry)).isTrue();
    }

    @Test
    void expiredLeaseKeepsItsPlaceInDueOrder() {
        EmailMessage first = enqueue(NOW.minusSeconds(100));
        store().claimDue(NOW, "w1", LEASE, 1);
        EmailMessage second = enqueue(NOW.minusSeconds(50));

        assertThat(ids(store().claimDue(NOW.plus(LEASE), "w2", LEASE, 10))).containsExactly(first.id(), second.id());
    }

    @Test
    void claimInterleavesAccountsSoABacklogCannotStarveOthers() {
        List<Long> busy = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            busy.add(enqueue(ACCOUNT, NOW.minusSeconds(1000 - i)).id());
        }
        List<Long> quiet = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            quiet.add(enqueue(OTHER_ACCOUNT, NOW.minusSeconds(10 - i)).id());
        }

        List<DeliveryJob> jobs = store().claimDue(NOW, "w1", LEASE, 10);

        assertThat(jobs).hasSize(10);
        Map<Long, List<Long>> byAccount = jobs.stream().collect(Collectors.groupingBy(
                j -> j.message().accountId(), Collectors.mapping(DeliveryJob::messageId, Collectors.toList())));
        assertThat(byAccount.get(ACCOUNT)).containsExactlyElementsOf(busy.subList(0, 5));
        assertThat(byAccount.get(OTHER_ACCOUNT)).containsExactlyElementsOf(quiet);

        // With the quiet account drained, the backlog gets the whole batch, still in due order.
        assertThat(ids(store().claimDue(NOW, "w1", LEASE, 10))).containsExactlyElementsOf(busy.subList(5, 15));
    }

    @Test
    void claimGivesEveryAccountATurnBeforeAnyGetsASecond() {
        for (int i = 0; i < 20; i++) {
            enqueue(1, NOW.minusSeconds(100 - i));
        }
        for (int i = 0; i < 20; i++) {
            enqueue(2, NOW.minusSeconds(50 - i));
        }
        for (int i = 0; i < 20; i++) {
            enqueue(3, NOW.minusSeconds(20 - i));
        }

        List<DeliveryJob> first = store().claimDue(NOW, "w1", LEASE, 3);
        assertThat(first).extracting(j -> j.message().accountId()).containsExactlyInAnyOrder(1L, 2L, 3L);

        List<DeliveryJob> next = store().claimDue(NOW, "w1", LEASE, 6);
        assertThat(next).extracting(j -> j.message().accountId())
                .containsExactlyInAnyOrder(1L, 1L, 2L, 2L, 3L, 3L);
        for (long account = 1; account <= 3; account++) {
            long acc = account;
            List<Instant> dues = next.stream().filter(j -> j.message().accountId() == acc)
                    .map(j -> j.message().metadata().nextAttemptAt()).toList();
            assertThat(dues).isSorted();
        }
    }

    // ---- complete -----------------------------------------------------------------------------------

    @Test
    void sentOutcomeIsFinal() {
        EmailMessage m = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);
        Instant at = NOW.plusSeconds(2);

        assertThat(store().complete(m.id(), "w1", sent(m.id(), at))).isTrue();

        EmailMessage after = message(m.id());
        assertThat(after.status()).isEqualTo(EmailStatus.SENT);
        assertThat(after.metadata().sentAt()).isEqualTo(at);
        assertThat(after.metadata().nextAttemptAt()).isNull();
        assertThat(after.metadata().smtpResponse()).isEqualTo("250 2.0.0 OK queued");
        assertThat(after.metadata().error()).isNull();
        assertThat(after.metadata().attempts()).isEqualTo(1);
        assertThat(after.metadata().recipients())
                .containsExactly(new RecipientResult("lead@example.org", true, 250, "OK"));
        assertThat(after.metadata().bouncedAt()).isNull();
        assertThat(after.metadata().droppedAt()).isNull();
        assertThat(after.metadata().subject()).isEqualTo(m.metadata().subject());
        assertThat(after.metadata().messageId()).isEqualTo(m.metadata().messageId());

        assertThat(store().startSending(m.id(), "w1", NOW)).isFalse();
        assertThat(store().claimDue(NOW.plusSeconds(3600), "w2", LEASE, 10)).isEmpty();
        List<EmailEvent> events = store().events(m.id());
        assertThat(events).hasSize(1);
        assertThat(events.get(0).id()).isPositive();
        assertThat(events.get(0)).isEqualTo(sent(m.id(), at).event().withId(events.get(0).id()));
    }

    @Test
    void bouncedOutcomeStampsBouncedAt() {
        EmailMessage m = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);
        RecipientResult refused = new RecipientResult("lead@example.org", false, 550, "5.1.1 no such user");
        DeliveryUpdate bounce = new DeliveryUpdate(EmailStatus.BOUNCED, NOW.plusSeconds(1), null,
                "550 5.1.1 no such user", "550 5.1.1 no such user", List.of(refused),
                EmailEvent.of(m.id(), EventType.BOUNCE, NOW.plusSeconds(1), Map.of("recipient", "lead@example.org")));

        assertThat(store().complete(m.id(), "w1", bounce)).isTrue();

        EmailMessage after = message(m.id());
        assertThat(after.status()).isEqualTo(EmailStatus.BOUNCED);
        assertThat(after.metadata().bouncedAt()).isEqualTo(NOW.plusSeconds(1));
        assertThat(after.metadata().sentAt()).isNull();
        assertThat(after.metadata().nextAttemptAt()).isNull();
        assertThat(after.metadata().smtpResponse()).isEqualTo("550 5.1.1 no such user");
        assertThat(after.metadata().error()).isEqualTo("550 5.1.1 no such user");
        assertThat(after.metadata().recipients()).containsExactly(refused);
        assertThat(store().events(m.id())).extracting(EmailEvent::type).containsExactly(EventType.BOUNCE);
        assertThat(store().events(m.id()).get(0).details()).isEqualTo(Map.of("recipient", "lead@example.org"));
    }

    @Test
    void droppedOutcomeStampsDroppedAtAndKeepsRecipientsWhenNoneAreGiven() {
        List<RecipientResult> earlier = List.of(new RecipientResult("lead@example.org", false, 451, "later"));
        NewEmail email = new NewEmail(ACCOUNT, RECORD, CommentType.EMAIL_OUT, null, 42L, NOW,
                metadata(EmailStatus.QUEUED).recipients(earlier).build(), NOW, List.of());
        EmailMessage m = store().enqueue(email);
        store().claimDue(NOW, "w1", LEASE, 10);
        DeliveryUpdate drop = new DeliveryUpdate(EmailStatus.DROPPED, NOW.plusSeconds(3), null, null,
                "retries exhausted", List.of(), null);

        assertThat(store().complete(m.id(), "w1", drop)).isTrue();

        EmailMessage after = message(m.id());
        assertThat(after.status()).isEqualTo(EmailStatus.DROPPED);
        assertThat(after.metadata().droppedAt()).isEqualTo(NOW.plusSeconds(3));
        assertThat(after.metadata().nextAttemptAt()).isNull();
        assertThat(after.metadata().error()).isEqualTo("retries exhausted");
        assertThat(after.metadata().smtpResponse()).isNull();
        assertThat(after.metadata().recipients()).isEqualTo(earlier);
        assertThat(store().events(m.id())).isEmpty();
    }

    @Test
    void finalOutcomeAppliesForANonOwnerAfterTheLeaseExpired() {
        EmailMessage m = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);

        assertThat(store().complete(m.id(), "w2", sent(m.id(), NOW.plus(LEASE).plusSeconds(60)))).isTrue();
        assertThat(message(m.id()).status()).isEqualTo(EmailStatus.SENT);
    }

    @Test
    void finalOutcomeAppliesWhoeverHoldsTheLease() {
        EmailMessage m = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);

        assertThat(store().complete(m.id(), "someone-else", sent(m.id(), NOW.plusSeconds(1)))).isTrue();
        assertThat(message(m.id()).status()).isEqualTo(EmailStatus.SENT);
        assertThat(store().startSending(m.id(), "w1", NOW.plusSeconds(1))).isFalse();
    }

    @Test
    void finalOutcomeAppliesToAnUnclaimedEntry() {
        EmailMessage m = enqueue(NOW.plusSeconds(3600));

        DeliveryUpdate drop = new DeliveryUpdate(EmailStatus.DROPPED, NOW, null, null, "suppressed", List.of(),
                EmailEvent.of(m.id(), EventType.DROPPED, NOW, Map.of()));
        assertThat(store().complete(m.id(), "w1", drop)).isTrue();
        assertThat(message(m.id()).status()).isEqualTo(EmailStatus.DROPPED);
        assertThat(store().claimDue(NOW.plusSeconds(7200), "w1", LEASE, 10)).isEmpty();
    }

    @Test
    void secondCompletionIsNotApplied() {
        EmailMessage m = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);
        assertThat(store().complete(m.id(), "w1", sent(m.id(), NOW.plusSeconds(1)))).isTrue();
        EmailMessage afterFirst = message(m.id());

        DeliveryUpdate bounce = new DeliveryUpdate(EmailStatus.BOUNCED, NOW.plusSeconds(2), null, "550", "550",
                List.of(), EmailEvent.of(m.id(), EventType.BOUNCE, NOW.plusSeconds(2), Map.of()));
        assertThat(store().complete(m.id(), "w1", bounce)).isFalse();
        assertThat(store().complete(m.id(), "w1", retry(m.id(), NOW.plusSeconds(2), NOW.plusSeconds(60)))).isFalse();

        assertThat(message(m.id())).isEqualTo(afterFirst);
        assertThat(store().events(m.id())).extracting(EmailEvent::type).containsExactly(EventType.SENT);
    }

    @Test
    void completeOfAnUnknownMessageIsNotApplied() {
        assertThat(store().complete(987654, "w1", sent(987654, NOW))).isFalse();
        assertThat(store().events(987654)).isEmpty();
    }

    @Test
    void completeAfterCancelIsNotApplied() {
        EmailMessage m = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);
        store().cancel(m.id(), NOW.plusSeconds(1));

        assertThat(store().complete(m.id(), "w1", sent(m.id(), NOW.plusSeconds(2)))).isFalse();
        assertThat(store().complete(m.id(), "w1", retry(m.id(), NOW.plusSeconds(2), NOW.plusSeconds(60)))).isFalse();

        EmailMessage after = message(m.id());
        assertThat(after.status()).isEqualTo(EmailStatus.CANCELLED);
        assertThat(after.metadata().sentAt()).isNull();
        assertThat(store().events(m.id())).extracting(EmailEvent::type).containsExactly(EventType.CANCELLED);
    }

    @Test
    void retryByTheOwnerReschedulesTheEntry() {
        EmailMessage m = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);
        Instant next = NOW.plusSeconds(300);

        assertThat(store().complete(m.id(), "w1", retry(m.id(), NOW.plusSeconds(1), next))).isTrue();

        EmailMessage after = message(m.id());
        assertThat(after.status()).isEqualTo(EmailStatus.QUEUED);
        assertThat(after.metadata().nextAttemptAt()).isEqualTo(next);
        assertThat(after.metadata().smtpResponse()).isEqualTo("451 4.7.1 try later");
        assertThat(after.metadata().error()).isEqualTo("451 4.7.1 try later");
        assertThat(after.metadata().attempts()).isEqualTo(1);
        assertThat(after.metadata().sentAt()).isNull();
        assertThat(store().startSending(m.id(), "w1", NOW.plusSeconds(1))).isFalse();
        assertThat(store().events(m.id())).extracting(EmailEvent::type).containsExactly(EventType.RETRY);

        // Not due before nextAttemptAt, even though the old lease would long have expired.
        assertThat(store().claimDue(next.minusSeconds(1), "w2", LEASE, 10)).isEmpty();
        List<DeliveryJob> again = store().claimDue(next, "w2", LEASE, 10);
        assertThat(ids(again)).containsExactly(m.id());
        assertThat(again.get(0).attempt()).isEqualTo(2);
        assertThat(again.get(0).message().metadata().attempts()).isEqualTo(2);
    }

    @Test
    void retryCanBeClaimedBeforeTheOldLeaseWouldHaveExpired() {
        EmailMessage m = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);
        store().complete(m.id(), "w1", retry(m.id(), NOW, NOW.plusSeconds(10)));

        assertThat(ids(store().claimDue(NOW.plusSeconds(10), "w2", LEASE, 10))).containsExactly(m.id());
    }

    @Test
    void retryOfAScheduledMessageMakesItQueued() {
        EmailMessage m = store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.SCHEDULED, NOW));
        store().claimDue(NOW, "w1", LEASE, 10);

        assertThat(store().complete(m.id(), "w1", retry(m.id(), NOW, NOW.plusSeconds(60)))).isTrue();
        assertThat(message(m.id()).status()).isEqualTo(EmailStatus.QUEUED);
    }

    @Test
    void retryByANonOwnerIsRefused() {
        EmailMessage m = enqueue(NOW);
        DeliveryJob job = store().claimDue(NOW, "w1", LEASE, 10).get(0);

        assertThat(store().complete(m.id(), "w2", retry(m.id(), NOW.plusSeconds(1), NOW.plusSeconds(60)))).isFalse();

        assertThat(message(m.id())).isEqualTo(job.message());
        assertThat(store().events(m.id())).isEmpty();
        assertThat(store().startSending(m.id(), "w1", NOW.plusSeconds(1))).isTrue();
    }

    @Test
    void retryOfAnUnclaimedEntryIsRefused() {
        EmailMessage m = enqueue(NOW);

        assertThat(store().complete(m.id(), "w1", retry(m.id(), NOW, NOW.plusSeconds(60)))).isFalse();
        assertThat(message(m.id())).isEqualTo(m);
        assertThat(ids(store().claimDue(NOW, "w1", LEASE, 10))).containsExactly(m.id());
    }

    @Test
    void retryByAWorkerWhoseLeaseWasTakenOverIsRefused() {
        EmailMessage m = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);
        store().claimDue(NOW.plus(LEASE), "w2", LEASE, 10);

        assertThat(store().complete(m.id(), "w1", retry(m.id(), NOW.plus(LEASE), NOW.plusSeconds(3600)))).isFalse();
        assertThat(store().startSending(m.id(), "w2", NOW.plus(LEASE))).isTrue();
        assertThat(message(m.id()).metadata().nextAttemptAt()).isEqualTo(NOW);
    }

    // ---- release ------------------------------------------------------------------------------------

    @Test
    void releaseGivesBackTheLeaseWithoutCountingTheAttempt() {
        EmailMessage m = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);

        store().release(m.id(), "w1");

        assertThat(store().startSending(m.id(), "w1", NOW)).isFalse();
        assertThat(message(m.id()).metadata().attempts()).isZero();
        assertThat(message(m.id()).status()).isEqualTo(EmailStatus.QUEUED);
        List<DeliveryJob> again = store().claimDue(NOW, "w2", LEASE, 10);
        assertThat(ids(again)).containsExactly(m.id());
        assertThat(again.get(0).attempt()).isEqualTo(1);
    }

    @Test
    void releaseUndoesOnlyTheReleasedClaim() {
        EmailMessage m = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);
        store().claimDue(NOW.plus(LEASE), "w2", LEASE, 10);

        store().release(m.id(), "w2");

        assertThat(message(m.id()).metadata().attempts()).isEqualTo(1);
        assertThat(store().claimDue(NOW.plus(LEASE), "w3", LEASE, 10).get(0).attempt()).isEqualTo(2);
    }

    @Test
    void releaseByANonOwnerChangesNothing() {
        EmailMessage m = enqueue(NOW);
        DeliveryJob job = store().claimDue(NOW, "w1", LEASE, 10).get(0);

        store().release(m.id(), "w2");

        assertThat(store().startSending(m.id(), "w1", NOW)).isTrue();
        assertThat(message(m.id())).isEqualTo(job.message());
        assertThat(store().claimDue(NOW, "w2", LEASE, 10)).isEmpty();
    }

    @Test
    void releaseOfAnUnleasedOrUnknownEntryChangesNothing() {
        EmailMessage m = enqueue(NOW);

        store().release(m.id(), "w1");
        store().release(987654, "w1");

        assertThat(message(m.id())).isEqualTo(m);
        assertThat(store().claimDue(NOW, "w1", LEASE, 10).get(0).attempt()).isEqualTo(1);
    }

    // ---- holdsLease ---------------------------------------------------------------------------------

    @Test
    void holdsLeaseOnlyForTheOwnerBeforeExpiry() {
        EmailMessage m = enqueue(NOW);
        assertThat(store().startSending(m.id(), "w1", NOW)).isFalse();
        store().claimDue(NOW, "w1", LEASE, 10);

        assertThat(store().startSending(m.id(), "w1", NOW)).isTrue();
        assertThat(store().startSending(m.id(), "w1", NOW.plus(LEASE).minusSeconds(1))).isTrue();
        assertThat(store().startSending(m.id(), "w1", NOW.plus(LEASE))).isFalse();
        assertThat(store().startSending(m.id(), "w2", NOW)).isFalse();
        assertThat(store().startSending(987654, "w1", NOW)).isFalse();
    }

    @Test
    void holdsLeaseIsFalseOnceCancelled() {
        EmailMessage m = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);

        store().cancel(m.id(), NOW.plusSeconds(1));

        assertThat(store().startSending(m.id(), "w1", NOW.plusSeconds(1))).isFalse();
    }

    // ---- cancel -------------------------------------------------------------------------------------

    @Test
    void cancelOfAPendingMessage() {
        EmailMessage m = enqueue(NOW.plusSeconds(60));
        Instant at = NOW.plusSeconds(5);

        EmailMessage cancelled = store().cancel(m.id(), at).orElseThrow();

        assertThat(cancelled.status()).isEqualTo(EmailStatus.CANCELLED);
        assertThat(cancelled.metadata().cancelledAt()).isEqualTo(at);
        assertThat(cancelled.metadata().nextAttemptAt()).isNull();
        assertThat(cancelled.metadata()).isEqualTo(m.metadata().toBuilder()
                .status(EmailStatus.CANCELLED).cancelledAt(at).nextAttemptAt(null).build());
        assertThat(message(m.id())).isEqualTo(cancelled);
        assertThat(store().claimDue(NOW.plusSeconds(3600), "w1", LEASE, 10)).isEmpty();

        List<EmailEvent> events = store().events(m.id());
        assertThat(events).hasSize(1);
        assertThat(events.get(0).id()).isPositive();
        assertThat(events.get(0)).isEqualTo(EmailEvent.of(m.id(), EventType.CANCELLED, at, Map.of())
                .withId(events.get(0).id()));
    }

    @Test
    void cancelOfAScheduledMessage() {
        EmailMessage m = store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.SCHEDULED, NOW.plusSeconds(86400)));

        assertThat(store().cancel(m.id(), NOW).orElseThrow().status()).isEqualTo(EmailStatus.CANCELLED);
        assertThat(store().claimDue(NOW.plusSeconds(86400), "w1", LEASE, 10)).isEmpty();
    }

    @Test
    void cancelOfAClaimedMessageStopsItsDelivery() {
        EmailMessage m = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);

        assertThat(store().cancel(m.id(), NOW.plusSeconds(1)).orElseThrow().status())
                .isEqualTo(EmailStatus.CANCELLED);
        assertThat(store().claimDue(NOW.plus(LEASE).plus(LEASE), "w2", LEASE, 10)).isEmpty();
    }

    @Test
    void cancelOfASentMessageChangesNothing() {
        EmailMessage m = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);
        store().complete(m.id(), "w1", sent(m.id(), NOW.plusSeconds(1)));
        EmailMessage sent = message(m.id());

        assertThat(store().cancel(m.id(), NOW.plusSeconds(2))).contains(sent);
        assertThat(message(m.id())).isEqualTo(sent);
        assertThat(store().events(m.id())).extracting(EmailEvent::type).containsExactly(EventType.SENT);
    }

    @Test
    void cancelTwiceKeepsTheFirstCancellation() {
        EmailMessage m = enqueue(NOW);
        EmailMessage first = store().cancel(m.id(), NOW.plusSeconds(1)).orElseThrow();

        assertThat(store().cancel(m.id(), NOW.plusSeconds(2))).contains(first);
        assertThat(store().events(m.id())).hasSize(1);
    }

    @Test
    void cancelOfAnUnknownMessageIsEmpty() {
        assertThat(store().cancel(987654, NOW)).isEmpty();
    }

    // ---- opens and events -----------------------------------------------------------------------------

    private EmailMessage sentMessage() {
        EmailMessage m = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);
        assertThat(store().complete(m.id(), "w1", sent(m.id(), NOW.plusSeconds(1)))).isTrue();
        return message(m.id());
    }

    @Test
    void firstOpenOfASentMessageMakesItRead() {
        EmailMessage m = sentMessage();
        Instant firstOpen = NOW.plusSeconds(600);

        assertThat(store().recordOpen(open(m.id(), firstOpen))).isTrue();

        EmailMessage read = message(m.id());
        assertThat(read.status()).isEqualTo(EmailStatus.READ);
        assertThat(read.metadata().readAt()).isEqualTo(firstOpen);
        assertThat(read.metadata().sentAt()).isEqualTo(NOW.plusSeconds(1));

        assertThat(store().recordOpen(open(m.id(), NOW.plusSeconds(1200)))).isFalse();
        assertThat(message(m.id())).isEqualTo(read);

        List<EmailEvent> events = store().events(m.id());
        assertThat(events).extracting(EmailEvent::type).containsExactly(EventType.SENT, EventType.OPEN, EventType.OPEN);
        assertThat(events.get(1)).isEqualTo(open(m.id(), firstOpen).withId(events.get(1).id()));
        assertThat(events.get(2).occurredAt()).isEqualTo(NOW.plusSeconds(1200));
    }

    @Test
    void openOfAMessageThatIsNotSentIsRecordedWithoutChangingIt() {
        EmailMessage m = enqueue(NOW);

        assertThat(store().recordOpen(open(m.id(), NOW.plusSeconds(5)))).isFalse();

        assertThat(message(m.id())).isEqualTo(m);
        assertThat(store().events(m.id())).extracting(EmailEvent::type).containsExactly(EventType.OPEN);
    }

    @Test
    void openOfABouncedMessageDoesNotMakeItRead() {
        EmailMessage m = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);
        store().complete(m.id(), "w1", new DeliveryUpdate(EmailStatus.BOUNCED, NOW, null, "550", "550", List.of(),
                null));

        assertThat(store().recordOpen(open(m.id(), NOW.plusSeconds(5)))).isFalse();
        assertThat(message(m.id()).status()).isEqualTo(EmailStatus.BOUNCED);
        assertThat(message(m.id()).metadata().readAt()).isNull();
    }

    @Test
    void addEventAssignsAnIdAndKeepsEverythingElse() {
        EmailMessage m = enqueue(NOW);
        EmailEvent click = new EmailEvent(0, m.id(), EventType.CLICK, NOW.plusSeconds(9), "Mozilla/5.0 (X11)",
                "2001:db8::1", true, Map.of("url", "https://acme.com/offer"));

        EmailEvent stored = store().addEvent(click);

        assertThat(stored.id()).isPositive();
        assertThat(stored).isEqualTo(click.withId(stored.id()));
        assertThat(store().events(m.id())).containsExactly(stored);
    }

    @Test
    void eventsAreOldestFirstAndPerMessage() {
        EmailMessage a = enqueue(NOW);
        EmailMessage b = enqueue(NOW);
        EmailEvent a1 = store().addEvent(EmailEvent.of(a.id(), EventType.QUEUED, NOW, Map.of()));
        EmailEvent b1 = store().addEvent(EmailEvent.of(b.id(), EventType.QUEUED, NOW, Map.of()));
        EmailEvent a2 = store().addEvent(EmailEvent.of(a.id(), EventType.RETRY, NOW.plusSeconds(1),
                Map.of("error", "timeout")));
        EmailEvent a3 = store().addEvent(EmailEvent.of(a.id(), EventType.DELIVERED, NOW.plusSeconds(2), Map.of()));

        assertThat(a2.id()).isGreaterThan(b1.id());
        assertThat(b1.id()).isGreaterThan(a1.id());
        assertThat(a3.id()).isGreaterThan(a2.id());
        assertThat(store().events(a.id())).containsExactly(a1, a2, a3);
        assertThat(store().events(b.id())).containsExactly(b1);
        assertThat(store().events(987654)).isEmpty();
    }

    // ---- signatures -------------------------------------------------------------------------------------

    @Test
    void saveSignatureCreatesAndFinds() {
        Signature created = store().saveSignature(signature(ACCOUNT, 42, "Formal", false));

        assertThat(created.id()).isPositive();
        assertThat(created).isEqualTo(new Signature(created.id(), ACCOUNT, 42, "Formal", "<p>Formal</p>", false,
                NOW, NOW));
        assertThat(store().findSignature(created.id())).contains(created);
        assertThat(store().findSignature(987654)).isEmpty();
    }

    @Test
    void saveSignatureUpdatesInPlace() {
        Signature created = store().saveSignature(signature(ACCOUNT, 42, "Formal", false));
        Signature changed = new Signature(created.id(), ACCOUNT, 42, "Casual", "<p>Cheers</p>", false,
                created.createdAt(), NOW.plusSeconds(60));

        assertThat(store().saveSignature(changed)).isEqualTo(changed);
        assertThat(store().findSignature(created.id())).contains(changed);
        assertThat(store().signatures(ACCOUNT, 42)).containsExactly(changed);
    }

    @Test
    void signaturesAreOldestFirstAndScopedToTheUserOfTheAccount() {
        Signature a = store().saveSignature(signature(ACCOUNT, 42, "A", false));
        Signature otherUser = store().saveSignature(signature(ACCOUNT, 43, "other user", false));
        Signature b = store().saveSignature(signature(ACCOUNT, 42, "B", true));
        Signature otherAccount = store().saveSignature(signature(OTHER_ACCOUNT, 42, "other account", false));
        Signature c = store().saveSignature(signature(ACCOUNT, 42, "C", false));

        assertThat(b.id()).isGreaterThan(a.id());
        assertThat(store().signatures(ACCOUNT, 42)).containsExactly(a, b, c);
        assertThat(store().signatures(ACCOUNT, 43)).containsExactly(otherUser);
        assertThat(store().signatures(OTHER_ACCOUNT, 42)).containsExactly(otherAccount);
        assertThat(store().signatures(OTHER_ACCOUNT, 43)).isEmpty();
    }

    @Test
    void onlyOneDefaultSignaturePerUser() {
        Signature first = store().saveSignature(signature(ACCOUNT, 42, "first", true));
        Signature otherUser = store().saveSignature(signature(ACCOUNT, 43, "other user", true));
        Signature otherAccount = store().saveSignature(signature(OTHER_ACCOUNT, 42, "other account", true));

        Signature second = store().saveSignature(signature(ACCOUNT, 42, "second", true));

        assertThat(second.isDefault()).isTrue();
        assertThat(store().findSignature(first.id()).orElseThrow().isDefault()).isFalse();
        assertThat(store().findSignature(first.id()).orElseThrow().name()).isEqualTo("first");
        assertThat(store().findSignature(otherUser.id())).contains(otherUser);
        assertThat(store().findSignature(otherAccount.id())).contains(otherAccount);

        // Making the first one default again by update moves the flag back.
        Signature firstAgain = new Signature(first.id(), ACCOUNT, 42, "first", "<p>first</p>", true, NOW,
                NOW.plusSeconds(1));
        store().saveSignature(firstAgain);
        assertThat(store().signatures(ACCOUNT, 42)).extracting(Signature::isDefault).containsExactly(true, false);

        // Saving a non-default signature leaves the default alone.
        store().saveSignature(signature(ACCOUNT, 42, "third", false));
        assertThat(store().signatures(ACCOUNT, 42)).extracting(Signature::isDefault)
                .containsExactly(true, false, false);
    }

    @Test
    void deleteSignature() {
        Signature keep = store().saveSignature(signature(ACCOUNT, 42, "keep", false));
        Signature gone = store().saveSignature(signature(ACCOUNT, 42, "gone", true));

        assertThat(store().deleteSignature(gone.id())).isTrue();
        assertThat(store().deleteSignature(gone.id())).isFalse();
        assertThat(store().deleteSignature(987654)).isFalse();
        assertThat(store().findSignature(gone.id())).isEmpty();
        assertThat(store().signatures(ACCOUNT, 42)).containsExactly(keep);
    }

    // ---- integrations -------------------------------------------------------------------------------------

    @Test
    void saveIntegrationAssignsAnIdAndFinds() {
        SmtpIntegration saved = store().saveIntegration(integration(ACCOUNT, "smtp@acme.com"));

        assertThat(saved.id()).isPositive();
        assertThat(saved).isEqualTo(integration(ACCOUNT, "smtp@acme.com").toBuilder().id(saved.id()).build());
        assertThat(store().findIntegration(saved.id())).contains(saved);
        assertThat(store().findIntegration(987654)).isEmpty();
    }

    @Test
    void saveIntegrationReplacesByIdAndKeepsEveryField() {
        SmtpIntegration saved = store().saveIntegration(integration(ACCOUNT, "old"));
        SmtpIntegration changed = saved.toBuilder()
                .label("new")
                .host("mail.acme.com")
                .port(465)
                .security(SmtpSecurity.TLS)
                .credentials(null, null)
                .fromDomains("acme.com", "acme.org")
                .fromIdentities(List.of())
                .disablePixel(true)
                .maxConnections(1)
                .maxMessagesPerSecond(0.5)
                .connectTimeout(Duration.ofSeconds(2))
                .readTimeout(Duration.ofMinutes(2))
                .build();

        assertThat(store().saveIntegration(changed)).isEqualTo(changed);
        assertThat(store().findIntegration(saved.id())).contains(changed);
        assertThat(store().integrations(ACCOUNT)).containsExactly(changed);
    }

    @Test
    void saveIntegrationWithAGivenIdDoesNotCollideWithAssignedIds() {
        SmtpIntegration auto = store().saveIntegration(integration(ACCOUNT, "auto"));
        SmtpIntegration explicit = store().saveIntegration(
                integration(ACCOUNT, "explicit").toBuilder().id(auto.id() + 50).build());
        SmtpIntegration later = store().saveIntegration(integration(ACCOUNT, "later"));

        assertThat(explicit.id()).isEqualTo(auto.id() + 50);
        assertThat(store().findIntegration(explicit.id())).contains(explicit);
        assertThat(later.id()).isNotIn(auto.id(), explicit.id());
        assertThat(store().integrations(ACCOUNT)).hasSize(3).contains(auto, explicit, later);
    }

    @Test
    void integrationsAreByIdAndScopedToTheAccount() {
        SmtpIntegration a = store().saveIntegration(integration(ACCOUNT, "a"));
        SmtpIntegration other = store().saveIntegration(integration(OTHER_ACCOUNT, "other"));
        SmtpIntegration b = store().saveIntegration(integration(ACCOUNT, "b"));

        assertThat(store().integrations(ACCOUNT)).containsExactly(a, b);
        assertThat(store().integrations(OTHER_ACCOUNT)).containsExactly(other);
        assertThat(store().integrations(3)).isEmpty();
    }

    // ---- concurrency --------------------------------------------------------------------------------------

    @Test
    void concurrentClaimsHandOutEveryMessageExactlyOnce() throws Exception {
        Set<Long> expected = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            expected.add(enqueue(1 + i % 5, NOW.minusSeconds(i % 37)).id());
        }
        int threads = 4;
        ConcurrentLinkedQueue<DeliveryJob> claimed = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String owner = "worker-" + t;
                futures.add(pool.submit(() -> {
                    start.await();
                    while (true) {
                        List<DeliveryJob> jobs = store().claimDue(NOW, owner, LEASE, 10);
                        if (jobs.isEmpty()) {
                            return null;
                        }
                        assertThat(jobs).hasSizeLessThanOrEqualTo(10)
                                .allSatisfy(j -> assertThat(j.leaseOwner()).isEqualTo(owner));
                        claimed.addAll(jobs);
                    }
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        List<Long> ids = claimed.stream().map(DeliveryJob::messageId).toList();
        assertThat(ids).doesNotHaveDuplicates().hasSize(500);
        assertThat(new HashSet<>(ids)).isEqualTo(expected);
        assertThat(claimed).allSatisfy(j -> assertThat(j.attempt()).isEqualTo(1));
        assertThat(claimed).allSatisfy(j -> assertThat(store().startSending(j.messageId(), j.leaseOwner(), NOW)).isTrue());
        assertThat(store().claimDue(NOW, "late", LEASE, 10)).isEmpty();
    }
}
