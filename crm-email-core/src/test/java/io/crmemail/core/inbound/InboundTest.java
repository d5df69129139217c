package io.crmemail.core.inbound;

import static io.crmemail.core.testsupport.TestWorld.CALLER;
import static org.assertj.core.api.Assertions.assertThat;

import io.crmemail.core.EmailService;
import io.crmemail.core.SendResult;
import io.crmemail.core.message.AttachmentRef;
import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.store.NewEmail;
import io.crmemail.core.store.NewToken;
import io.crmemail.core.store.TokenKind;
import io.crmemail.core.store.TrackingToken;
import io.crmemail.core.testsupport.TestWorld;
import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.EventType;
import io.crmemail.core.tracking.Tokens;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real-world-shaped replies from src/test/resources/inbound routed onto the record that sent the original. */
class InboundTest {

    @TempDir
    Path temp;

    TestWorld world;
    EmailService service;
    EmailMessage original;
    String replyToken;

    @BeforeEach
    void setUp() {
        world = new TestWorld(temp, 2525);
        service = world.serviceBuilder().spoolDirectory(temp).build();
        SendResult sent = service.send(CALLER, world.request().build());
        original = sent.comment();
        replyToken = world.store.tokens(original.id()).stream().filter(t -> t.kind() == TokenKind.REPLY)
                .map(TrackingToken::token).findFirst().orElseThrow();
    }

    private byte[] corpus(String name) {
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("/inbound/" + name), name)) {
            String raw = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return raw.replace("{{TOKEN}}", replyToken).replace("{{MESSAGE_ID}}", original.metadata().messageId())
                    .getBytes(StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private InboundResult receive(String name) {
        return service.receive(new ByteArrayInputStream(corpus(name)));
    }

    private EmailMessage stored(InboundResult result) {
        assertThat(result.outcome()).as(result.reason()).isEqualTo(InboundResult.Outcome.STORED);
        return service.get(CALLER, result.commentId());
    }

    private List<EmailMessage> timeline() {
        return world.store.listForRecord(TestWorld.ACCOUNT, new RecordRef(TestWorld.TABLE, TestWorld.RECORD));
    }

    @Test
    void gmailReplyLandsUnderTheOriginalWithoutItsQuotedHistory() {
        EmailMessage reply = stored(receive("gmail-reply.eml"));

        assertThat(reply.type()).isEqualTo(CommentType.EMAIL_IN);
        assertThat(reply.parentId()).isEqualTo(original.id());
        assertThat(reply.record()).isEqualTo(original.record());
        assertThat(reply.status()).isEqualTo(EmailStatus.RECEIVED);
        assertThat(reply.metadata().fromIdentity()).isEqualTo(new Mailbox("Jane Doe", "lead@example.org"));
        assertThat(reply.metadata().subject()).isEqualTo("Re: Welcome Jane Doe");
        assertThat(reply.metadata().messageId()).isEqualTo("<CAGmail-1234567890@mail.gmail.com>");
        assertThat(reply.metadata().inReplyTo()).isEqualTo(original.metadata().messageId());
        assertThat(reply.metadata().replyText()).isEqualTo("Thanks Sales, sounds great! Grüße");
        assertThat(reply.metadata().text()).contains("> Welcome aboard.");
        assertThat(reply.metadata().body()).contains("Thanks Sales").doesNotContain("<script");
        assertThat(reply.metadata().sentAt()).isEqualTo(java.time.Instant.parse("2026-03-18T10:02:17Z"));
        assertThat(reply.metadata().receivedAt()).isEqualTo(world.clock.instant());
        assertThat(reply.metadata().autoReply()).isFalse();

        EmailMessage parent = service.get(CALLER, original.id());
        assertThat(parent.metadata().repliedAt()).isEqualTo(world.clock.instant());
        assertThat(service.events(CALLER, original.id())).extracting(EmailEvent::type).contains(EventType.REPLY);
        assertThat(timeline()).extracting(EmailMessage::id).containsExactly(original.id(), reply.id());
    }

    @Test
    void repliesJoinTheirParentsConversationWhetherRoutedByTokenOrByReferences() {
        String thread = Tokens.threadId();
        replyToken = Tokens.replyToken();
        java.time.Instant now = world.clock.instant();
        original = world.store.enqueue(new NewEmail(TestWorld.ACCOUNT, original.record(), CommentType.EMAIL_OUT, null,
                TestWorld.USER, now, original.metadata().toBuilder().threadId(thread)
                .messageId(Tokens.messageId("acme.com")).build(), now, List.of(NewToken.of(replyToken, TokenKind.REPLY))));

        EmailMessage byToken = stored(receive("gmail-reply.eml"));
        EmailMessage byReferences = stored(receive("outlook-reply.eml"));

        assertThat(byToken.parentId()).isEqualTo(original.id());
        assertThat(byReferences.parentId()).isEqualTo(original.id());
        assertThat(byToken.metadata().threadId()).isEqualTo(thread);
        assertThat(byReferences.metadata().threadId()).isEqualTo(thread);
        assertThat(world.store.thread(TestWorld.ACCOUNT, thread)).extracting(EmailMessage::id)
                .containsExactly(original.id(), byToken.id(), byReferences.id());
    }

    /** Messages stored before conversations existed have no thread id; their replies join none either. */
    @Test
    void aReplyToAMessageOutsideAnyConversationHasNone() {
        replyToken = Tokens.replyToken();
        java.time.Instant now = world.clock.instant();
        original = world.store.enqueue(new NewEmail(TestWorld.ACCOUNT, original.record(), CommentType.EMAIL_OUT, null,
                TestWorld.USER, now, original.metadata().toBuilder().threadId(null)
                .messageId(Tokens.messageId("acme.com")).build(), now, List.of(NewToken.of(replyToken, TokenKind.REPLY))));
        EmailMessage reply = stored(receive("gmail-reply.eml"));
        assertThat(reply.parentId()).isEqualTo(original.id());
        assertThat(reply.metadata().threadId()).isNull();
    }

    @Test
    void outlookReplyWithoutTheTokenIsThreadedByReferences() {
        EmailMessage reply = stored(receive("outlook-reply.eml"));
        assertThat(reply.parentId()).isEqualTo(original.id());
        assertThat(reply.metadata().subject()).isEqualTo("AW: Grüße");
        assertThat(reply.metadata().fromIdentity()).isEqualTo(new Mailbox("Jörg Müller", "joerg@example.org"));
        assertThat(reply.metadata().replyText()).isEqualTo("Hello,\n\nplease send the offer. Grüße, Jörg");
        assertThat(reply.metadata().text()).contains("-----Original Message-----");
    }

    @Test
    void appleMailReplyKeepsItsAttachmentUnderTheRecordsPrefix() throws Exception {
        EmailMessage reply = stored(receive("apple-reply-attachment.eml"));
        assertThat(reply.parentId()).isEqualTo(original.id());
        assertThat(reply.metadata().replyText()).isEqualTo("Here is the signed contract.\n\nJane");

        assertThat(reply.metadata().attachments()).hasSize(1);
        AttachmentRef pdf = reply.metadata().attachments().get(0);
        assertThat(pdf.name()).isEqualTo("Vertrag unterschrieben ä.pdf");
        assertThat(pdf.type()).isEqualTo("application/pdf");
        assertThat(pdf.path()).startsWith("1-123-in-").endsWith("-Vertrag unterschrieben ä.pdf");
        try (InputStream in = world.attachments.open(pdf.path())) {
            byte[] bytes = in.readAllBytes();
            assertThat(bytes).hasSize((int) pdf.size());
            assertThat(new String(bytes, StandardCharsets.US_ASCII)).startsWith("%PDF-1.4");
        }
    }

    @Test
    void thunderbirdReplyDecodesCharsetsAndDropsTheQuotedBlock() {
        EmailMessage reply = stored(receive("thunderbird-reply.eml"));
        assertThat(reply.metadata().subject()).isEqualTo("お世話になっております");
        assertThat(reply.metadata().replyText()).isEqualTo("Danke schön, bis Montag.\n\nJane");
    }

    @Test
    void nestedRelatedAndForwardedPartsAreReadAndKept() {
        EmailMessage reply = stored(receive("related-forward.eml"));
        assertThat(reply.metadata().text()).isEqualTo("ご連絡ありがとうございます。\n来週お伺いします。\n");
        assertThat(reply.metadata().body()).contains("See the chart").contains("cid:chart@example.org");
        assertThat(reply.metadata().attachments()).extracting(AttachmentRef::type)
                .containsExactly("image/png", "message/rfc822");
        assertThat(reply.metadata().attachments()).extracting(AttachmentRef::name)
                .containsExactly("attachment-1.png", "attachment-2.eml");
        // The forwarded message is kept whole, not mistaken for the reply or threaded by its own Message-ID.
        assertThat(reply.metadata().messageId()).isEqualTo("<fwd-1@example.org>");
    }

    @Test
    void anAbsurdlyLongMessageIdCountsAsNoneAndTheReplyStillLands() {
        String raw = "From: lead@example.org\r\nTo: reply-" + replyToken + "@reply.crm.example\r\n"
                + "Message-ID: <" + "x".repeat(2000) + "@example.org>\r\nSubject: Re\r\n\r\nthanks\r\n";
        EmailMessage reply = stored(service.receive(new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))));
        assertThat(reply.metadata().messageId()).matches("<sha256-[0-9a-f]{64}@inbound\\.crm-email>");
        // Delivered again, it is still recognised as the same message.
        assertThat(service.receive(new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))).outcome())
                .isEqualTo(InboundResult.Outcome.DUPLICATE);
    }

    @Test
    void brokenMailIsStoredAsWellAsItCanBeRead() {
        EmailMessage reply = stored(receive("broken-encoding.eml"));
        assertThat(reply.metadata().text()).contains("Broken but readable");
        assertThat(reply.metadata().fromIdentity()).isNull();
    }

    @Test
    void autoRepliesAreStoredButFlagged() {
        EmailMessage reply = stored(receive("auto-reply.eml"));
        assertThat(reply.metadata().autoReply()).isTrue();
        assertThat(reply.parentId()).isEqualTo(original.id());
        // Flagged, and nothing automatic follows: the original does not count as replied.
        assertThat(service.get(CALLER, original.id()).metadata().repliedAt()).isNull();
    }

    @Test
    void theSameMessageTwiceIsStoredOnce() throws IOException {
        InboundResult first = receive("apple-reply-attachment.eml");
        InboundResult second = receive("apple-reply-attachment.eml");
        assertThat(second.outcome()).isEqualTo(InboundResult.Outcome.DUPLICATE);
        assertThat(second.commentId()).isEqualTo(first.commentId());
        assertThat(timeline()).hasSize(2);
        assertThat(attachmentFiles()).hasSize(1);
        assertThat(service.inboundCounts()).isEqualTo(new InboundCounts(1, 1, 0, 0, 0, 0));
    }

    @Test
    void mailWithoutTokenOrKnownThreadIsDroppedSilently() {
        String raw = "From: x@example.org\r\nTo: reply-0123456789abcdef@reply.crm.example\r\n"
                + "In-Reply-To: <nobody@nowhere>\r\nMessage-ID: <stray@example.org>\r\nSubject: hi\r\n\r\nhello\r\n";
        InboundResult result = service.receive(new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
        assertThat(result.outcome()).isEqualTo(InboundResult.Outcome.DROPPED);
        assertThat(result.reason()).contains("no reply token");
        // A token for another catch domain does not count.
        String otherDomain = "From: x@example.org\r\nTo: reply-" + replyToken + "@evil.example\r\nSubject: hi\r\n\r\nhi\r\n";
        assertThat(service.receive(new ByteArrayInputStream(otherDomain.getBytes(StandardCharsets.US_ASCII))).outcome())
                .isEqualTo(InboundResult.Outcome.DROPPED);
        assertThat(timeline()).hasSize(1);
        assertThat(service.inboundCounts().dropped()).isEqualTo(2);
    }

    /** A follow-up we sent answers the original; its copy in a polled mailbox (or a Cc to us) is not a reply. */
    @Test
    void aCopyOfOurOwnOutboundMessageIsNotStoredAsAReply() {
        EmailMessage followUp = service.send(CALLER, world.request().subject("Following up").build()).comment();
        String copy = "From: Sales <sales@acme.com>\r\nTo: lead@example.org\r\nCc: sales@acme.com\r\n"
                + "Message-ID: " + followUp.metadata().messageId() + "\r\n"
                + "In-Reply-To: " + original.metadata().messageId() + "\r\nSubject: Following up\r\n\r\nhi\r\n";

        InboundResult result = service.receive(new ByteArrayInputStream(copy.getBytes(StandardCharsets.US_ASCII)));

        assertThat(result.outcome()).isEqualTo(InboundResult.Outcome.DROPPED);
        assertThat(result.reason()).contains("our own outbound message");
        assertThat(timeline()).extracting(EmailMessage::id).containsExactly(original.id(), followUp.id());
        assertThat(service.get(CALLER, original.id()).metadata().repliedAt()).isNull();
    }

    @Test
    void aStoreOutageIsAFailureToRetryAndLeavesNothingBehind() throws IOException {
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        service = world.serviceBuilder().spoolDirectory(temp)
                .store(io.crmemail.core.testsupport.FailingStore.failing(world.store, down, "storeInbound")).build();

        InboundResult failed = receive("apple-reply-attachment.eml");
        assertThat(failed.outcome()).isEqualTo(InboundResult.Outcome.FAILED);
        assertThat(failed.reason()).contains("store unavailable");
        assertThat(timeline()).hasSize(1);
        assertThat(attachmentFiles()).as("attachments of the failed message are removed").isEmpty();

        // Delivered again once the store is back, it is stored as if nothing had happened.
        down.set(false);
        EmailMessage reply = stored(receive("apple-reply-attachment.eml"));
        assertThat(reply.metadata().attachments()).hasSize(1);
        assertThat(service.inboundCounts().failed()).isEqualTo(1);
        assertThat(service.inboundCounts().dropped()).isZero();
    }

    @Test
    void aMessageOfCountlessTinyPartsIsRefusedWhileItStreams() {
        // Jakarta Mail would parse every part before the walker could count them.
        StringBuilder bomb = new StringBuilder("To: reply-" + replyToken + "@reply.crm.example\r\n"
                + "Content-Type: multipart/mixed; boundary=b\r\n\r\n");
        for (int i = 0; i < 100_000; i++) {
            bomb.append("--b\r\n\r\n");
        }
        bomb.append("--b--\r\n");
        InboundResult result = service.receive(new ByteArrayInputStream(bomb.toString().getBytes(StandardCharsets.US_ASCII)));
        assertThat(result.outcome()).isEqualTo(InboundResult.Outcome.DROPPED);
        assertThat(result.reason()).contains("more than 1000 possible MIME boundaries");
        // Dashed lines in ordinary text are no boundaries: signatures and Outlook separators pass.
        String text = "To: reply-" + replyToken + "@reply.crm.example\r\nMessage-ID: <dashes@example.org>\r\n\r\n"
                + "-- \r\n-----Original Message-----\r\n".repeat(800);
        assertThat(service.receive(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII))).outcome())
                .isEqualTo(InboundResult.Outcome.STORED);
    }

    @Test
    void theTokenDecidesTheRecordEvenWhenTheThreadPointsElsewhere() {
        world.records.putRecord(TestWorld.ACCOUNT, TestWorld.TABLE, 999, java.util.Map.of("title", "Other"));
        EmailMessage other = service.send(CALLER, world.request().record(TestWorld.TABLE, 999).build()).comment();
        String raw = "From: lead@example.org\r\nTo: reply-" + replyToken + "@reply.crm.example\r\n"
                + "In-Reply-To: " + other.metadata().messageId() + "\r\nMessage-ID: <mix@example.org>\r\n"
                + "Subject: Re\r\n\r\nhello\r\n";
        EmailMessage reply = stored(service.receive(new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))));
        assertThat(reply.record()).isEqualTo(original.record());
        assertThat(reply.parentId()).isEqualTo(original.id());
    }

    @Test
    void messagesOverTheCapsAreDroppedWithNothingStored() throws IOException {
        service = world.serviceBuilder().spoolDirectory(temp)
                .inboundLimits(new InboundLimits(1000, 400, 3, 10, 30)).build();
        assertThat(corpus("apple-reply-attachment.eml").length).isGreaterThan(1000);
        assertThat(receive("apple-reply-attachment.eml").reason()).contains("message exceeds 1000 bytes");
        String longHeader = "X-Long: " + "a".repeat(500) + "\r\nTo: reply-" + replyToken + "@reply.crm.example\r\n\r\nhi\r\n";
        assertThat(service.receive(new ByteArrayInputStream(longHeader.getBytes(StandardCharsets.US_ASCII))).reason())
                .contains("headers exceed 400 bytes");
        StringBuilder manyParts = new StringBuilder("To: reply-" + replyToken + "@reply.crm.example\r\n"
                + "Content-Type: multipart/mixed; boundary=b\r\n\r\n");
        for (int i = 0; i < 5; i++) {
            manyParts.append("--b\r\nContent-Type: text/plain\r\n\r\npart ").append(i).append("\r\n");
        }
        manyParts.append("--b--\r\n");
        assertThat(service.receive(new ByteArrayInputStream(manyParts.toString().getBytes(StandardCharsets.US_ASCII)))
                .reason()).contains("more than 3 MIME parts");
        assertThat(timeline()).hasSize(1);
        assertThat(attachmentFiles()).isEmpty();
        try (Stream<Path> spooled = Files.list(temp)) {
            assertThat(spooled.filter(p -> p.getFileName().toString().startsWith("crm-email-in-"))).isEmpty();
        }
    }

    private List<Path> attachmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(world.attachments.root())) {
            return files.filter(p -> p.getFileName().toString().contains("-in-")).toList();
        }
    }
}
