package io.crmemail.core.inbound;

import static io.crmemail.core.testsupport.TestWorld.CALLER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crmemail.core.EmailException;
import io.crmemail.core.EmailService;
import io.crmemail.core.ErrorCode;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.RecipientResult;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.store.Suppression;
import io.crmemail.core.store.TokenKind;
import io.crmemail.core.store.TrackingToken;
import io.crmemail.core.testsupport.ScriptedSmtpServer;
import io.crmemail.core.testsupport.TestWorld;
import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.EventType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bounce reports matched to the message they bounce, and the suppression list that later sends respect. */
class BounceTest {

    @TempDir
    Path temp;

    ScriptedSmtpServer smtp;
    TestWorld world;
    EmailService service;
    EmailMessage original;

    @BeforeEach
    void setUp() {
        smtp = ScriptedSmtpServer.start();
        world = new TestWorld(temp, smtp.port());
        service = world.serviceBuilder().spoolDirectory(temp).build();
        original = service.send(CALLER, world.request().build()).comment();
        service.deliverDue();
        assertThat(service.get(CALLER, original.id()).status()).isEqualTo(EmailStatus.SENT);
    }

    @AfterEach
    void tearDown() {
        service.close();
        smtp.close();
    }

    private InboundResult receive(String name) {
        String token = world.store.tokens(original.id()).stream().filter(t -> t.kind() == TokenKind.REPLY)
                .map(TrackingToken::token).findFirst().orElseThrow();
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("/inbound/" + name), name)) {
            String raw = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)
                    .replace("{{MESSAGE_ID}}", original.metadata().messageId()).replace("{{TOKEN}}", token);
            return service.receive(new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private EmailEvent lastBounce() {
        return service.events(CALLER, original.id()).stream().filter(e -> e.type() == EventType.BOUNCE)
                .reduce((a, b) -> b).orElseThrow();
    }

    @Test
    void aPostfixDeliveryStatusNotificationBouncesTheOriginalAndIsNotStoredAsAReply() {
        InboundResult result = receive("bounce-postfix-dsn.eml");
        assertThat(result.outcome()).isEqualTo(InboundResult.Outcome.BOUNCE);
        assertThat(result.commentId()).isEqualTo(original.id());

        EmailMessage bounced = service.get(CALLER, original.id());
        assertThat(bounced.status()).isEqualTo(EmailStatus.BOUNCED);
        assertThat(bounced.metadata().bouncedAt()).isEqualTo(world.clock.instant());
        assertThat(lastBounce().details()).containsEntry("recipient", "lead@example.org")
                .containsEntry("status", "5.1.1").containsEntry("kind", "hard");
        assertThat(lastBounce().details().get("diagnostic")).contains("User unknown");
        assertThat(world.store.listForRecord(TestWorld.ACCOUNT, new RecordRef(TestWorld.TABLE, TestWorld.RECORD)))
                .hasSize(1);
        assertThat(service.suppressions(CALLER)).extracting(Suppression::email).containsExactly("lead@example.org");
        assertThat(service.inboundCounts().bounces()).isEqualTo(1);
    }

    @Test
    void anExchangeReportIsMatchedThroughItsAttachedHeaders() {
        assertThat(receive("bounce-exchange-dsn.eml").outcome()).isEqualTo(InboundResult.Outcome.BOUNCE);
        assertThat(service.get(CALLER, original.id()).status()).isEqualTo(EmailStatus.BOUNCED);
        assertThat(lastBounce().details()).containsEntry("recipient", "lead@example.org")
                .containsEntry("status", "5.4.1");
    }

    @Test
    void aDelayNoticeIsASoftBounceOnly() {
        assertThat(receive("bounce-gmail-delayed.eml").outcome()).isEqualTo(InboundResult.Outcome.BOUNCE);
        assertThat(service.get(CALLER, original.id()).status()).isEqualTo(EmailStatus.SENT);
        assertThat(lastBounce().details()).containsEntry("status", "4.4.1").containsEntry("kind", "soft");
        assertThat(service.suppressions(CALLER)).isEmpty();
    }

    @Test
    void nonStandardBouncesQuotingTheOriginalHeadersAreRecognised() {
        assertThat(receive("bounce-exim-nonstandard.eml").outcome()).isEqualTo(InboundResult.Outcome.BOUNCE);
        assertThat(lastBounce().details()).containsEntry("recipient", "lead@example.org")
                .containsEntry("status", "5.2.1").containsEntry("kind", "hard");
        assertThat(service.get(CALLER, original.id()).status()).isEqualTo(EmailStatus.BOUNCED);
    }

    @Test
    void aQmailFailureNoticeIsRecognised() {
        assertThat(receive("bounce-qmail-notice.eml").outcome()).isEqualTo(InboundResult.Outcome.BOUNCE);
        assertThat(lastBounce().details()).containsEntry("recipient", "lead@example.org")
                .containsEntry("status", "5.1.1");
    }

    private List<EmailEvent> events(EventType type) {
        return service.events(CALLER, original.id()).stream().filter(e -> e.type() == type).toList();
    }

    @Test
    void aDeliveredReportStampsDeliveredAtAndIsNeitherABounceNorAReply() {
        InboundResult result = receive("delivered-dsn.eml");
        assertThat(result.outcome()).isEqualTo(InboundResult.Outcome.DELIVERED);
        assertThat(result.commentId()).isEqualTo(original.id());

        EmailMessage delivered = service.get(CALLER, original.id());
        assertThat(delivered.status()).isEqualTo(EmailStatus.SENT);
        assertThat(delivered.metadata().deliveredAt()).isEqualTo(world.clock.instant());
        assertThat(delivered.metadata().repliedAt()).isNull();
        assertThat(events(EventType.DELIVERED)).singleElement().satisfies(e -> assertThat(e.details())
                .containsEntry("recipient", "lead@example.org").containsEntry("action", "delivered")
                .containsEntry("status", "2.0.0").doesNotContainKey("remoteMta"));
        assertThat(events(EventType.BOUNCE)).isEmpty();
        assertThat(service.suppressions(CALLER)).isEmpty();
        assertThat(world.store.listForRecord(TestWorld.ACCOUNT, new RecordRef(TestWorld.TABLE, TestWorld.RECORD)))
                .hasSize(1);
        assertThat(service.inboundCounts().deliveryReports()).isEqualTo(1);
        assertThat(service.inboundCounts().bounces()).isZero();
    }

    @Test
    void aMixedReportAppliesItsDeliveriesAndItsFailuresAndIgnoresStrangers() {
        original = service.send(CALLER, world.request().cc("Boss <boss@example.org>").build()).comment();
        service.deliverDue();

        InboundResult result = receive("dsn-mixed.eml");
        assertThat(result.outcome()).isEqualTo(InboundResult.Outcome.BOUNCE);
        assertThat(result.commentId()).isEqualTo(original.id());

        assertThat(service.get(CALLER, original.id()).metadata().deliveredAt()).isEqualTo(world.clock.instant());
        assertThat(events(EventType.DELIVERED)).singleElement().satisfies(e -> assertThat(e.details())
                .containsEntry("recipient", "lead@example.org").containsEntry("action", "relayed")
                .containsEntry("status", "2.0.0").containsEntry("remoteMta", "mx.example.org"));
        assertThat(events(EventType.BOUNCE)).singleElement().satisfies(e -> assertThat(e.details())
                .containsEntry("recipient", "boss@example.org").containsEntry("status", "5.1.1")
                .containsEntry("kind", "hard"));
        assertThat(service.suppressions(CALLER)).extracting(Suppression::email).containsExactly("boss@example.org");
        assertThat(service.inboundCounts().bounces()).isEqualTo(1);
    }

    @Test
    void aDeliveredReportForAnAddressTheMessageNeverWentToChangesNothing() {
        String forged = "From: MAILER-DAEMON@mx.evil.example\r\nSubject: Delivered\r\nMIME-Version: 1.0\r\n"
                + "References: " + original.metadata().messageId() + "\r\n"
                + "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
                + "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.evil.example\r\n\r\n"
                + "Final-Recipient: rfc822; ceo@bigcustomer.example\r\nAction: delivered\r\nStatus: 2.0.0\r\n"
                + "--b--\r\n";
        InboundResult result = service.receive(new ByteArrayInputStream(forged.getBytes(StandardCharsets.US_ASCII)));
        assertThat(result.outcome()).isEqualTo(InboundResult.Outcome.DROPPED);
        assertThat(service.get(CALLER, original.id()).metadata().deliveredAt()).isNull();
        assertThat(events(EventType.DELIVERED)).isEmpty();
    }

    @Test
    void laterSendsToASuppressedAddressAreDroppedAsSuppressed() {
        receive("bounce-postfix-dsn.eml");

        EmailMessage next = service.send(CALLER, world.request().build()).comment();
        service.deliverDue();
        EmailMessage dropped = service.get(CALLER, next.id());
        assertThat(dropped.status()).isEqualTo(EmailStatus.DROPPED);
        assertThat(dropped.metadata().error()).startsWith("suppressed");
        assertThat(service.events(CALLER, next.id())).filteredOn(e -> e.type() == EventType.DROPPED)
                .first().satisfies(e -> assertThat(e.details()).containsEntry("reason", "suppressed"));
        assertThat(smtp.messages()).hasSize(1);

        // With another recipient the message goes out to that one only.
        EmailMessage partial = service.send(CALLER, world.request().cc("boss@example.org").build()).comment();
        service.deliverDue();
        EmailMessage sent = service.get(CALLER, partial.id());
        assertThat(sent.status()).isEqualTo(EmailStatus.SENT);
        assertThat(smtp.messages().get(1).recipients()).containsExactly("boss@example.org");
        assertThat(sent.metadata().recipients()).contains(new RecipientResult("lead@example.org", false, 0, "suppressed"));

        // Lifting the suppression lets mail through again.
        service.unsuppress(CALLER, "LEAD@example.org");
        EmailMessage again = service.send(CALLER, world.request().build()).comment();
        service.deliverDue();
        assertThat(service.get(CALLER, again.id()).status()).isEqualTo(EmailStatus.SENT);
        assertThatThrownBy(() -> service.unsuppress(CALLER, "lead@example.org"))
                .isInstanceOfSatisfying(EmailException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void manualSuppressionsAreValidated() {
        assertThat(service.suppress(CALLER, "Someone <x@example.org>", null).reason()).isEqualTo("manual");
        assertThatThrownBy(() -> service.suppress(CALLER, "not an address", "x"))
                .isInstanceOfSatisfying(EmailException.class, e -> assertThat(e.field()).isEqualTo("email"));
        assertThat(service.suppressions(CALLER)).extracting(Suppression::email).containsExactly("x@example.org");
    }

    @Test
    void aForgedBounceForAnAddressTheMessageNeverWentToChangesNothing() {
        String forged = "From: MAILER-DAEMON@mx.evil.example\r\nSubject: Undelivered Mail Returned to Sender\r\n"
                + "X-Failed-Recipients: ceo@bigcustomer.com\r\nReferences: " + original.metadata().messageId()
                + "\r\n\r\n550 5.1.1 unknown\r\n";
        InboundResult result = service.receive(new ByteArrayInputStream(forged.getBytes(StandardCharsets.US_ASCII)));
        assertThat(result.outcome()).isEqualTo(InboundResult.Outcome.DROPPED);
        assertThat(service.suppressions(CALLER)).isEmpty();
        assertThat(service.get(CALLER, original.id()).status()).isEqualTo(EmailStatus.SENT);
    }

    @Test
    void aBounceForAMessageWeNeverSentIsDropped() {
        String raw = "From: MAILER-DAEMON@mx.example\r\nSubject: Undelivered Mail Returned to Sender\r\n"
                + "X-Failed-Recipients: a@example.org\r\n\r\nMessage-ID: <never-sent@acme.com>\r\n550 5.1.1 unknown\r\n";
        InboundResult result = service.receive(new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
        assertThat(result.outcome()).isEqualTo(InboundResult.Outcome.DROPPED);
        assertThat(result.reason()).contains("did not send");
    }

    @Test
    void theLoopGuardCapsMessagesFromOneSenderForOneRecordPerHour() {
        service = world.serviceBuilder().spoolDirectory(temp)
                .inboundLimits(new InboundLimits(1 << 20, 65536, 100, 10, 3)).build();
        String token = world.store.tokens(original.id()).stream().filter(t -> t.kind() == TokenKind.REPLY)
                .map(TrackingToken::token).findFirst().orElseThrow();
        List<InboundResult.Outcome> outcomes = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String raw = "From: bot@example.org\r\nTo: reply-" + token + "@reply.crm.example\r\nMessage-ID: <loop-" + i
                    + "@example.org>\r\nAuto-Submitted: auto-replied\r\nSubject: Auto: away\r\n\r\naway\r\n";
            outcomes.add(service.receive(new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))).outcome());
        }
        assertThat(outcomes).containsExactly(InboundResult.Outcome.STORED, InboundResult.Outcome.STORED,
                InboundResult.Outcome.STORED, InboundResult.Outcome.DROPPED, InboundResult.Outcome.DROPPED);
        world.clock.advance(java.time.Duration.ofMinutes(61));
        String later = "From: bot@example.org\r\nTo: reply-" + token + "@reply.crm.example\r\n"
                + "Message-ID: <loop-later@example.org>\r\nSubject: away\r\n\r\naway\r\n";
        assertThat(service.receive(new ByteArrayInputStream(later.getBytes(StandardCharsets.US_ASCII))).outcome())
                .isEqualTo(InboundResult.Outcome.STORED);
    }
}
