package io.crmemail.core;

import io.crmemail.core.tracking.Tokens;
import static io.crmemail.core.testsupport.TestWorld.CALLER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.store.MessageQuery;
import io.crmemail.core.store.TokenKind;
import io.crmemail.core.store.TrackingToken;
import io.crmemail.core.template.Template;
import io.crmemail.core.template.TemplateRequest;
import io.crmemail.core.testsupport.Messages;
import io.crmemail.core.testsupport.TestWorld;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every rule a {@code /api/v1} message passes, with the wire name of the field each failure names. */
class MessageValidationTest {

    @TempDir
    Path temp;

    TestWorld world;
    EmailService service;

    @BeforeEach
    void setUp() {
        world = new TestWorld(temp, 2525);
        service = world.service();
    }

    private void rejected(Consumer<MessageRequest.Builder> change, String field, String text) {
        rejected(service, change, ErrorCode.VALIDATION_ERROR, field, text);
    }

    private void rejected(EmailService with, Consumer<MessageRequest.Builder> change, ErrorCode code, String field,
                          String text) {
        MessageRequest.Builder request = Messages.basic();
        change.accept(request);
        int before = stored().size();
        assertThatThrownBy(() -> with.sendMessage(CALLER, request.build()))
                .isInstanceOfSatisfying(EmailException.class, e -> {
                    assertThat(e.code()).as(e.errors().toString()).isEqualTo(code);
                    assertThat(e.field()).as(e.errors().toString()).isEqualTo(field);
                    assertThat(e.getMessage()).contains(text);
                });
        assertThat(stored()).as("nothing stored").hasSize(before);
    }

    private List<EmailMessage> stored() {
        return world.store.list(TestWorld.ACCOUNT, MessageQuery.latest(100));
    }

    private EmailService serviceWith(Limits limits) {
        return world.serviceBuilder().limits(limits).build();
    }

    @Test
    void acceptsAFullMessageOnNoRecordWithEveryFieldStored() {
        EmailMessage m = service.sendMessage(CALLER, Messages.basic()
                .cc("Boss <boss@example.org>").bcc("audit@example.org").replyTo("Help <help@acme.com>")
                .html("<p onclick=\"x()\">Hi<script>alert(1)</script></p>").text("Hi (text)")
                .header("X-Campaign", "spring").tag("welcome", "q2").metadata("order", "A-17")
                .contact("c-1").deal("d-9").build());

        assertThat(m.status()).isEqualTo(EmailStatus.QUEUED);
        assertThat(m.record()).isEqualTo(RecordRef.NONE);
        assertThat(m.userId()).isEqualTo(TestWorld.USER);
        EmailMetadata meta = m.metadata();
        assertThat(meta.fromIdentity().toString()).isEqualTo("Sales <sales@acme.com>"); // the identity's name
        assertThat(meta.smtpIntegrationId()).isEqualTo(world.integration.id());
        assertThat(meta.to()).containsExactly("Jane Doe <lead@example.org>");
        assertThat(meta.cc()).containsExactly("Boss <boss@example.org>");
        assertThat(meta.bcc()).containsExactly("audit@example.org");
        assertThat(meta.replyTo()).containsExactly("Help <help@acme.com>");
        assertThat(meta.subject()).isEqualTo("Hello");
        assertThat(meta.body()).isEqualTo("<p>Hi</p>");
        assertThat(meta.text()).isEqualTo("Hi (text)");
        assertThat(meta.headers()).containsExactly(java.util.Map.entry("X-Campaign", "spring"));
        assertThat(meta.tags()).containsExactly("welcome", "q2");
        assertThat(meta.clientMetadata()).containsExactly(java.util.Map.entry("order", "A-17"));
        assertThat(meta.contactId()).isEqualTo("c-1");
        assertThat(meta.dealId()).isEqualTo("d-9");
        assertThat(Tokens.isThreadId(meta.threadId())).as(meta.threadId()).isTrue();
        assertThat(meta.messageId()).matches("<[0-9a-f]{40}@acme\\.com>");
        assertThat(meta.inReplyTo()).isNull();
        assertThat(meta.templateId()).isNull();
        assertThat(service.events(CALLER, m.id())).extracting(e -> e.type().wire()).containsExactly("queued");
    }

    @Test
    void aTextOnlyMessageHasNoBody() {
        EmailMessage m = service.sendMessage(CALLER, Messages.basic().html(null).text("plain only").build());
        assertThat(m.metadata().body()).isNull();
        assertThat(m.metadata().text()).isEqualTo("plain only");
    }

    @Test
    void senderAndIntegration() {
        rejected(r -> r.from((String) null), "from", "from is required");
        rejected(service, r -> r.from("someone@elsewhere.example"), ErrorCode.INSUFFICIENT_PERMISSIONS, "from",
                "no connected email integration sends as someone@elsewhere.example");
        rejected(r -> r.from(new io.crmemail.core.message.Mailbox("Bad\r\nBcc: x@y.z", "sales@acme.com")),
                "from", "control characters");
        rejected(r -> r.from(new io.crmemail.core.message.Mailbox(null, "not-an-address")), "from",
                "not a valid email address");
        rejected(r -> r.integration(999), "integration_id", "unknown integration 999");
    }

    @Test
    void recipients() {
        MessageRequest noTo = Messages.basic().build().withTo(List.of(), null);
        assertThatThrownBy(() -> service.sendMessage(CALLER, noTo))
                .isInstanceOfSatisfying(EmailException.class, e -> assertThat(e.field()).isEqualTo("to"));
        rejected(r -> r.to("not-an-address"), "to[1]", "to[1] is not a valid email address");
        rejected(r -> r.cc("a@b@c"), "cc[0]", "cc[0]");
        rejected(r -> r.bcc("x\r\nBcc: y@example.org"), "bcc[0]", "line break");
        rejected(r -> r.replyTo("nope"), "reply_to[0]", "reply_to[0]");
        EmailService two = serviceWith(new Limits(2, 998, 1_000_000, 20, 1 << 20, 1 << 10, Duration.ofDays(365)));
        rejected(two, r -> r.cc("a@example.org").bcc("b@example.org"), ErrorCode.VALIDATION_ERROR, "to",
                "at most 2 recipients");
    }

    @Test
    void subjectAndBodies() {
        rejected(r -> r.subject("Hi\r\nBcc: x@example.org"), "subject", "line breaks");
        rejected(r -> r.subject("x".repeat(999)), "subject", "at most 998");
        rejected(r -> r.html(null).text(null), "html", "html or text is required");
        rejected(r -> r.html(" ").text(""), "html", "html or text is required");
        EmailService small = serviceWith(new Limits(100, 998, 20, 20, 1 << 20, 1 << 10, Duration.ofDays(365)));
        rejected(small, r -> r.html("<p>" + "x".repeat(30) + "</p>"), ErrorCode.PAYLOAD_TOO_LARGE, "html",
                "at most 20");
        rejected(small, r -> r.text("y".repeat(21)), ErrorCode.PAYLOAD_TOO_LARGE, "text", "at most 20");
    }

    @Test
    void anOmittedSubjectOfANewConversationIsNoSubject() {
        assertThat(service.sendMessage(CALLER, Messages.basic().subject(null).build()).metadata().subject())
                .isEqualTo("(no subject)");
    }

    @Test
    void templatesAndVariables() {
        long other = world.store.saveTemplate(new Template(0, 2, "theirs", "s", "<p>x</p>", null,
                world.clock.instant(), world.clock.instant())).id();
        rejected(r -> r.template(4711), "template_id", "unknown template 4711");
        rejected(r -> r.template(other), "template_id", "unknown template " + other);
        rejected(r -> r.subject("Hi {{first_name}}"), "variables.first_name", "{{first_name}}");
        rejected(r -> r.html("<p>{{ greeting }} {{x}}</p>").variable("greeting", "Hello"), "variables.x", "{{x}}");
        rejected(r -> r.html("<p>{{name}}</p>").variable("name", "{{field:email}}"), "variables.name",
                "merge token");
    }

    @Test
    void recordAndMergeFields() {
        rejected(service, r -> r.record(999, 1), ErrorCode.NOT_FOUND, "record.table_id", "unknown table 999");
        rejected(service, r -> r.record(TestWorld.TABLE, 999), ErrorCode.NOT_FOUND, "record.record_id",
                "unknown record 999");
        rejected(r -> r.record(TestWorld.TABLE, TestWorld.RECORD).subject("Hi {{field:nope}}"), "subject",
                "unknown merge field {{field:nope}}");
        rejected(r -> r.html("<p>{{field:title}}</p>"), "html", "needs a record");
        rejected(r -> r.html(null).text("Dear {{field:title}}"), "text", "needs a record");
        long template = service.createTemplate(CALLER, new TemplateRequest("t", "For {{field:title}}", "<p>x</p>",
                null)).id();
        rejected(r -> r.subject(null).template(template), "template_id", "needs a record");

        EmailMessage onRecord = service.sendMessage(CALLER, Messages.onRecord().subject("Hi {{field:title}}").build());
        assertThat(onRecord.record()).isEqualTo(new RecordRef(TestWorld.TABLE, TestWorld.RECORD));
        assertThat(onRecord.metadata().subject()).isEqualTo("Hi {{field:title}}"); // merged at transmission
        assertThat(service.comments(CALLER, TestWorld.TABLE, TestWorld.RECORD)).extracting(EmailMessage::id)
                .contains(onRecord.id());
    }

    @Test
    void schedule() {
        rejected(r -> r.scheduledAt(world.clock.instant().plus(Duration.ofDays(366))), "scheduled_at",
                "within 365 days");
        EmailMessage past = service.sendMessage(CALLER,
                Messages.basic().scheduledAt(world.clock.instant().minusSeconds(60)).build());
        assertThat(past.status()).isEqualTo(EmailStatus.QUEUED);
        assertThat(past.metadata().scheduledAt()).isNull();
        Instant later = world.clock.instant().plus(Duration.ofHours(2));
        EmailMessage scheduled = service.sendMessage(CALLER, Messages.basic().scheduledAt(later).build());
        assertThat(scheduled.status()).isEqualTo(EmailStatus.SCHEDULED);
        assertThat(scheduled.metadata().scheduledAt()).isEqualTo(later);
    }

    @Test
    void threading() {
        rejected(service, r -> r.thread("no-such-thread"), ErrorCode.NOT_FOUND, "thread_id", "unknown thread");
        rejected(r -> r.thread("a\nb"), "thread_id", "one line");
        rejected(r -> r.inReplyTo("not-a-message-id"), "in_reply_to", "<id@domain>");
        rejected(r -> r.inReplyTo("<a@b>\r\nBcc: x@y.z"), "in_reply_to", "<id@domain>");
        rejected(r -> r.references("<a@b.example> c@d"), "references", "<id@domain>");
        EmailMessage m = service.sendMessage(CALLER, Messages.basic().inReplyTo(" <x1@mail.example> ")
                .references("<x0@mail.example>\n <x1@mail.example>").build());
        assertThat(m.metadata().inReplyTo()).isEqualTo("<x1@mail.example>");
        assertThat(m.metadata().references()).isEqualTo("<x0@mail.example> <x1@mail.example>");
    }

    @Test
    void headers() {
        rejected(r -> {
            for (int i = 0; i < 51; i++) {
                r.header("X-H" + i, "v");
            }
        }, "headers", "at most 50 headers");
        rejected(r -> r.header("Bcc", "x@example.org"), "headers.Bcc", "not as a custom header");
        rejected(r -> r.header("content-type", "text/plain"), "headers.content-type", "not as a custom header");
        rejected(r -> r.header("DKIM-Signature", "v=1"), "headers.DKIM-Signature", "not as a custom header");
        rejected(r -> r.header("X Bad", "v"), "headers", "header name must be");
        rejected(r -> r.header("X-Colon:", "v"), "headers", "header name must be");
        rejected(r -> r.header("X-Inject", "a\r\nBcc: x@example.org"), "headers.X-Inject", "line break");
        rejected(r -> r.header("X-Long", "v".repeat(901)), "headers.X-Long", "longer than 900");
    }

    @Test
    void tagsMetadataAndLinks() {
        rejected(r -> {
            for (int i = 0; i < 21; i++) {
                r.tag("t" + i);
            }
        }, "tags", "at most 20 tags");
        rejected(r -> r.tag("ok", " "), "tags[1]", "1 to 100");
        rejected(r -> r.tag("t".repeat(101)), "tags[0]", "1 to 100");
        rejected(r -> r.tag("a\tb"), "tags[0]", "printable");
        rejected(r -> {
            for (int i = 0; i < 51; i++) {
                r.metadata("k" + i, "v");
            }
        }, "metadata", "at most 50");
        rejected(r -> r.metadata("k".repeat(101), "v"), "metadata", "1 to 100");
        rejected(r -> r.metadata("big", "v".repeat(1001)), "metadata.big", "at most 1000");
        rejected(r -> r.metadata("ctl", "a\u0000b"), "metadata.ctl", "control");
        rejected(r -> r.contact("c".repeat(201)), "contact_id", "1 to 200");
        rejected(r -> r.deal("d\nx"), "deal_id", "one line");
    }

    @Test
    void collectsEveryProblemAtOnceInFieldOrder() {
        assertThatThrownBy(() -> service.sendMessage(CALLER, Messages.basic().to("bad").subject("a\nb")
                .tag("").header("To", "x").build()))
                .isInstanceOfSatisfying(EmailException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field).containsExactly("to[1]", "subject", "headers.To", "tags[0]"));
    }

    @Test
    void trackingTokens() {
        String html = "<p><a href=\"https://a.example/1?x=1&amp;y=2\">one</a> <a href=\"mailto:x@y.z\">m</a>"
                + " <a href=\"https://b.example/2\" data-notrack>skip</a> <a href=\"https://a.example/1?x=1&amp;y=2\">"
                + "again</a></p>";
        EmailMessage tracked = service.sendMessage(CALLER, Messages.basic().html(html).build());
        List<TrackingToken> tokens = world.store.tokens(tracked.id());
        assertThat(tokens).extracting(TrackingToken::kind)
                .containsExactly(TokenKind.PIXEL, TokenKind.REPLY, TokenKind.CLICK, TokenKind.CLICK);
        assertThat(tokens.stream().filter(t -> t.kind() == TokenKind.CLICK).map(TrackingToken::url))
                .containsExactly("https://a.example/1?x=1&y=2", "https://a.example/1?x=1&y=2");
        assertThat(tokens).allSatisfy(t -> assertThat(switch (t.kind()) {
            case REPLY -> Tokens.isReplyToken(t.token());
            case PIXEL -> Tokens.isPixelToken(t.token());
            case CLICK -> Tokens.isClickToken(t.token());
            case UNSUBSCRIBE -> Tokens.isUnsubscribeToken(t.token());
        }).as(t.toString()).isTrue());

        EmailMessage untracked = service.sendMessage(CALLER, Messages.basic().html(html).trackOpens(false)
                .trackClicks(false).build());
        assertThat(world.store.tokens(untracked.id())).extracting(TrackingToken::kind)
                .containsExactly(TokenKind.REPLY);

        world.integration = world.store.saveIntegration(world.integration.toBuilder().disablePixel(true).build());
        EmailMessage noPixel = service.sendMessage(CALLER, Messages.basic().build());
        assertThat(world.store.tokens(noPixel.id())).extracting(TrackingToken::kind)
                .containsExactly(TokenKind.REPLY);
    }

    @Test
    void aCrmSendStartsAConversationToo() {
        SendResult crm = service.send(CALLER, world.request().build());
        assertThat(Tokens.isThreadId(crm.comment().metadata().threadId())).isTrue();
        assertThat(service.thread(CALLER, crm.comment().metadata().threadId())).extracting(EmailMessage::id)
                .containsExactly(crm.id());
    }
}
