package io.crmemail.core;

import static io.crmemail.core.testsupport.TestWorld.CALLER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.message.AttachmentRef;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.signature.Signature;
import io.crmemail.core.signature.SignatureRequest;
import io.crmemail.core.store.DeliveryJob;
import io.crmemail.core.store.TokenKind;
import io.crmemail.core.store.TrackingToken;
import io.crmemail.core.testsupport.TestWorld;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SendValidationTest {

    @TempDir
    java.nio.file.Path temp;

    TestWorld world;
    EmailService service;

    @BeforeEach
    void setUp() {
        world = new TestWorld(temp, 2525);
        service = world.service();
    }

    private void assertRejected(Consumer<SendRequest.Builder> change, ErrorCode code, String field, String text) {
        SendRequest.Builder request = world.request();
        change.accept(request);
        int before = timeline().size();
        ThrowableAssert.ThrowingCallable send = () -> service.send(CALLER, request.build());
        assertThatThrownBy(send)
                .isInstanceOfSatisfying(EmailException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage()).contains(text);
                });
        assertThat(timeline()).as("nothing half-stored").hasSize(before);
    }

    private List<EmailMessage> timeline() {
        return world.store.listForRecord(TestWorld.ACCOUNT, new RecordRef(TestWorld.TABLE, TestWorld.RECORD));
    }

    @Test
    void acceptsAValidRequestAsOneQueuedCommentWithTokens() {
        SendResult result = service.send(CALLER, world.request().cc("Boss <boss@example.org>")
                .bcc("audit@example.org").build());

        assertThat(result.id()).isEqualTo(result.comment().id());
        assertThat(result.status()).isEqualTo(EmailStatus.QUEUED);
        EmailMessage comment = result.comment();
        assertThat(comment.type().wire()).isEqualTo("email_out");
        assertThat(comment.userId()).isEqualTo(TestWorld.USER);
        assertThat(comment.record()).isEqualTo(new RecordRef(TestWorld.TABLE, TestWorld.RECORD));
        assertThat(comment.metadata().to()).containsExactly("Jane Doe <lead@example.org>");
        assertThat(comment.metadata().cc()).containsExactly("Boss <boss@example.org>");
        assertThat(comment.metadata().bcc()).containsExactly("audit@example.org");
        assertThat(comment.metadata().subject()).isEqualTo("Welcome {{field:title}}");
        assertThat(comment.metadata().messageId()).matches("<[0-9a-f]{40}@acme\\.com>");
        assertThat(comment.metadata().smtpIntegrationId()).isEqualTo(world.integration.id());

        List<TrackingToken> tokens = world.store.tokens(comment.id());
        assertThat(tokens).extracting(TrackingToken::kind).containsExactlyInAnyOrder(TokenKind.PIXEL, TokenKind.REPLY);
        assertThat(tokens).allSatisfy(t -> {
            assertThat(t.messageId()).isEqualTo(comment.id());
            assertThat(t.record()).isEqualTo(comment.record());
        });
        assertThat(tokens).filteredOn(t -> t.kind() == TokenKind.PIXEL).first()
                .satisfies(t -> assertThat(t.token()).matches("[0-9a-f]{32}"));
        assertThat(tokens).filteredOn(t -> t.kind() == TokenKind.REPLY).first()
                .satisfies(t -> assertThat(t.token()).matches("[0-9a-f]{16}"));

        List<DeliveryJob> due = world.store.claimDue(world.clock.instant(), "probe", Duration.ofMinutes(1), 10);
        assertThat(due).extracting(DeliveryJob::messageId).containsExactly(comment.id());
    }

    @Test
    void unknownTableAndRecordAreNotFound() {
        assertRejected(r -> r.record(999, TestWorld.RECORD), ErrorCode.NOT_FOUND, "tableId", "unknown table 999");
        assertRejected(r -> r.record(TestWorld.TABLE, 999), ErrorCode.NOT_FOUND, "recordId", "unknown record 999");
        assertThatThrownBy(() -> service.send(new Caller(2, TestWorld.USER), world.request().build()))
                .isInstanceOfSatisfying(EmailException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void integrationMustBelongToTheAccount() {
        SmtpIntegration foreign = world.store.saveIntegration(world.integration.toBuilder().id(0).accountId(2).build());
        assertRejected(r -> r.integration(foreign.id()), ErrorCode.VALIDATION_ERROR, "smtpIntegrationId",
                "unknown SMTP integration");
        assertRejected(r -> r.integration(12345), ErrorCode.VALIDATION_ERROR, "smtpIntegrationId",
                "unknown SMTP integration");
    }

    @Test
    void fromDomainMustBeOneOfTheIntegrations() {
        assertRejected(r -> r.from("Sales", "sales@evil.com"), ErrorCode.VALIDATION_ERROR, "fromIdentity.email",
                "evil.com is not one of");
        assertRejected(r -> r.from("Sales", "not an address"), ErrorCode.VALIDATION_ERROR, "fromIdentity.email",
                "not a valid email address");
        assertRejected(r -> r.from(null), ErrorCode.VALIDATION_ERROR, "fromIdentity.email", "required");
        // Domains compare case-insensitively.
        assertThat(service.send(CALLER, world.request().from("Sales", "Sales@ACME.com").build()).status())
                .isEqualTo(EmailStatus.QUEUED);
    }

    @Test
    void recipientsMustBeValidAndPresent() {
        // world.request() already holds to[0]; the builder appends.
        assertRejected(r -> r.to("nope"), ErrorCode.VALIDATION_ERROR, "to[1]",
                "not a valid email address");
        assertRejected(r -> r.cc("a@b.c, d@e.f"), ErrorCode.VALIDATION_ERROR, "cc[0]", "exactly one address");
        assertRejected(r -> r.bcc(""), ErrorCode.VALIDATION_ERROR, "bcc[0]", "is empty");
        SendRequest noRecipients = new SendRequest(TestWorld.TABLE, TestWorld.RECORD, world.integration.id(),
                new io.crmemail.core.message.Mailbox(null, "sales@acme.com"), List.of(), null, null, "s", "b", null,
                null, null);
        assertThatThrownBy(() -> service.send(CALLER, noRecipients))
                .isInstanceOfSatisfying(EmailException.class, e -> assertThat(e.field()).isEqualTo("to"));
        // RFC 5322 forms with display names, quoted names and non-ASCII names are accepted.
        SendResult ok = service.send(CALLER, world.request()
                .to("\"Doe, Jane\" <jane@example.org>", "Jürgen Groß <j@example.org>", "plain@example.org").build());
        assertThat(ok.comment().metadata().to()).containsExactly("Jane Doe <lead@example.org>",
                "\"Doe, Jane\" <jane@example.org>", "\"Jürgen Groß\" <j@example.org>", "plain@example.org");
    }

    @Test
    void lineBreaksInHeaderBoundValuesAreRejected() {
        assertRejected(r -> r.subject("Hi\r\nBcc: victim@example.org"), ErrorCode.VALIDATION_ERROR, "subject",
                "line breaks");
        assertRejected(r -> r.from("Sales\nBcc: x@y.z", "sales@acme.com"), ErrorCode.VALIDATION_ERROR,
                "fromIdentity.name", "line breaks");
        assertRejected(r -> r.to("lead@example.org\r\nBcc: x@y.z"), ErrorCode.VALIDATION_ERROR, "to[1]",
                "line break");
        String path = world.upload("a.txt", "x");
        assertRejected(r -> r.attach(new AttachmentRef("a\r\nX: y.txt", path, "text/plain", 1, null)),
                ErrorCode.VALIDATION_ERROR, "attachments[0].name", "line breaks");
        assertRejected(r -> r.attach(new AttachmentRef("a.txt", path, "text/plain\r\nX: y", 1, null)),
                ErrorCode.VALIDATION_ERROR, "attachments[0].type", "not a valid content type");
    }

    @Test
    void controlCharactersInDisplayNamesAreRejectedUpFront() {
        // The composer refuses these at delivery; accepting them here would drop the message later.
        assertRejected(r -> r.from("Sales\tTeam", "sales@acme.com"), ErrorCode.VALIDATION_ERROR, "fromIdentity.name",
                "control characters");
        assertRejected(r -> r.to("\"Jane\tDoe\" <jane@example.org>"), ErrorCode.VALIDATION_ERROR, "to[1]",
                "control character");
        assertRejected(r -> r.cc("=?UTF-8?Q?Jane=09Doe?= <jane@example.org>"), ErrorCode.VALIDATION_ERROR, "cc[0]",
                "control character");
    }

    @Test
    void theBodyIsStoredSanitisedBecauseOtherUsersSeeItOnTheTimeline() {
        SendResult ok = service.send(CALLER, world.request()
                .body("<p onclick=\"steal()\">Hi {{field:title}}</p><img src=x onerror=alert(1)><script>alert(2)</script>")
                .build());
        assertThat(ok.comment().metadata().body()).contains("<p>Hi {{field:title}}</p>")
                .doesNotContain("onclick").doesNotContain("onerror").doesNotContain("<script");
    }

    @Test
    void theQueuedEventIsWrittenWithTheMessageNotByASeparateCall() {
        // The queued event is part of the enqueue transaction: a store whose separate addEvent always fails
        // neither fails the send nor loses the event.
        java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean(true);
        EmailService flaky = world.serviceBuilder()
                .store(io.crmemail.core.testsupport.FailingStore.failing(world.store, failing, "addEvent")).build();
        SendResult result = flaky.send(CALLER, world.request().build());
        assertThat(result.status()).isEqualTo(EmailStatus.QUEUED);
        assertThat(timeline()).extracting(EmailMessage::id).containsExactly(result.id());
        assertThat(flaky.events(CALLER, result.id())).extracting(e -> e.type())
                .containsExactly(io.crmemail.core.tracking.EventType.QUEUED);
    }

    @Test
    void subjectIsCappedAt998Characters() {
        assertRejected(r -> r.subject("x".repeat(999)), ErrorCode.VALIDATION_ERROR, "subject", "at most 998");
        assertThat(service.send(CALLER, world.request().subject("x".repeat(998)).build()).status())
                .isEqualTo(EmailStatus.QUEUED);
    }

    @Test
    void unknownMergeFieldsAreRejected() {
        assertRejected(r -> r.subject("Hi {{field:nickname}}"), ErrorCode.VALIDATION_ERROR, "subject",
                "{{field:nickname}}");
        assertRejected(r -> r.body("<p>{{ field:missing }}</p>"), ErrorCode.VALIDATION_ERROR, "body",
                "{{field:missing}}");
    }

    @Test
    void attachmentPathsMustBeUnderTheTablePrefixAndExist() {
        String good = world.upload("brochure.pdf", "%PDF-1.4");
        assertRejected(r -> r.attach(new AttachmentRef("x.pdf", "2-123-brochure.pdf", "application/pdf", 1, null)),
                ErrorCode.VALIDATION_ERROR, "attachments[0].path", "must begin with 1-123-");
        assertRejected(r -> r.attach(new AttachmentRef("x.pdf", "1-123-../../etc/passwd", "application/pdf", 1, null)),
                ErrorCode.VALIDATION_ERROR, "attachments[0].path", "'..'");
        assertRejected(r -> r.attach(new AttachmentRef("x.pdf", "1-123-missing.pdf", "application/pdf", 1, null)),
                ErrorCode.VALIDATION_ERROR, "attachments[0].path", "does not exist");
        assertRejected(r -> r.attach(new AttachmentRef("x.pdf", null, "application/pdf", 1, null)),
                ErrorCode.VALIDATION_ERROR, "attachments[0].path", "required");

        SendResult ok = service.send(CALLER, world.request()
                .attach(new AttachmentRef("brochure.pdf", "/" + good, "application/pdf", 999, "files.example")).build());
        AttachmentRef stored = ok.comment().metadata().attachments().get(0);
        assertThat(stored.size()).as("size comes from the store, not the caller").isEqualTo(8);
        assertThat(stored.host()).isEqualTo("files.example");
    }

    @Test
    void attachmentsOverTheSizeLimitArePayloadTooLarge() {
        service = world.serviceBuilder().limits(new Limits(100, 998, 1000, 20, 10, 200 * 1024,
                Duration.ofDays(1))).build();
        String path = world.upload("big.txt", "more than ten bytes");
        assertRejected(r -> r.attach(new AttachmentRef("big.txt", path, "text/plain", 1, null)),
                ErrorCode.PAYLOAD_TOO_LARGE, "attachments", "more than the limit");
        assertRejected(r -> r.body("x".repeat(1001)), ErrorCode.PAYLOAD_TOO_LARGE, "body", "at most 1000");
    }

    @Test
    void signatureMustBeTheCallers() {
        Signature mine = service.createSignature(CALLER, new SignatureRequest("Mine", "<b>Me</b>", false));
        Signature theirs = service.createSignature(new Caller(TestWorld.ACCOUNT, 99),
                new SignatureRequest("Theirs", "<b>Them</b>", false));
        assertRejected(r -> r.signature(theirs.id()), ErrorCode.VALIDATION_ERROR, "signatureId", "unknown signature");
        assertRejected(r -> r.signature(424242L), ErrorCode.VALIDATION_ERROR, "signatureId", "unknown signature");
        SendResult ok = service.send(CALLER, world.request().signature(mine.id()).build());
        assertThat(ok.comment().metadata().signatureHtml()).isEqualTo("<b>Me</b>");
    }

    @Test
    void collectsEveryProblemAtOnce() {
        SendRequest.Builder request = world.request().from("S", "s@evil.com").to("bad").subject("{{field:nope}}");
        assertThatThrownBy(() -> service.send(CALLER, request.build()))
                .isInstanceOfSatisfying(EmailException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field)
                        .containsExactly("fromIdentity.email", "to[1]", "subject"));
    }

    @Test
    void tooManyRecipientsAreRejected() {
        String[] many = new String[101];
        for (int i = 0; i < many.length; i++) {
            many[i] = "r" + i + "@example.org";
        }
        assertRejected(r -> r.to(many), ErrorCode.VALIDATION_ERROR, "to", "at most 100 recipients");
    }

    @Test
    void scheduledMessagesWaitAndAreBoundedInTheFuture() {
        Instant later = world.clock.instant().plus(Duration.ofHours(2));
        SendResult scheduled = service.send(CALLER, world.request().scheduledAt(later).build());
        assertThat(scheduled.status()).isEqualTo(EmailStatus.SCHEDULED);
        assertThat(scheduled.comment().metadata().scheduledAt()).isEqualTo(later);
        assertThat(world.store.claimDue(world.clock.instant(), "probe", Duration.ofMinutes(1), 10)).isEmpty();

        assertRejected(r -> r.scheduledAt(world.clock.instant().plus(Duration.ofDays(400))),
                ErrorCode.VALIDATION_ERROR, "scheduledAt", "within 365 days");
        // A time in the past means "now".
        assertThat(service.send(CALLER, world.request().scheduledAt(Instant.EPOCH).build()).status())
                .isEqualTo(EmailStatus.QUEUED);
    }
}
