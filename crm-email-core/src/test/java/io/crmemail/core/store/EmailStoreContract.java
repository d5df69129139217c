package io.crmemail.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.crmemail.core.integration.DkimAlgorithm;
import io.crmemail.core.integration.DkimKey;
import io.crmemail.core.integration.ImapSettings;
import io.crmemail.core.integration.IntegrationKind;
import io.crmemail.core.integration.OAuthSettings;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.integration.SmtpSecurity;
import io.crmemail.core.message.AttachmentRef;
import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.message.RecipientResult;
import io.crmemail.core.message.UnifiedStatus;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.signature.Signature;
import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
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

    private static EmailEvent click(long messageId, Instant at) {
        return new EmailEvent(0, messageId, EventType.CLICK, at, "Mozilla/5.0", "203.0.113.7", false,
                Map.of("url", "https://acme.com/offer"));
    }

    private static EmailEvent automated(EmailEvent e) {
        return new EmailEvent(e.id(), e.messageId(), e.type(), e.occurredAt(), "Barracuda scanner", e.ipAddress(), true,
                e.details());
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
    void everyTokenKindAndEventTypeIsKeptAsGiven() {
        // Column widths and any check constraints must take every kind there is, e.g. the unsubscribe token.
        List<NewToken> tokens = new ArrayList<>();
        for (TokenKind kind : TokenKind.values()) {
            tokens.add(new NewToken(kind.wire() + "-" + io.crmemail.core.tracking.Tokens.unsubscribeToken(), kind,
                    kind == TokenKind.CLICK ? "https://acme.com/x" : null));
        }
        EmailMessage m = store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.QUEUED, NOW,
                tokens.toArray(NewToken[]::new)));
        for (NewToken t : tokens) {
            assertThat(store().findToken(t.token())).as(t.kind().wire()).map(TrackingToken::kind).contains(t.kind());
        }
        for (EventType type : EventType.values()) {
            EmailEvent stored = store().addEvent(EmailEvent.of(m.id(), type, NOW, Map.of("email", "lead@example.org")));
            assertThat(store().events(m.id())).as(type.wire()).contains(stored);
        }
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
    void aPartialRetryKeepsItsRecipientResultsAndTheFinalOutcomeMergesThem() {
        EmailMessage m = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);
        Instant at = NOW.plusSeconds(1);
        Instant next = NOW.plusSeconds(1800);
        DeliveryUpdate partial = new DeliveryUpdate(EmailStatus.QUEUED, at, next, "451 greylisted", "deferred",
                List.of(new RecipientResult("lead@example.org", true, 250, "250 OK"),
                        new RecipientResult("Pat@Later.example", false, 451, "451 greylisted")),
                EmailEvent.of(m.id(), EventType.RETRY, at, Map.of()), null,
                EmailEvent.of(m.id(), EventType.DELIVERED, at, Map.of("recipients", "lead@example.org")));

        assertThat(store().complete(m.id(), "w1", partial)).isTrue();
        EmailMessage waiting = message(m.id());
        assertThat(waiting.metadata().recipients()).extracting(RecipientResult::email, RecipientResult::accepted)
                .containsExactly(tuple("lead@example.org", true), tuple("Pat@Later.example", false));
        assertThat(waiting.metadata().deliveredAt()).isEqualTo(at);

        store().claimDue(next, "w2", LEASE, 10);
        Instant end = next.plusSeconds(1);
        assertThat(store().complete(m.id(), "w2", new DeliveryUpdate(EmailStatus.SENT, end, null, "250 OK", null,
                List.of(new RecipientResult("pat@later.example", true, 250, "250 OK")),
                EmailEvent.of(m.id(), EventType.SENT, end, Map.of())))).isTrue();

        EmailMessage after = message(m.id());
        assertThat(after.status()).isEqualTo(EmailStatus.SENT);
        assertThat(after.metadata().recipients()).extracting(RecipientResult::email, RecipientResult::accepted)
                .containsExactly(tuple("lead@example.org", true), tuple("pat@later.example", true));
        assertThat(after.metadata().deliveredAt()).isEqualTo(at);
        assertThat(store().events(m.id())).extracting(EmailEvent::type)
                .containsExactly(EventType.RETRY, EventType.DELIVERED, EventType.SENT);
    }

    @Test
    void aPartialRetryWithASentEventStampsSentAtWhichTheFinalOutcomeKeeps() {
        EmailMessage m = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);
        Instant at = NOW.plusSeconds(1);
        DeliveryUpdate partial = new DeliveryUpdate(EmailStatus.QUEUED, at, NOW.plusSeconds(60), "451", "deferred",
                List.of(new RecipientResult("lead@example.org", true, 250, "250 OK")),
                EmailEvent.of(m.id(), EventType.RETRY, at, Map.of()))
                .withSentEvent(EmailEvent.of(m.id(), EventType.SENT, at, Map.of()));

        assertThat(store().complete(m.id(), "w1", partial)).isTrue();
        assertThat(message(m.id()).metadata().sentAt()).isEqualTo(at);

        store().claimDue(NOW.plusSeconds(60), "w2", LEASE, 10);
        Instant end = NOW.plusSeconds(61);
        assertThat(store().complete(m.id(), "w2", new DeliveryUpdate(EmailStatus.SENT, end, null, null, "suppressed",
                List.of(), EmailEvent.of(m.id(), EventType.DROPPED, end, Map.of())))).isTrue();
        assertThat(message(m.id()).metadata().sentAt()).isEqualTo(at);
        assertThat(store().events(m.id())).extracting(EmailEvent::type)
                .containsExactly(EventType.SENT, EventType.RETRY, EventType.DROPPED);
    }

    @Test
    void aSentOutcomeWithADeliveredEventStampsDeliveredInTheSameCall() {
        EmailMessage m = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);
        Instant at = NOW.plusSeconds(2);

        assertThat(store().complete(m.id(), "w1", sent(m.id(), at).withDeliveredEvent(
                EmailEvent.of(m.id(), EventType.DELIVERED, at, Map.of("smtpResponse", "250 OK"))))).isTrue();

        EmailMessage after = message(m.id());
        assertThat(after.metadata().sentAt()).isEqualTo(at);
        assertThat(after.metadata().deliveredAt()).isEqualTo(at);
        assertThat(UnifiedStatus.of(after)).isEqualTo(UnifiedStatus.DELIVERED);
        assertThat(store().events(m.id())).extracting(EmailEvent::type)
                .containsExactly(EventType.SENT, EventType.DELIVERED);
        assertThat(store().events(m.id()).get(1).details()).containsEntry("smtpResponse", "250 OK");
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

    // ---- startSending -------------------------------------------------------------------------------

    @Test
    void startSendingOnlyForTheOwnerBeforeExpiry() {
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
    void startSendingIsRefusedOnceCancelled() {
        EmailMessage m = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);

        store().cancel(m.id(), NOW.plusSeconds(1));

        assertThat(store().startSending(m.id(), "w1", NOW.plusSeconds(1))).isFalse();
    }

    // ---- batched delivery calls: startSendingAll, completeAll, tokens of several messages ----------------

    @Test
    void enqueueWithAFirstEventRecordsItWithTheMessage() {
        NewEmail email = newEmail(ACCOUNT, RECORD, EmailStatus.QUEUED, NOW).withFirstEvent(EventType.QUEUED);

        EmailMessage m = store().enqueue(email);

        List<EmailEvent> events = store().events(m.id());
        assertThat(events).hasSize(1);
        assertThat(events.get(0).id()).isPositive();
        assertThat(events.get(0)).isEqualTo(EmailEvent.of(m.id(), EventType.QUEUED, email.createdAt(), Map.of())
                .withId(events.get(0).id()));
        assertThat(store().events(enqueue(NOW).id())).as("no first event asked for").isEmpty();
    }

    @Test
    void aFailedEnqueueStoresNoFirstEventEither() {
        EmailMessage first = store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.QUEUED, NOW,
                NewToken.of("taken-token", TokenKind.PIXEL)));

        assertThatThrownBy(() -> store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.QUEUED, NOW,
                NewToken.of("taken-token", TokenKind.PIXEL)).withFirstEvent(EventType.QUEUED)))
                .isInstanceOf(DuplicateTokenException.class);

        assertThat(store().listForRecord(ACCOUNT, RECORD)).extracting(EmailMessage::id).containsExactly(first.id());
        EmailMessage next = store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.QUEUED, NOW)
                .withFirstEvent(EventType.SCHEDULED));
        assertThat(store().events(next.id())).extracting(EmailEvent::type).containsExactly(EventType.SCHEDULED);
        for (long id = first.id() + 1; id < next.id(); id++) {
            assertThat(store().events(id)).as("events of the failed enqueue").isEmpty();
        }
    }

    @Test
    void tokensOfSeveralMessagesInOneCall() {
        EmailMessage m = store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.QUEUED, NOW,
                NewToken.of("many-pixel", TokenKind.PIXEL), NewToken.of("many-reply", TokenKind.REPLY),
                new NewToken("many-click", TokenKind.CLICK, "https://acme.com/a")));
        EmailMessage other = store().enqueue(newEmail(OTHER_ACCOUNT, OTHER_RECORD, EmailStatus.QUEUED, NOW,
                NewToken.of("many-other", TokenKind.PIXEL)));
        EmailMessage none = store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.QUEUED, NOW));

        Map<Long, List<TrackingToken>> tokens = store().tokens(List.of(m.id(), other.id(), none.id(), 987654L));

        assertThat(tokens.get(m.id())).isEqualTo(store().tokens(m.id()));
        assertThat(tokens.get(m.id())).extracting(TrackingToken::token)
                .containsExactly("many-pixel", "many-reply", "many-click");
        assertThat(tokens.get(other.id())).isEqualTo(store().tokens(other.id())).hasSize(1);
        assertThat(tokens.getOrDefault(none.id(), List.of())).isEmpty();
        assertThat(tokens.getOrDefault(987654L, List.of())).isEmpty();
        assertThat(store().tokens(List.of())).isEmpty();
    }

    @Test
    void startSendingAllMarksEachEntryByTheRuleOfStartSending() {
        EmailMessage mine = enqueue(NOW);
        EmailMessage cancelled = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);
        EmailMessage theirs = enqueue(ACCOUNT, NOW);
        store().claimDue(NOW, "w2", LEASE, 10);
        EmailMessage unclaimed = enqueue(NOW.plusSeconds(3600));
        store().cancel(cancelled.id(), NOW);

        Set<Long> marked = store().startSendingAll(
                List.of(mine.id(), cancelled.id(), theirs.id(), unclaimed.id(), 987654L), "w1", NOW.plusSeconds(1));

        assertThat(marked).containsExactly(mine.id());
        // Marked: a cancel is refused now, and the message is still pending.
        assertThat(store().cancel(mine.id(), NOW.plusSeconds(2)).orElseThrow().status()).isEqualTo(EmailStatus.QUEUED);
        assertThat(store().cancel(theirs.id(), NOW.plusSeconds(2)).orElseThrow().status())
                .isEqualTo(EmailStatus.CANCELLED);
        assertThat(store().startSendingAll(List.of(mine.id()), "w1", NOW.plus(LEASE))).isEmpty();
        assertThat(store().startSendingAll(List.of(), "w1", NOW)).isEmpty();
    }

    @Test
    void completeAllAppliesEachOutcomeByTheRulesOfComplete() {
        EmailMessage sent = enqueue(NOW);
        EmailMessage retried = enqueue(NOW);
        EmailMessage lostLease = enqueue(NOW);
        EmailMessage cancelled = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);
        store().cancel(cancelled.id(), NOW.plusSeconds(1));
        // w1 gives lostLease back and w2 takes it over: w1's retry of it must not apply.
        store().release(lostLease.id(), "w1");
        store().claimDue(NOW, "w2", LEASE, 10);
        EmailMessage unclaimed = enqueue(NOW.plusSeconds(3600));
        Instant at = NOW.plusSeconds(2);
        Instant next = NOW.plusSeconds(300);
        DeliveryUpdate drop = new DeliveryUpdate(EmailStatus.DROPPED, at, null, null, "suppressed", List.of(),
                EmailEvent.of(unclaimed.id(), EventType.DROPPED, at, Map.of()));

        Set<Long> applied = store().completeAll("w1", List.of(
                new Completion(sent.id(), sent(sent.id(), at)),
                new Completion(retried.id(), retry(retried.id(), at, next)),
                new Completion(lostLease.id(), retry(lostLease.id(), at, next)),
                new Completion(cancelled.id(), sent(cancelled.id(), at)),
                new Completion(unclaimed.id(), drop),
                new Completion(987654, sent(987654, at))));

        assertThat(applied).containsExactlyInAnyOrder(sent.id(), retried.id(), unclaimed.id());
        assertThat(message(sent.id()).status()).isEqualTo(EmailStatus.SENT);
        assertThat(message(sent.id()).metadata().sentAt()).isEqualTo(at);
        assertThat(message(sent.id()).metadata().recipients())
                .containsExactly(new RecipientResult("lead@example.org", true, 250, "OK"));
        assertThat(store().events(sent.id())).extracting(EmailEvent::type).containsExactly(EventType.SENT);
        assertThat(message(retried.id()).status()).isEqualTo(EmailStatus.QUEUED);
        assertThat(message(retried.id()).metadata().nextAttemptAt()).isEqualTo(next);
        assertThat(message(retried.id()).metadata().error()).isEqualTo("451 4.7.1 try later");
        assertThat(store().events(retried.id())).extracting(EmailEvent::type).containsExactly(EventType.RETRY);
        assertThat(message(lostLease.id()).metadata().nextAttemptAt()).isEqualTo(NOW);
        assertThat(store().events(lostLease.id())).isEmpty();
        assertThat(store().startSending(lostLease.id(), "w2", at)).as("w2 still holds it").isTrue();
        assertThat(message(cancelled.id()).status()).isEqualTo(EmailStatus.CANCELLED);
        assertThat(store().events(cancelled.id())).extracting(EmailEvent::type).containsExactly(EventType.CANCELLED);
        assertThat(message(unclaimed.id()).status()).isEqualTo(EmailStatus.DROPPED);
        assertThat(store().events(987654)).isEmpty();

        // Due again: the retry at its next attempt, w2's entry once w2's lease ran out; nothing else.
        assertThat(ids(store().claimDue(next, "w3", LEASE, 10)))
                .containsExactlyInAnyOrder(retried.id(), lostLease.id());
    }

    @Test
    void completeAllMatchesCompleteMessageForMessage() {
        EmailMessage one = enqueue(NOW);
        EmailMessage two = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);
        EmailMessage three = enqueue(NOW);
        EmailMessage four = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);
        Instant at = NOW.plusSeconds(2);

        assertThat(store().complete(one.id(), "w1", sent(one.id(), at))).isTrue();
        assertThat(store().complete(two.id(), "w1", retry(two.id(), at, NOW.plusSeconds(60)))).isTrue();
        assertThat(store().completeAll("w1", List.of(new Completion(three.id(), sent(three.id(), at)),
                new Completion(four.id(), retry(four.id(), at, NOW.plusSeconds(60))))))
                .containsExactlyInAnyOrder(three.id(), four.id());

        assertThat(message(three.id()).metadata()).isEqualTo(message(one.id()).metadata().toBuilder()
                .messageId(three.metadata().messageId()).build());
        assertThat(message(four.id()).metadata()).isEqualTo(message(two.id()).metadata().toBuilder()
                .messageId(four.metadata().messageId()).build());
    }

    @Test
    void completeAllAppliesAnOutcomeOnce() {
        EmailMessage m = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);
        List<Completion> outcome = List.of(new Completion(m.id(), sent(m.id(), NOW.plusSeconds(1))));

        assertThat(store().completeAll("w1", outcome)).containsExactly(m.id());
        assertThat(store().completeAll("w1", outcome)).isEmpty();
        assertThat(store().complete(m.id(), "w1", sent(m.id(), NOW.plusSeconds(2)))).isFalse();

        assertThat(store().events(m.id())).extracting(EmailEvent::type).containsExactly(EventType.SENT);
        assertThat(store().completeAll("w1", List.of())).isEmpty();
    }

    @Test
    void completeAllRefusesAMessageGivenTwiceAndAppliesNothing() {
        EmailMessage m = enqueue(NOW);
        EmailMessage other = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);

        assertThatThrownBy(() -> store().completeAll("w1", List.of(
                new Completion(other.id(), sent(other.id(), NOW)),
                new Completion(m.id(), sent(m.id(), NOW)),
                new Completion(m.id(), retry(m.id(), NOW, NOW.plusSeconds(60))))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("message " + m.id() + " given twice");

        assertThat(message(m.id()).status()).isEqualTo(EmailStatus.QUEUED);
        assertThat(message(other.id()).status()).isEqualTo(EmailStatus.QUEUED);
        assertThat(store().events(other.id())).isEmpty();
    }

    @Test
    void completeAllOfManyMessages() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            ids.add(enqueue(i % 2 == 0 ? ACCOUNT : OTHER_ACCOUNT, NOW).id());
        }
        assertThat(store().claimDue(NOW, "w1", LEASE, 200)).hasSize(120);
        assertThat(store().startSendingAll(ids, "w1", NOW)).containsExactlyInAnyOrderElementsOf(ids);

        Set<Long> applied = store().completeAll("w1",
                ids.stream().map(id -> new Completion(id, sent(id, NOW.plusSeconds(1)))).toList());

        assertThat(applied).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(ids).allSatisfy(id -> assertThat(message(id).status()).isEqualTo(EmailStatus.SENT));
        assertThat(store().claimDue(NOW.plusSeconds(3600), "w2", LEASE, 200)).isEmpty();
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
    void anAutomatedOpenOfAMessageThatIsNotSentIsRecordedWithoutChangingIt() {
        EmailMessage m = enqueue(NOW);

        assertThat(store().recordOpen(automated(open(m.id(), NOW.plusSeconds(5))))).isFalse();

        assertThat(message(m.id())).isEqualTo(m);
        assertThat(store().events(m.id())).extracting(EmailEvent::type).containsExactly(EventType.OPEN);
    }

    @Test
    void aHumanOpenOfAMessageThatIsNotSentOnlyStampsFirstOpenedAt() {
        EmailMessage m = enqueue(NOW);

        assertThat(store().recordOpen(open(m.id(), NOW.plusSeconds(5)))).isFalse();

        assertThat(message(m.id())).isEqualTo(m.withMetadata(m.metadata().toBuilder()
                .firstOpenedAt(NOW.plusSeconds(5)).build()));
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
    void connectedMailboxAndDirectIntegrationsKeepTheirKindSettings() {
        SmtpIntegration gmail = SmtpIntegration.builder()
                .accountId(ACCOUNT)
                .kind(IntegrationKind.GMAIL)
                .ownerUserId(42L)
                .credentials("ana@gmail.com", null)
                .fromIdentities(new Mailbox("Ana", "ana@gmail.com"))
                .oauth(new OAuthSettings("https://oauth2.googleapis.com/token", "client-1", "client-secret",
                        "refresh-1", "https://mail.google.com/"))
                .imap(new ImapSettings("imap.gmail.com", 993, SmtpSecurity.TLS, "ana@gmail.com", null, "INBOX",
                        Duration.ofSeconds(90)))
                .listUnsubscribe(true)
                .build();
        SmtpIntegration direct = SmtpIntegration.builder()
                .accountId(ACCOUNT)
                .kind(IntegrationKind.DIRECT)
                .fromDomains("acme.com")
                .sandbox(true)
                .dkim(new DkimKey("acme.com", "s1", DkimAlgorithm.RSA_SHA256, "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----"),
                        new DkimKey("acme.com", "e1", DkimAlgorithm.ED25519_SHA256, "MC4CAQAwBQYDK2VwBCIEIA=="))
                .build();

        SmtpIntegration savedGmail = store().saveIntegration(gmail);
        SmtpIntegration savedDirect = store().saveIntegration(direct);

        assertThat(savedGmail.host()).isEqualTo("smtp.gmail.com");
        assertThat(savedGmail.label()).isEqualTo("ana@gmail.com");
        assertThat(savedDirect.port()).isEqualTo(25);
        assertThat(store().findIntegration(savedGmail.id())).contains(savedGmail);
        assertThat(store().findIntegration(savedDirect.id())).contains(savedDirect);
        SmtpIntegration plain = store().saveIntegration(savedGmail.toBuilder().kind(IntegrationKind.SMTP)
                .ownerUserId(null).oauth(null).imap(null).listUnsubscribe(false).build());
        assertThat(store().findIntegration(savedGmail.id())).contains(plain);
        assertThat(plain.usableBy(7)).isTrue();
        assertThat(savedGmail.usableBy(7)).isFalse();
        assertThat(savedGmail.usableBy(42)).isTrue();
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

    // ---- connected mailboxes ----------------------------------------------------------------------------

    private static ImapSettings imap(String username) {
        return new ImapSettings("imap.acme.com", 993, SmtpSecurity.TLS, username, "imap-secret", "INBOX",
                Duration.ofSeconds(30));
    }

    @Test
    void integrationsWithImapListsThoseOfEveryAccountById() {
        SmtpIntegration plain = store().saveIntegration(integration(ACCOUNT, "plain"));
        SmtpIntegration polled = store().saveIntegration(integration(ACCOUNT, "polled").toBuilder()
                .imap(imap("sales@acme.com")).build());
        SmtpIntegration dkimOnly = store().saveIntegration(integration(OTHER_ACCOUNT, "dkim").toBuilder()
                .dkim(new DkimKey("acme.com", "s1", DkimAlgorithm.ED25519_SHA256, "MC4CAQAwBQYDK2VwBCIEIA=="))
                .build());
        SmtpIntegration otherPolled = store().saveIntegration(integration(OTHER_ACCOUNT, "other").toBuilder()
                .imap(imap("other@acme.com")).build());

        assertThat(store().integrationsWithImap()).containsExactly(polled, otherPolled);
        assertThat(plain.id()).isNotIn(polled.id(), otherPolled.id());
        assertThat(dkimOnly.imap()).isNull();

        store().saveIntegration(polled.toBuilder().imap(null).build());
        assertThat(store().integrationsWithImap()).containsExactly(otherPolled);
    }

    @Test
    void mailboxCursorIsEmptyBeforeTheFirstSaveAndKeptPerIntegration() {
        assertThat(store().mailboxCursor(7)).isEmpty();

        store().saveMailboxCursor(7, null, new MailboxCursor("INBOX", 1700000000L, 41));
        store().saveMailboxCursor(8, null, new MailboxCursor("Replies", 5, 0));

        assertThat(store().mailboxCursor(7)).contains(new MailboxCursor("INBOX", 1700000000L, 41));
        assertThat(store().mailboxCursor(8)).contains(new MailboxCursor("Replies", 5, 0));
        assertThat(store().mailboxCursor(9)).isEmpty();
    }

    @Test
    void mailboxCursorMovesForwardAndNeverBackWithinOneEpoch() {
        MailboxCursor ten = new MailboxCursor("INBOX", 3, 10);
        store().saveMailboxCursor(7, null, ten);
        store().saveMailboxCursor(7, ten, new MailboxCursor("INBOX", 3, 12));
        assertThat(store().mailboxCursor(7)).contains(new MailboxCursor("INBOX", 3, 12));

        // A slower node saving what it read earlier does not undo the progress.
        store().saveMailboxCursor(7, ten, new MailboxCursor("INBOX", 3, 11));
        assertThat(store().mailboxCursor(7)).contains(new MailboxCursor("INBOX", 3, 12));

        // A new UIDVALIDITY or another folder starts over, even at lower UIDs.
        store().saveMailboxCursor(7, new MailboxCursor("INBOX", 3, 12), new MailboxCursor("INBOX", 4, 2));
        assertThat(store().mailboxCursor(7)).contains(new MailboxCursor("INBOX", 4, 2));
        store().saveMailboxCursor(7, new MailboxCursor("INBOX", 4, 2), new MailboxCursor("Replies", 4, 1));
        assertThat(store().mailboxCursor(7)).contains(new MailboxCursor("Replies", 4, 1));
    }

    @Test
    void mailboxCursorOfANewEpochIsNotUndoneByANodeStillReadingTheOldOne() {
        MailboxCursor old = new MailboxCursor("INBOX", 3, 10);
        store().saveMailboxCursor(7, null, old);
        // One node sees the folder renumbered and starts the new epoch.
        MailboxCursor fresh = new MailboxCursor("INBOX", 4, 2);
        store().saveMailboxCursor(7, old, fresh);

        // A slower node read the old cursor and still reads under the old UIDVALIDITY.
        store().saveMailboxCursor(7, old, new MailboxCursor("INBOX", 3, 11));
        assertThat(store().mailboxCursor(7)).contains(fresh);
        // Nor does a node that read no cursor at all replace it.
        store().saveMailboxCursor(7, null, new MailboxCursor("INBOX", 3, 12));
        assertThat(store().mailboxCursor(7)).contains(fresh);

        // A node that read the new epoch moves it on, and may start the next one.
        store().saveMailboxCursor(7, fresh, new MailboxCursor("INBOX", 4, 5));
        assertThat(store().mailboxCursor(7)).contains(new MailboxCursor("INBOX", 4, 5));
        store().saveMailboxCursor(7, fresh, new MailboxCursor("Replies", 1, 0));
        assertThat(store().mailboxCursor(7)).contains(new MailboxCursor("Replies", 1, 0));
    }

    @Test
    void concurrentCursorSavesKeepTheHighestUid() throws Exception {
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> saves = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                saves.add(pool.submit(() -> {
                    for (int uid = 1 + offset; uid <= 40; uid += threads) {
                        store().saveMailboxCursor(7, null, new MailboxCursor("INBOX", 9, uid));
                    }
                }));
            }
            for (Future<?> save : saves) {
                save.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store().mailboxCursor(7)).contains(new MailboxCursor("INBOX", 9, 40));
    }

    // ---- metadata round trip ----------------------------------------------------------------------------

    private static <V> Map<String, V> ordered(Object... keysAndValues) {
        Map<String, V> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            @SuppressWarnings("unchecked")
            V value = (V) keysAndValues[i + 1];
            map.put((String) keysAndValues[i], value);
        }
        return map;
    }

    @Test
    void everyMetadataFieldIsStoredAndReadBackEqualInOrder() {
        // Keys out of alphabetical order and of different lengths: a store that sorts keys would show it.
        EmailMetadata full = metadata(EmailStatus.QUEUED)
                .bcc(List.of("hidden@example.org"))
                .scheduledAt(NOW.plusSeconds(5))
                .sentAt(NOW.plusSeconds(6)).readAt(NOW.plusSeconds(7)).bouncedAt(NOW.plusSeconds(8))
                .droppedAt(NOW.plusSeconds(9)).cancelledAt(NOW.plusSeconds(10)).repliedAt(NOW.plusSeconds(11))
                .smtpResponse("250 OK").error("none")
                .recipients(List.of(new RecipientResult("lead@example.org", true, 250, "OK")))
                .text("Hi").replyText("Hi").inReplyTo("<p@acme.com>").references("<o@acme.com> <p@acme.com>")
                .receivedAt(NOW.plusSeconds(12)).renderedSubject("Welcome Ada")
                .replyTo(List.of("Support <support@acme.com>", "help@acme.com"))
                .headers(ordered("X-Zeta-Long-Header", "1", "X-A", "2", "X-Campaign", "spring"))
                .tags(List.of("welcome", "q1 campaign", "a|b"))
                .clientMetadata(ordered("zz", "last-alphabetically", "crmReference", "A-17", "a", "b"))
                .threadId("thread-1").contactId("contact-9").dealId("deal-3").templateId(5L)
                .deliveredAt(NOW.plusSeconds(13)).firstOpenedAt(NOW.plusSeconds(14)).firstClickedAt(NOW.plusSeconds(15))
                .build();
        NewEmail email = new NewEmail(ACCOUNT, RECORD, CommentType.EMAIL_OUT, null, 42L, NOW, full, NOW, List.of());

        EmailMessage stored = store().enqueue(email);
        EmailMessage read = message(stored.id());

        EmailMetadata expected = full.toBuilder().attempts(0).nextAttemptAt(NOW).build();
        assertThat(stored.metadata()).isEqualTo(expected);
        assertThat(read.metadata()).isEqualTo(expected);
        assertThat(read.metadata().headers().keySet()).containsExactly("X-Zeta-Long-Header", "X-A", "X-Campaign");
        assertThat(read.metadata().clientMetadata().keySet()).containsExactly("zz", "crmReference", "a");
        assertThat(store().list(ACCOUNT, MessageQuery.latest(1))).containsExactly(read);
    }

    // ---- list and thread -------------------------------------------------------------------------------

    private EmailMessage outbound(long accountId, RecordRef record, Instant createdAt,
                                  java.util.function.UnaryOperator<EmailMetadata.Builder> change) {
        EmailMetadata m = change.apply(metadata(EmailStatus.QUEUED)).build();
        return store().enqueue(new NewEmail(accountId, record, CommentType.EMAIL_OUT, null, 42L, createdAt, m,
                NOW.plusSeconds(3600), List.of()));
    }

    private EmailMessage outbound(java.util.function.UnaryOperator<EmailMetadata.Builder> change) {
        return outbound(ACCOUNT, RECORD, NOW, change);
    }

    private List<EmailMessage> list(java.util.function.UnaryOperator<QueryBuilder> query) {
        return store().list(ACCOUNT, query.apply(new QueryBuilder()).build());
    }

    /** Spells a {@link MessageQuery} by name, for readable tests. */
    protected static final class QueryBuilder {
        private CommentType type;
        private EmailStatus status;
        private String recipient;
        private RecordRef record;
        private String threadId;
        private String tag;
        private Instant createdFrom;
        private Instant createdTo;
        private Instant sentFrom;
        private Instant sentTo;
        private Long beforeId;
        private int limit = 100;

        QueryBuilder type(CommentType v) { type = v; return this; }
        QueryBuilder status(EmailStatus v) { status = v; return this; }
        QueryBuilder recipient(String v) { recipient = v; return this; }
        QueryBuilder record(RecordRef v) { record = v; return this; }
        QueryBuilder thread(String v) { threadId = v; return this; }
        QueryBuilder tag(String v) { tag = v; return this; }
        QueryBuilder created(Instant from, Instant to) { createdFrom = from; createdTo = to; return this; }
        QueryBuilder sent(Instant from, Instant to) { sentFrom = from; sentTo = to; return this; }
        QueryBuilder before(long v) { beforeId = v; return this; }
        QueryBuilder limit(int v) { limit = v; return this; }

        MessageQuery build() {
            return new MessageQuery(type, status, recipient, record, threadId, tag, createdFrom, createdTo, sentFrom,
                    sentTo, beforeId, limit);
        }
    }

    private static List<Long> messageIds(List<EmailMessage> messages) {
        return messages.stream().map(EmailMessage::id).toList();
    }

    @Test
    void listIsNewestFirstScopedToTheAccountAndLimited() {
        EmailMessage a = outbound(b -> b);
        EmailMessage other = outbound(OTHER_ACCOUNT, RECORD, NOW, b -> b);
        EmailMessage b = outbound(ACCOUNT, OTHER_RECORD, NOW, x -> x);
        EmailMessage c = outbound(ACCOUNT, RecordRef.NONE, NOW, x -> x);

        assertThat(store().list(ACCOUNT, MessageQuery.latest(10))).containsExactly(message(c.id()), message(b.id()),
                message(a.id()));
        assertThat(messageIds(store().list(ACCOUNT, MessageQuery.latest(2)))).containsExactly(c.id(), b.id());
        assertThat(messageIds(store().list(OTHER_ACCOUNT, MessageQuery.latest(10)))).containsExactly(other.id());
        assertThat(store().list(3, MessageQuery.latest(10))).isEmpty();
        assertThat(c.record()).isEqualTo(RecordRef.NONE);
        assertThat(message(c.id()).record()).isEqualTo(RecordRef.NONE);
    }

    @Test
    void listPagesWithTheBeforeIdCursor() {
        List<Long> mine = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            mine.add(outbound(b -> b).id());
            outbound(OTHER_ACCOUNT, RECORD, NOW, b -> b);
        }
        List<Long> newestFirst = new ArrayList<>(mine);
        java.util.Collections.reverse(newestFirst);

        List<Long> seen = new ArrayList<>();
        Long cursor = null;
        for (int page = 0; page < 4; page++) {
            Long before = cursor;
            List<Long> ids = messageIds(list(q -> before == null ? q.limit(2) : q.limit(2).before(before)));
            if (ids.isEmpty()) {
                break;
            }
            assertThat(ids).hasSizeLessThanOrEqualTo(2);
            seen.addAll(ids);
            cursor = ids.get(ids.size() - 1);
        }
        assertThat(seen).containsExactlyElementsOf(newestFirst);
        // A cursor need not be one of the account's ids: another account's id in between works as well.
        long between = mine.get(2) + 1;
        assertThat(messageIds(list(q -> q.before(between)))).containsExactly(mine.get(2), mine.get(1), mine.get(0));
        assertThat(list(q -> q.before(mine.get(0)))).isEmpty();
    }

    @Test
    void listFiltersByTypeStatusAndRecord() {
        EmailMessage queued = outbound(b -> b);
        EmailMessage elsewhere = outbound(ACCOUNT, OTHER_RECORD, NOW, b -> b);
        EmailMessage noRecord = outbound(ACCOUNT, RecordRef.NONE, NOW, b -> b);
        EmailMessage inbound = store().storeInbound(inbound(ACCOUNT, RECORD, queued.id(), "<in-1@example.org>")).message();
        EmailMessage sent = sentMessage();

        assertThat(messageIds(list(q -> q.type(CommentType.EMAIL_IN)))).containsExactly(inbound.id());
        assertThat(messageIds(list(q -> q.type(CommentType.EMAIL_OUT))))
                .containsExactly(sent.id(), noRecord.id(), elsewhere.id(), queued.id());
        assertThat(messageIds(list(q -> q.status(EmailStatus.SENT)))).containsExactly(sent.id());
        assertThat(messageIds(list(q -> q.status(EmailStatus.RECEIVED)))).containsExactly(inbound.id());
        assertThat(messageIds(list(q -> q.status(EmailStatus.QUEUED))))
                .containsExactly(noRecord.id(), elsewhere.id(), queued.id());
        assertThat(messageIds(list(q -> q.record(RECORD)))).containsExactly(sent.id(), inbound.id(), queued.id());
        assertThat(messageIds(list(q -> q.record(RecordRef.NONE)))).containsExactly(noRecord.id());
        assertThat(messageIds(list(q -> q.record(RECORD).type(CommentType.EMAIL_OUT).limit(1))))
                .containsExactly(sent.id());
        assertThat(messageIds(list(q -> q.record(RECORD).before(sent.id()))))
                .containsExactly(inbound.id(), queued.id());
    }

    @Test
    void listFollowsEveryStatusChange() {
        EmailMessage cancelled = enqueue(NOW.plusSeconds(3600));
        store().cancel(cancelled.id(), NOW);
        EmailMessage read = sentMessage();
        store().recordOpen(open(read.id(), NOW.plusSeconds(5)));
        EmailMessage bounced = sentMessage();
        store().recordBounce(bounced.id(), new BounceReport("lead@example.org", "5.1.1", null, true, NOW));
        EmailMessage retried = enqueue(NOW);
        store().claimDue(NOW, "w", LEASE, 10);
        store().complete(retried.id(), "w", retry(retried.id(), NOW, NOW.plusSeconds(60)));

        assertThat(messageIds(list(q -> q.status(EmailStatus.CANCELLED)))).containsExactly(cancelled.id());
        assertThat(messageIds(list(q -> q.status(EmailStatus.READ)))).containsExactly(read.id());
        assertThat(messageIds(list(q -> q.status(EmailStatus.BOUNCED)))).containsExactly(bounced.id());
        assertThat(messageIds(list(q -> q.status(EmailStatus.QUEUED)))).containsExactly(retried.id());
        assertThat(list(q -> q.status(EmailStatus.SENT))).isEmpty();
        assertThat(list(q -> q.status(EmailStatus.QUEUED))).containsExactly(message(retried.id()));
    }

    @Test
    void listFindsARecipientInToCcOrBccExactlyIgnoringCase() {
        EmailMessage to = outbound(b -> b.to(List.of("Ada Lovelace <Ada@Example.org>")).cc(List.of()));
        EmailMessage cc = outbound(b -> b.to(List.of("x@example.org")).cc(List.of("\"Doe, Jane\" <jane@example.org>")));
        EmailMessage bcc = outbound(b -> b.to(List.of("x@example.org")).cc(List.of()).bcc(List.of("ada@example.org")));
        EmailMessage underscore = outbound(b -> b.to(List.of("a_b@example.org")).cc(List.of()));
        EmailMessage wildcard = outbound(b -> b.to(List.of("axb@example.org", "100%@example.org")).cc(List.of()));
        NewEmail in = inbound(ACCOUNT, RECORD, null, "<in-2@example.org>");
        EmailMessage inbound = store().storeInbound(new NewEmail(in.accountId(), in.record(), in.type(), null, null,
                in.createdAt(), in.metadata().toBuilder().to(List.of("sales@acme.com"))
                .bcc(List.of("jane@example.org")).build(), null, List.of())).message();

        assertThat(messageIds(list(q -> q.recipient("ADA@example.org")))).containsExactly(bcc.id(), to.id());
        assertThat(messageIds(list(q -> q.recipient("jane@example.org")))).containsExactly(cc.id());
        assertThat(messageIds(list(q -> q.recipient("sales@acme.com")))).containsExactly(inbound.id());
        assertThat(messageIds(list(q -> q.recipient("a_b@example.org")))).containsExactly(underscore.id());
        assertThat(messageIds(list(q -> q.recipient("100%@example.org")))).containsExactly(wildcard.id());
        assertThat(list(q -> q.recipient("a%@example.org"))).isEmpty();
        assertThat(list(q -> q.recipient("da@example.org"))).isEmpty();
        assertThat(list(q -> q.recipient("example.org"))).isEmpty();
        assertThat(messageIds(list(q -> q.recipient("x@example.org").limit(1)))).containsExactly(bcc.id());
        assertThat(store().list(OTHER_ACCOUNT, new QueryBuilder().recipient("ada@example.org").build())).isEmpty();
    }

    @Test
    void listFiltersByThreadAndExactTag() {
        EmailMessage a = outbound(b -> b.threadId("t-1").tags(List.of("welcome", "q1 campaign")));
        EmailMessage b = outbound(x -> x.threadId("t-2").tags(List.of("Welcome")));
        EmailMessage c = outbound(x -> x.threadId("t-1").tags(List.of("welcome-2", "a|b")));
        outbound(OTHER_ACCOUNT, RECORD, NOW, x -> x.threadId("t-1").tags(List.of("welcome")));

        assertThat(messageIds(list(q -> q.thread("t-1")))).containsExactly(c.id(), a.id());
        assertThat(messageIds(list(q -> q.thread("t-2")))).containsExactly(b.id());
        assertThat(list(q -> q.thread("t-3"))).isEmpty();
        assertThat(messageIds(list(q -> q.tag("welcome")))).containsExactly(a.id());
        assertThat(messageIds(list(q -> q.tag("Welcome")))).containsExactly(b.id());
        assertThat(messageIds(list(q -> q.tag("q1 campaign")))).containsExactly(a.id());
        assertThat(messageIds(list(q -> q.tag("a|b")))).containsExactly(c.id());
        assertThat(list(q -> q.tag("b"))).isEmpty();
        assertThat(list(q -> q.tag("welcome-"))).isEmpty();
        assertThat(list(q -> q.tag("%"))).isEmpty();
        assertThat(messageIds(list(q -> q.thread("t-1").tag("a|b")))).containsExactly(c.id());
    }

    @Test
    void listFiltersByCreatedAndSentRangesFromInclusiveToExclusive() {
        EmailMessage early = outbound(ACCOUNT, RECORD, NOW.minusSeconds(20), b -> b);
        EmailMessage middle = outbound(ACCOUNT, RECORD, NOW.minusSeconds(10), b -> b);
        EmailMessage late = outbound(ACCOUNT, RECORD, NOW, b -> b);
        List<DeliveryJob> jobs = store().claimDue(NOW.plusSeconds(3600), "w", LEASE, 10);
        assertThat(jobs).hasSize(3);
        store().complete(early.id(), "w", sent(early.id(), NOW.plusSeconds(100)));
        store().complete(late.id(), "w", sent(late.id(), NOW.plusSeconds(200)));

        assertThat(messageIds(list(q -> q.created(NOW.minusSeconds(20), NOW))))
                .containsExactly(middle.id(), early.id());
        assertThat(messageIds(list(q -> q.created(NOW.minusSeconds(10), null)))).containsExactly(late.id(), middle.id());
        assertThat(messageIds(list(q -> q.created(null, NOW.minusSeconds(10))))).containsExactly(early.id());
        assertThat(messageIds(list(q -> q.sent(NOW.plusSeconds(100), NOW.plusSeconds(200))))).containsExactly(early.id());
        assertThat(messageIds(list(q -> q.sent(NOW.plusSeconds(101), null)))).containsExactly(late.id());
        assertThat(messageIds(list(q -> q.sent(null, NOW.plusSeconds(201))))).containsExactly(late.id(), early.id());
        assertThat(messageIds(list(q -> q.sent(null, NOW.plusSeconds(201)).created(NOW.minusSeconds(5), null))))
                .containsExactly(late.id());
    }

    @Test
    void threadIsOldestFirstWithInboundRepliesAndScopedToTheAccount() {
        EmailMessage first = outbound(b -> b.threadId("conv-1"));
        EmailMessage unrelated = outbound(b -> b.threadId("conv-2"));
        outbound(OTHER_ACCOUNT, RECORD, NOW, b -> b.threadId("conv-1"));
        NewEmail in = inbound(ACCOUNT, RECORD, first.id(), "<thread-reply@example.org>");
        EmailMessage reply = store().storeInbound(new NewEmail(in.accountId(), in.record(), in.type(), first.id(), null,
                in.createdAt(), in.metadata().toBuilder().threadId("conv-1").build(), null, List.of())).message();
        EmailMessage followUp = outbound(ACCOUNT, RecordRef.NONE, NOW.plusSeconds(60), b -> b.threadId("conv-1"));

        assertThat(store().thread(ACCOUNT, "conv-1")).containsExactly(message(first.id()), reply, message(followUp.id()));
        assertThat(messageIds(store().thread(ACCOUNT, "conv-2"))).containsExactly(unrelated.id());
        assertThat(store().thread(ACCOUNT, "conv-3")).isEmpty();
        assertThat(store().thread(3, "conv-1")).isEmpty();
    }

    // ---- startSending and cancel ------------------------------------------------------------------------

    @Test
    void aMessageBeingSentCannotBeCancelledAndItsOutcomeStillApplies() {
        EmailMessage m = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);
        assertThat(store().startSending(m.id(), "w1", NOW)).isTrue();
        EmailMessage beforeCancel = message(m.id());

        assertThat(store().cancel(m.id(), NOW.plusSeconds(1))).contains(beforeCancel);
        assertThat(store().cancel(m.id(), NOW.plus(LEASE).minusSeconds(1))).contains(beforeCancel);

        assertThat(message(m.id())).isEqualTo(beforeCancel);
        assertThat(store().events(m.id())).isEmpty();
        assertThat(store().complete(m.id(), "w1", sent(m.id(), NOW.plusSeconds(2)))).isTrue();
        assertThat(message(m.id()).status()).isEqualTo(EmailStatus.SENT);
        assertThat(message(m.id()).metadata().cancelledAt()).isNull();
    }

    @Test
    void cancelWinsOnceTheSendersLeaseExpired() {
        EmailMessage m = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);
        store().startSending(m.id(), "w1", NOW);

        EmailMessage cancelled = store().cancel(m.id(), NOW.plus(LEASE)).orElseThrow();

        assertThat(cancelled.status()).isEqualTo(EmailStatus.CANCELLED);
        assertThat(store().complete(m.id(), "w1", sent(m.id(), NOW.plus(LEASE)))).isFalse();
        assertThat(message(m.id()).status()).isEqualTo(EmailStatus.CANCELLED);
    }

    @Test
    void aRetryAndAReleaseClearTheSendingMark() {
        EmailMessage retried = enqueue(NOW);
        EmailMessage released = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);
        store().startSending(retried.id(), "w1", NOW);
        store().startSending(released.id(), "w1", NOW);

        store().complete(retried.id(), "w1", retry(retried.id(), NOW, NOW.plusSeconds(60)));
        store().release(released.id(), "w1");

        assertThat(store().cancel(retried.id(), NOW.plusSeconds(1)).orElseThrow().status())
                .isEqualTo(EmailStatus.CANCELLED);
        assertThat(store().cancel(released.id(), NOW.plusSeconds(1)).orElseThrow().status())
                .isEqualTo(EmailStatus.CANCELLED);
    }

    @Test
    void onlyTheLeaseOwnersStartSendingMarksTheEntry() {
        EmailMessage reclaimed = enqueue(NOW);
        EmailMessage foreign = enqueue(NOW);
        store().claimDue(NOW, "w1", LEASE, 10);
        store().startSending(reclaimed.id(), "w1", NOW);
        assertThat(store().startSending(foreign.id(), "w2", NOW)).isFalse();

        // w1's lease ran out; w2 claimed the entry again but has not started: the old mark must not hold.
        assertThat(ids(store().claimDue(NOW.plus(LEASE), "w2", LEASE, 10))).contains(reclaimed.id());

        assertThat(store().cancel(reclaimed.id(), NOW.plus(LEASE).plusSeconds(1)).orElseThrow().status())
                .isEqualTo(EmailStatus.CANCELLED);
        assertThat(store().cancel(foreign.id(), NOW.plusSeconds(1)).orElseThrow().status())
                .isEqualTo(EmailStatus.CANCELLED);
    }

    // ---- engagement -------------------------------------------------------------------------------------

    @Test
    void onlyAPersonsFirstOpenStampsFirstOpenedAtWhileAnyOpenMakesItRead() {
        EmailMessage m = sentMessage();

        assertThat(store().recordOpen(automated(open(m.id(), NOW.plusSeconds(5))))).isTrue();
        assertThat(message(m.id()).status()).isEqualTo(EmailStatus.READ);
        assertThat(message(m.id()).metadata().readAt()).isEqualTo(NOW.plusSeconds(5));
        assertThat(message(m.id()).metadata().firstOpenedAt()).isNull();

        assertThat(store().recordOpen(open(m.id(), NOW.plusSeconds(10)))).isFalse();
        assertThat(message(m.id()).metadata().firstOpenedAt()).isEqualTo(NOW.plusSeconds(10));
        EmailMessage afterFirstHuman = message(m.id());

        store().recordOpen(open(m.id(), NOW.plusSeconds(20)));
        store().recordOpen(automated(open(m.id(), NOW.plusSeconds(30))));
        assertThat(message(m.id())).isEqualTo(afterFirstHuman);
        assertThat(afterFirstHuman.metadata().readAt()).isEqualTo(NOW.plusSeconds(5));
        assertThat(store().events(m.id())).filteredOn(e -> e.type() == EventType.OPEN).hasSize(4);
    }

    private EmailMessage sentMessage(NewToken... tokens) {
        EmailMessage m = store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.QUEUED, NOW, tokens));
        store().claimDue(NOW, "w1", LEASE, 10);
        assertThat(store().complete(m.id(), "w1", sent(m.id(), NOW.plusSeconds(1)))).isTrue();
        return message(m.id());
    }

    private static OpenHit hit(String token, Instant at) {
        return new OpenHit(token, at, "Mozilla/5.0", "203.0.113.7", false);
    }

    private static OpenHit automatedHit(String token, Instant at) {
        return new OpenHit(token, at, "Barracuda scanner", "203.0.113.8", true);
    }

    private List<EmailEvent> opens(long messageId) {
        return store().events(messageId).stream().filter(e -> e.type() == EventType.OPEN).toList();
    }

    @Test
    void recordOpensKeepsOversizedClientFactsInTheColumnsInsteadOfFailingTheBatch() {
        EmailMessage m = sentMessage(NewToken.of("pix-long", TokenKind.PIXEL));
        String forwardedChain = "203.0.113.7, 198.51.100.23, 192.0.2.44, 10.0.0.1, 10.0.0.2, 10.0.0.3, 10.0.0.4";

        int recorded = store().recordOpens(List.of(
                new OpenHit("pix-long", NOW.plusSeconds(1), "Mozilla/5.0 \u0000" + "x".repeat(2_000), forwardedChain,
                        false),
                hit("pix-long", NOW.plusSeconds(2))));

        assertThat(recorded).isEqualTo(2);
        List<EmailEvent> opens = opens(m.id());
        assertThat(opens).hasSize(2);
        assertThat(opens.get(0).ipAddress()).hasSize(64).startsWith("203.0.113.7, ");
        assertThat(opens.get(0).userAgent()).hasSize(512).startsWith("Mozilla/5.0 x").doesNotContain("\u0000");
    }

    @Test
    void recordOpensAppliesTheOpenRuleHitByHitAndIgnoresUnknownTokens() {
        EmailMessage a = sentMessage(NewToken.of("pix-a", TokenKind.PIXEL), NewToken.of("rep-a", TokenKind.REPLY));
        EmailMessage b = sentMessage(NewToken.of("pix-b", TokenKind.PIXEL));
        EmailMessage queued = store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.QUEUED, NOW.plusSeconds(3600),
                NewToken.of("pix-q", TokenKind.PIXEL)));

        int recorded = store().recordOpens(List.of(
                automatedHit("pix-a", NOW.plusSeconds(5)),
                hit("unknown-token", NOW.plusSeconds(6)),
                hit("rep-a", NOW.plusSeconds(7)),
                hit("pix-b", NOW.plusSeconds(8)),
                hit("pix-q", NOW.plusSeconds(9)),
                hit("pix-a", NOW.plusSeconds(10)),
                automatedHit("pix-b", NOW.plusSeconds(11)),
                hit("pix-a", NOW.plusSeconds(20))));

        assertThat(recorded).isEqualTo(6);
        // a: an automated open made it read; the first person's open stamped firstOpenedAt; the rest changed nothing
        assertThat(message(a.id())).isEqualTo(a.withMetadata(a.metadata().toBuilder().status(EmailStatus.READ)
                .readAt(NOW.plusSeconds(5)).firstOpenedAt(NOW.plusSeconds(10)).build()));
        assertThat(message(b.id())).isEqualTo(b.withMetadata(b.metadata().toBuilder().status(EmailStatus.READ)
                .readAt(NOW.plusSeconds(8)).firstOpenedAt(NOW.plusSeconds(8)).build()));
        // not sent yet: never read, but a person's open is stamped
        assertThat(message(queued.id())).isEqualTo(queued.withMetadata(queued.metadata().toBuilder()
                .firstOpenedAt(NOW.plusSeconds(9)).build()));

        List<EmailEvent> aOpens = opens(a.id());
        assertThat(aOpens).extracting(EmailEvent::occurredAt)
                .containsExactly(NOW.plusSeconds(5), NOW.plusSeconds(10), NOW.plusSeconds(20));
        assertThat(aOpens).extracting(EmailEvent::automated).containsExactly(true, false, false);
        assertThat(aOpens.get(1)).isEqualTo(hit("pix-a", NOW.plusSeconds(10)).toEvent(a.id())
                .withId(aOpens.get(1).id()));
        assertThat(aOpens.get(0).id()).isLessThan(aOpens.get(1).id());
        assertThat(opens(b.id())).extracting(EmailEvent::automated).containsExactly(false, true);
        assertThat(opens(queued.id())).hasSize(1);

        // A later batch: the first opens stay the ones stamped.
        assertThat(store().recordOpens(List.of(hit("pix-b", NOW.plusSeconds(30)), hit("pix-a", NOW.plusSeconds(31)))))
                .isEqualTo(2);
        assertThat(message(a.id()).metadata().readAt()).isEqualTo(NOW.plusSeconds(5));
        assertThat(message(a.id()).metadata().firstOpenedAt()).isEqualTo(NOW.plusSeconds(10));
        assertThat(message(b.id()).metadata().firstOpenedAt()).isEqualTo(NOW.plusSeconds(8));
        assertThat(opens(a.id())).hasSize(4);
    }

    @Test
    void recordOpensOfAnAutomatedHitOnlyNeverStampsFirstOpenedAtAndABouncedMessageStaysBounced() {
        EmailMessage scanned = sentMessage(NewToken.of("pix-s", TokenKind.PIXEL));
        EmailMessage bounced = store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.QUEUED, NOW,
                NewToken.of("pix-x", TokenKind.PIXEL)));
        store().claimDue(NOW, "w1", LEASE, 10);
        store().complete(bounced.id(), "w1", new DeliveryUpdate(EmailStatus.BOUNCED, NOW, null, "550", "550",
                List.of(), null));

        assertThat(store().recordOpens(List.of(automatedHit("pix-s", NOW.plusSeconds(5)),
                automatedHit("pix-s", NOW.plusSeconds(6)), hit("pix-x", NOW.plusSeconds(7))))).isEqualTo(3);

        assertThat(message(scanned.id()).status()).isEqualTo(EmailStatus.READ);
        assertThat(message(scanned.id()).metadata().readAt()).isEqualTo(NOW.plusSeconds(5));
        assertThat(message(scanned.id()).metadata().firstOpenedAt()).isNull();
        assertThat(message(bounced.id()).status()).isEqualTo(EmailStatus.BOUNCED);
        assertThat(message(bounced.id()).metadata().readAt()).isNull();
        assertThat(opens(bounced.id())).hasSize(1);
    }

    @Test
    void aMessageOpenedBeforeItWasSentIsStillMadeReadByTheFirstOpenAfterwards() {
        EmailMessage m = store().enqueue(newEmail(ACCOUNT, RECORD, EmailStatus.QUEUED, NOW,
                NewToken.of("pix-early", TokenKind.PIXEL)));
        // A person's open while queued stamps firstOpenedAt; a store that skips settled messages must not skip this one.
        store().recordOpens(List.of(hit("pix-early", NOW.plusSeconds(1))));
        store().recordOpens(List.of(hit("pix-early", NOW.plusSeconds(2))));
        store().claimDue(NOW.plusSeconds(3), "w1", LEASE, 10);
        assertThat(store().complete(m.id(), "w1", sent(m.id(), NOW.plusSeconds(4)))).isTrue();

        store().recordOpens(List.of(hit("pix-early", NOW.plusSeconds(5))));
        store().recordOpens(List.of(automatedHit("pix-early", NOW.plusSeconds(6))));

        EmailMessage read = message(m.id());
        assertThat(read.status()).isEqualTo(EmailStatus.READ);
        assertThat(read.metadata().readAt()).isEqualTo(NOW.plusSeconds(5));
        assertThat(read.metadata().firstOpenedAt()).isEqualTo(NOW.plusSeconds(1));
        assertThat(opens(m.id())).extracting(EmailEvent::occurredAt).containsExactly(NOW.plusSeconds(1),
                NOW.plusSeconds(2), NOW.plusSeconds(5), NOW.plusSeconds(6));
    }

    @Test
    void recordOpensOfNothingOrOnlyUnknownTokensChangesNothing() {
        EmailMessage m = sentMessage(NewToken.of("pix-m", TokenKind.PIXEL), NewToken.of("rep-m", TokenKind.REPLY));

        assertThat(store().recordOpens(List.of())).isZero();
        assertThat(store().recordOpens(List.of(hit("nope", NOW.plusSeconds(5)), hit("rep-m", NOW.plusSeconds(6)))))
                .isZero();

        assertThat(message(m.id())).isEqualTo(m);
        assertThat(opens(m.id())).isEmpty();
    }

    @Test
    void recordOpensTakesABatchOfManyDistinctTokens() {
        EmailMessage first = sentMessage(NewToken.of("pix-first", TokenKind.PIXEL));
        EmailMessage last = sentMessage(NewToken.of("pix-last", TokenKind.PIXEL));
        List<OpenHit> hits = new ArrayList<>();
        hits.add(hit("pix-first", NOW.plusSeconds(5)));
        for (int i = 0; i < 1500; i++) {
            hits.add(hit("unknown-" + i, NOW.plusSeconds(6)));
        }
        hits.add(hit("pix-last", NOW.plusSeconds(7)));

        assertThat(store().recordOpens(hits)).isEqualTo(2);

        assertThat(message(first.id()).metadata().readAt()).isEqualTo(NOW.plusSeconds(5));
        assertThat(message(last.id()).metadata().firstOpenedAt()).isEqualTo(NOW.plusSeconds(7));
    }

    @Test
    void onlyAPersonsFirstClickStampsFirstClickedAt() {
        EmailMessage m = sentMessage();

        assertThat(store().recordClick(automated(click(m.id(), NOW.plusSeconds(5))))).isFalse();
        assertThat(message(m.id())).isEqualTo(m);

        assertThat(store().recordClick(click(m.id(), NOW.plusSeconds(10)))).isTrue();
        EmailMessage clicked = message(m.id());
        assertThat(clicked).isEqualTo(m.withMetadata(m.metadata().toBuilder()
                .firstClickedAt(NOW.plusSeconds(10)).build()));

        assertThat(store().recordClick(click(m.id(), NOW.plusSeconds(20)))).isFalse();
        assertThat(message(m.id())).isEqualTo(clicked);
        List<EmailEvent> clicks = store().events(m.id()).stream().filter(e -> e.type() == EventType.CLICK).toList();
        assertThat(clicks).hasSize(3);
        assertThat(clicks.get(1)).isEqualTo(click(m.id(), NOW.plusSeconds(10)).withId(clicks.get(1).id()));
        assertThat(clicks.get(0).automated()).isTrue();

        // A click on a message not sent yet (a forwarded preview, a clock skew) is stamped all the same.
        EmailMessage queued = enqueue(NOW);
        assertThat(store().recordClick(click(queued.id(), NOW.plusSeconds(1)))).isTrue();
        assertThat(message(queued.id()).status()).isEqualTo(EmailStatus.QUEUED);
        assertThat(store().recordClick(click(987654, NOW))).isFalse();
    }

    @Test
    void recordDeliveredAddsAnEventAndStampsDeliveredAtOnce() {
        EmailMessage m = sentMessage();

        EmailMessage delivered = store().recordDelivered(m.id(), NOW.plusSeconds(30), Map.of("status", "2.0.0"))
                .orElseThrow();

        assertThat(delivered).isEqualTo(m.withMetadata(m.metadata().toBuilder()
                .deliveredAt(NOW.plusSeconds(30)).build()));
        assertThat(message(m.id())).isEqualTo(delivered);
        EmailEvent event = store().events(m.id()).get(store().events(m.id()).size() - 1);
        assertThat(event).isEqualTo(EmailEvent.of(m.id(), EventType.DELIVERED, NOW.plusSeconds(30),
                Map.of("status", "2.0.0")).withId(event.id()));

        assertThat(store().recordDelivered(m.id(), NOW.plusSeconds(60), Map.of())).contains(delivered);
        assertThat(store().events(m.id())).filteredOn(e -> e.type() == EventType.DELIVERED).hasSize(2);
        assertThat(store().recordDelivered(987654, NOW, Map.of())).isEmpty();
        assertThat(store().events(987654)).isEmpty();
    }

    // ---- templates --------------------------------------------------------------------------------------

    private static io.crmemail.core.template.Template template(long accountId, String name) {
        return new io.crmemail.core.template.Template(0, accountId, name, "Hello {{field:title}}",
                "<p>Hi {{name}}</p>", "Hi {{name}}", NOW, NOW);
    }

    @Test
    void templatesAreCreatedFoundListedByIdAndScopedToTheAccount() {
        var a = store().saveTemplate(template(ACCOUNT, "welcome"));
        var other = store().saveTemplate(template(OTHER_ACCOUNT, "welcome"));
        var b = store().saveTemplate(template(ACCOUNT, "follow-up"));

        assertThat(a.id()).isPositive();
        assertThat(b.id()).isGreaterThan(a.id());
        assertThat(a).isEqualTo(template(ACCOUNT, "welcome").withId(a.id()));
        assertThat(store().findTemplate(a.id())).contains(a);
        assertThat(store().findTemplate(987654)).isEmpty();
        assertThat(store().templates(ACCOUNT)).containsExactly(a, b);
        assertThat(store().templates(OTHER_ACCOUNT)).containsExactly(other);
        assertThat(store().templates(3)).isEmpty();

        var nulls = store().saveTemplate(new io.crmemail.core.template.Template(0, ACCOUNT, "bare", null, null, null,
                NOW, NOW));
        assertThat(store().findTemplate(nulls.id())).contains(nulls);
    }

    @Test
    void saveTemplateReplacesByIdAndRefusesAnUnknownId() {
        var saved = store().saveTemplate(template(ACCOUNT, "welcome"));
        var changed = new io.crmemail.core.template.Template(saved.id(), ACCOUNT, "welcome v2", "New", "<p>New</p>",
                null, saved.createdAt(), NOW.plusSeconds(60));

        assertThat(store().saveTemplate(changed)).isEqualTo(changed);
        assertThat(store().findTemplate(saved.id())).contains(changed);
        assertThat(store().templates(ACCOUNT)).containsExactly(changed);
        assertThatThrownBy(() -> store().saveTemplate(changed.withId(saved.id() + 1000)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store().templates(ACCOUNT)).containsExactly(changed);
    }

    @Test
    void aTemplateNameIsUniqueWithinItsAccount() {
        var first = store().saveTemplate(template(ACCOUNT, "welcome"));
        var second = store().saveTemplate(template(ACCOUNT, "follow-up"));

        assertThatThrownBy(() -> store().saveTemplate(template(ACCOUNT, "welcome")))
                .isInstanceOf(DuplicateNameException.class);
        assertThatThrownBy(() -> store().saveTemplate(new io.crmemail.core.template.Template(second.id(), ACCOUNT,
                "welcome", null, null, null, NOW, NOW))).isInstanceOf(DuplicateNameException.class);
        assertThat(store().templates(ACCOUNT)).containsExactly(first, second);

        // Saving a template under its own name is no conflict; a deleted template's name is free again.
        assertThat(store().saveTemplate(first)).isEqualTo(first);
        assertThat(store().deleteTemplate(first.id())).isTrue();
        assertThat(store().deleteTemplate(first.id())).isFalse();
        assertThat(store().deleteTemplate(987654)).isFalse();
        assertThat(store().findTemplate(first.id())).isEmpty();
        var again = store().saveTemplate(template(ACCOUNT, "welcome"));
        assertThat(store().templates(ACCOUNT)).containsExactly(second, again);
    }

    @Test
    void concurrentCreatesOfOneTemplateNameLeaveExactlyOne() throws Exception {
        List<Object> outcomes = concurrently(8, () -> {
            try {
                return store().saveTemplate(template(ACCOUNT, "race"));
            } catch (DuplicateNameException e) {
                return e;
            }
        });

        assertThat(outcomes).filteredOn(o -> o instanceof io.crmemail.core.template.Template).hasSize(1);
        assertThat(outcomes).filteredOn(o -> o instanceof DuplicateNameException).hasSize(7);
        assertThat(store().templates(ACCOUNT)).hasSize(1);
    }

    // ---- idempotency keys -------------------------------------------------------------------------------

    private static final Instant EXPIRES = NOW.plus(Duration.ofHours(24));
    private static final Instant LEASE_UNTIL = NOW.plusSeconds(30);

    private IdempotencyRecord begin(String key, String hash, Instant now) {
        return store().beginIdempotent(ACCOUNT, key, hash, now, EXPIRES, LEASE_UNTIL);
    }

    @Test
    void theFirstRequestAcquiresAKeyAndASecondSeesItInFlight() {
        assertThat(begin("k1", "hash-a", NOW)).isEqualTo(IdempotencyRecord.acquired("hash-a"));

        assertThat(begin("k1", "hash-b", NOW.plusSeconds(1)))
                .isEqualTo(new IdempotencyRecord(false, "hash-a", false, 0, null));
        assertThat(begin("k1", "hash-a", NOW.plusSeconds(1)).acquired()).isFalse();
        // Keys belong to an account.
        assertThat(store().beginIdempotent(OTHER_ACCOUNT, "k1", "hash-c", NOW, EXPIRES, LEASE_UNTIL).acquired())
                .isTrue();
        assertThat(begin("k2", "hash-a", NOW).acquired()).isTrue();
    }

    @Test
    void aFinishedKeyAnswersWithItsResponseUntilItExpires() {
        begin("k1", "hash-a", NOW);
        store().finishIdempotent(ACCOUNT, "k1", 201, "{\"id\":17}");

        IdempotencyRecord later = begin("k1", "hash-b", NOW.plusSeconds(3600));
        assertThat(later).isEqualTo(new IdempotencyRecord(false, "hash-a", true, 201, "{\"id\":17}"));
        // Long after the in-flight lease: a completed key is not taken over, only an expired one.
        assertThat(begin("k1", "hash-b", EXPIRES.minusSeconds(1))).isEqualTo(later);
        store().abandonIdempotent(ACCOUNT, "k1");
        assertThat(begin("k1", "hash-b", NOW.plusSeconds(3600))).isEqualTo(later);

        assertThat(store().beginIdempotent(ACCOUNT, "k1", "hash-b", EXPIRES, EXPIRES.plusSeconds(3600),
                EXPIRES.plusSeconds(30))).isEqualTo(IdempotencyRecord.acquired("hash-b"));
        assertThat(begin("k1", "hash-c", EXPIRES.plusSeconds(1)))
                .isEqualTo(new IdempotencyRecord(false, "hash-b", false, 0, null));
    }

    @Test
    void anAbandonedKeyCanBeAcquiredAgain() {
        begin("k1", "hash-a", NOW);
        store().abandonIdempotent(ACCOUNT, "k1");
        store().abandonIdempotent(ACCOUNT, "unknown");

        assertThat(begin("k1", "hash-b", NOW.plusSeconds(1))).isEqualTo(IdempotencyRecord.acquired("hash-b"));
        store().finishIdempotent(ACCOUNT, "k1", 202, "ok");
        assertThat(begin("k1", "hash-a", NOW.plusSeconds(2)))
                .isEqualTo(new IdempotencyRecord(false, "hash-b", true, 202, "ok"));
    }

    @Test
    void anInFlightKeyWhoseLeaseRanOutIsTakenOver() {
        begin("k1", "hash-a", NOW);
        assertThat(begin("k1", "hash-b", LEASE_UNTIL.minusSeconds(1)).acquired()).isFalse();

        assertThat(store().beginIdempotent(ACCOUNT, "k1", "hash-b", LEASE_UNTIL, EXPIRES, LEASE_UNTIL.plusSeconds(30)))
                .isEqualTo(IdempotencyRecord.acquired("hash-b"));
        assertThat(begin("k1", "hash-c", LEASE_UNTIL.plusSeconds(1)))
                .isEqualTo(new IdempotencyRecord(false, "hash-b", false, 0, null));
    }

    @Test
    void concurrentBeginsWithOneKeyLetExactlyOneAcquire() throws Exception {
        for (int round = 0; round < 5; round++) {
            String key = "race-" + round;
            AtomicLong n = new AtomicLong();
            List<IdempotencyRecord> results = concurrently(8, () -> begin(key, "hash-" + n.incrementAndGet(), NOW));

            List<IdempotencyRecord> winners = results.stream().filter(IdempotencyRecord::acquired).toList();
            assertThat(winners).hasSize(1);
            assertThat(results).filteredOn(r -> !r.acquired()).hasSize(7)
                    .allSatisfy(r -> assertThat(r).isEqualTo(
                            new IdempotencyRecord(false, winners.get(0).requestHash(), false, 0, null)));
        }
    }

    @Test
    void concurrentTakeoversOfAnExpiredKeyLetExactlyOneAcquire() throws Exception {
        for (int round = 0; round < 5; round++) {
            String key = "takeover-" + round;
            begin(key, "dead", NOW);
            Instant later = LEASE_UNTIL.plusSeconds(1);
            AtomicLong n = new AtomicLong();
            List<IdempotencyRecord> results = concurrently(8, () -> store().beginIdempotent(ACCOUNT, key,
                    "hash-" + n.incrementAndGet(), later, EXPIRES, later.plusSeconds(30)));

            assertThat(results).filteredOn(IdempotencyRecord::acquired).hasSize(1);
            assertThat(results).filteredOn(r -> !r.acquired()).extracting(IdempotencyRecord::requestHash)
                    .doesNotContain("dead").hasSize(7);
        }
    }

    // ---- send counters ----------------------------------------------------------------------------------

    @Test
    void reserveSendsAddsUntilTheLimitAndNeverBeyond() {
        Instant window = NOW;
        assertThat(store().sendsInWindow(ACCOUNT, window)).isZero();
        assertThat(store().reserveSends(ACCOUNT, window, 11, 10)).isEqualTo(-1);
        assertThat(store().sendsInWindow(ACCOUNT, window)).isZero();

        assertThat(store().reserveSends(ACCOUNT, window, 3, 10)).isEqualTo(3);
        assertThat(store().reserveSends(ACCOUNT, window, 5, 10)).isEqualTo(8);
        assertThat(store().reserveSends(ACCOUNT, window, 3, 10)).isEqualTo(-1);
        assertThat(store().sendsInWindow(ACCOUNT, window)).isEqualTo(8);
        assertThat(store().reserveSends(ACCOUNT, window, 2, 10)).isEqualTo(10);
        assertThat(store().reserveSends(ACCOUNT, window, 1, 10)).isEqualTo(-1);
        assertThat(store().sendsInWindow(ACCOUNT, window)).isEqualTo(10);

        assertThat(store().sendsInWindow(OTHER_ACCOUNT, window)).isZero();
        assertThat(store().reserveSends(OTHER_ACCOUNT, window, 4, 10)).isEqualTo(4);
        Instant next = window.plusSeconds(3600);
        assertThat(store().reserveSends(ACCOUNT, next, 1, 10)).isEqualTo(1);
        // Opening a window may prune old ones, but never one less than a day old.
        assertThat(store().sendsInWindow(ACCOUNT, window)).isEqualTo(10);
        assertThat(store().sendsInWindow(ACCOUNT, next)).isEqualTo(1);
        assertThat(store().sendsInWindow(OTHER_ACCOUNT, window)).isEqualTo(4);
    }

    @Test
    void concurrentReservationsNeverExceedTheLimitAndAddUp() throws Exception {
        long limit = 100;
        AtomicLong reserved = new AtomicLong();
        concurrently(8, () -> {
            for (int i = 0; i < 25; i++) {
                int count = 1 + i % 3;
                long total = store().reserveSends(ACCOUNT, NOW, count, limit);
                assertThat(total).isLessThanOrEqualTo(limit);
                if (total >= 0) {
                    assertThat(total).isGreaterThanOrEqualTo(count);
                    reserved.addAndGet(count);
                }
            }
            return null;
        });

        long total = store().sendsInWindow(ACCOUNT, NOW);
        assertThat(total).isLessThanOrEqualTo(limit).isEqualTo(reserved.get());
        // 8 × 25 tries of up to 3 asked for far more: every refusal meant the rest did not fit.
        assertThat(total).isGreaterThan(limit - 3);
    }

    @Test
    void idempotencyKeysOfTheLongestAllowedLengthAreKept() {
        String key = "k".repeat(io.crmemail.core.IdempotencyKeys.MAX_KEY_LENGTH);
        assertThat(store().beginIdempotent(ACCOUNT, key, "h", NOW, NOW.plus(Duration.ofHours(24)),
                NOW.plusSeconds(120)).acquired()).isTrue();
        store().finishIdempotent(ACCOUNT, key, 202, "{}");
        IdempotencyRecord again = store().beginIdempotent(ACCOUNT, key, "h", NOW, NOW.plus(Duration.ofHours(24)),
                NOW.plusSeconds(120));
        assertThat(again.acquired()).isFalse();
        assertThat(again.completed()).isTrue();
        assertThat(again.status()).isEqualTo(202);
    }

    /**
     * Many first reservations of a fresh window race to open it: under a limit they can never reach, every one
     * must fit (a race lost to the opener is no reason to refuse).
     */
    @Test
    void racingFirstReservationsOfAWindowAllFitUnderAHighLimit() throws Exception {
        for (int round = 0; round < 20; round++) {
            Instant window = NOW.plus(Duration.ofDays(round + 1));
            concurrently(8, () -> {
                assertThat(store().reserveSends(ACCOUNT, window, 1, Long.MAX_VALUE / 2)).isPositive();
                return null;
            });
            assertThat(store().sendsInWindow(ACCOUNT, window)).isEqualTo(8);
        }
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

    /** Runs {@code work} on {@code threads} threads released at once; returns their results. */
    protected static <T> List<T> concurrently(int threads, java.util.concurrent.Callable<T> work) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return work.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
