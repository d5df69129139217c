package io.crmemail.core;

import static io.crmemail.core.testsupport.TestWorld.CALLER;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.crmemail.core.message.AttachmentRef;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.signature.Signature;
import io.crmemail.core.signature.SignatureRequest;
import io.crmemail.core.store.TokenKind;
import io.crmemail.core.store.TrackingToken;
import io.crmemail.core.testsupport.TestWorld;
import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.EventType;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Sends through a real in-process SMTP server and reads the MIME that arrived. */
class SendThroughGreenMailTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path temp;

    TestWorld world;
    EmailService service;

    @BeforeEach
    void setUp() {
        world = new TestWorld(temp, greenMail.getSmtp().getPort());
        service = world.service();
    }

    @AfterEach
    void tearDown() {
        service.close();
    }

    @Test
    void deliversTheWholeMessageMergedAgainstTheRecordAtTransmission() throws Exception {
        Signature signature = service.createSignature(CALLER,
                new SignatureRequest("Work", "<p>Alice <b>Sales</b><script>alert(1)</script></p>", true));
        String brochure = world.upload("brochure.txt", "Our brochure\n");
        SendResult accepted = service.send(CALLER, world.request()
                .cc("Boss <boss@example.org>").bcc("audit@example.org")
                .subject("Grüße {{field:title}}")
                .body("<p>Hi {{field:title}} &amp; team at {{field:company}}</p>")
                .signature(signature.id())
                .attach(new AttachmentRef("Broschüre.txt", brochure, "text/plain", 0, null))
                .build());

        // The record changes after the message was accepted: the merge sees the new state, escaped.
        world.records.updateField(TestWorld.ACCOUNT, TestWorld.TABLE, TestWorld.RECORD, "title", "<Jane & Co>");

        assertThat(service.deliverDue()).isEqualTo(1);
        EmailMessage sent = service.get(CALLER, accepted.id());
        assertThat(sent.status()).isEqualTo(EmailStatus.SENT);
        assertThat(sent.metadata().sentAt()).isEqualTo(world.clock.instant());
        assertThat(sent.metadata().smtpResponse()).startsWith("250");
        assertThat(sent.metadata().attempts()).isEqualTo(1);
        // The template stays as written; what went out is kept beside it for the timeline.
        assertThat(sent.metadata().subject()).isEqualTo("Grüße {{field:title}}");
        assertThat(sent.metadata().renderedSubject()).isEqualTo("Grüße <Jane & Co>");

        MimeMessage[] received = greenMail.getReceivedMessages();
        assertThat(received).hasSize(3); // to, cc and bcc each get a copy
        MimeMessage mail = received[0];
        assertThat(mail.getSubject()).isEqualTo("Grüße <Jane & Co>");
        assertThat(mail.getHeader("Subject")[0]).startsWith("=?UTF-8?");
        assertThat(mail.getMessageID()).isEqualTo(sent.metadata().messageId());
        assertThat(addresses(mail.getFrom())).containsExactly("Sales <sales@acme.com>");
        assertThat(addresses(mail.getRecipients(Message.RecipientType.TO))).containsExactly("Jane Doe <lead@example.org>");
        assertThat(addresses(mail.getRecipients(Message.RecipientType.CC))).containsExactly("Boss <boss@example.org>");
        assertThat(mail.getHeader("Bcc")).isNull();

        String replyToken = token(sent, TokenKind.REPLY);
        assertThat(addresses(mail.getReplyTo())).containsExactly("reply-" + replyToken + "@" + TestWorld.REPLY_DOMAIN);

        assertThat(mail.getContentType()).startsWith("multipart/mixed");
        Multipart mixed = (Multipart) mail.getContent();
        Part body = mixed.getBodyPart(0);
        assertThat(body.getContentType()).startsWith("multipart/alternative");
        Multipart alternative = (Multipart) body.getContent();
        String text = (String) alternative.getBodyPart(0).getContent();
        String html = (String) alternative.getBodyPart(1).getContent();
        assertThat(alternative.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(alternative.getBodyPart(1).getContentType()).startsWith("text/html");

        assertThat(html).contains("Hi &lt;Jane &amp; Co&gt; &amp; team at Initech");
        assertThat(html).contains("Alice <b>Sales</b>").doesNotContain("<script");
        String pixelToken = token(sent, TokenKind.PIXEL);
        assertThat(html).contains("src=\"" + TestWorld.BASE_URL + "/email/pixel/" + pixelToken + ".png\"");
        assertThat(text).contains("Hi <Jane & Co> & team at Initech").contains("Alice Sales")
                .doesNotContain("pixel");

        Part attachment = mixed.getBodyPart(1);
        assertThat(attachment.getDisposition()).isEqualTo(Part.ATTACHMENT);
        assertThat(jakarta.mail.internet.MimeUtility.decodeText(attachment.getFileName())).isEqualTo("Broschüre.txt");
        assertThat(new String(attachment.getInputStream().readAllBytes())).isEqualTo("Our brochure\n");

        assertThat(service.events(CALLER, sent.id())).extracting(EmailEvent::type).contains(EventType.SENT);
    }

    @Test
    void noPixelWhenTheIntegrationDisablesItAndNoReplyToWithoutACatchDomain() throws Exception {
        world.store.saveIntegration(world.integration.toBuilder().disablePixel(true).build());
        service = world.serviceBuilder().replyDomain(null).build();
        SendResult accepted = service.send(CALLER, world.request().build());
        service.deliverDue();

        MimeMessage mail = greenMail.getReceivedMessages()[0];
        assertThat(raw(mail)).doesNotContain("/email/pixel/");
        assertThat(mail.getHeader("Reply-To")).isNull();
        assertThat(world.store.tokens(accepted.id())).isEmpty();
        // Without attachments the body is multipart/alternative at the top.
        assertThat(mail.getContentType()).startsWith("multipart/alternative");
    }

    @Test
    void pixelHitFlipsSentToReadOnceAndRecordsEveryHit() {
        SendResult accepted = service.send(CALLER, world.request().build());
        String pixel = token(accepted.comment(), TokenKind.PIXEL);

        // A hit before the message went out is logged but does not make it read.
        service.trackOpen(pixel + ".png", "Mozilla/5.0", "203.0.113.9");
        assertThat(service.flushTracking()).isTrue();
        assertThat(service.get(CALLER, accepted.id()).status()).isEqualTo(EmailStatus.QUEUED);

        service.deliverDue();
        world.clock.advance(Duration.ofMinutes(3));
        service.trackOpen(pixel + ".png", "Mozilla/5.0 (Windows NT 10.0) Thunderbird", "203.0.113.10");
        assertThat(service.flushTracking()).isTrue();
        EmailMessage read = service.get(CALLER, accepted.id());
        assertThat(read.status()).isEqualTo(EmailStatus.READ);
        assertThat(read.metadata().readAt()).isEqualTo(world.clock.instant());

        world.clock.advance(Duration.ofMinutes(5));
        service.trackOpen(pixel, "curl/8.5.0", "198.51.100.1");
        assertThat(service.flushTracking()).isTrue();
        EmailMessage again = service.get(CALLER, accepted.id());
        assertThat(again.metadata().readAt()).isEqualTo(read.metadata().readAt());

        // Unknown and malformed tokens do nothing and do not throw.
        service.trackOpen("0123456789abcdef0123456789abcdef.png", "Mozilla/5.0", "203.0.113.9");
        service.trackOpen("../../etc/passwd", null, null);
        service.trackOpen(null, null, null);
        service.trackOpen(token(accepted.comment(), TokenKind.REPLY), "Mozilla/5.0", "203.0.113.9");
        assertThat(service.flushTracking()).isTrue();

        List<EmailEvent> opens = service.events(CALLER, accepted.id()).stream()
                .filter(e -> e.type() == EventType.OPEN).toList();
        assertThat(opens).hasSize(3);
        assertThat(opens.get(1).userAgent()).contains("Thunderbird");
        assertThat(opens.get(1).ipAddress()).isEqualTo("203.0.113.10");
        assertThat(opens.get(1).automated()).isFalse();
        assertThat(opens.get(2).automated()).isTrue();
    }

    @Test
    void workersPickUpANewMessageAtOnce() {
        // A poll interval of a minute: only the wake-up on enqueue can deliver within the wait below.
        service.close();
        service = world.serviceBuilder().clock(java.time.Clock.systemUTC()).workers(2)
                .pollInterval(Duration.ofMinutes(1)).build().start();
        try {
            // Let the workers reach their idle wait first.
            sleep(200);
            SendResult accepted = service.send(CALLER, world.request().build());
            assertThat(greenMail.waitForIncomingEmail(5_000, 1)).isTrue();
            awaitStatus(accepted.id(), EmailStatus.SENT);
        } finally {
            service.close();
        }
    }

    @Test
    void aCancelledMessageIsNeverSent() {
        SendResult scheduled = service.send(CALLER, world.request()
                .scheduledAt(world.clock.instant().plus(Duration.ofHours(1))).build());
        EmailMessage cancelled = service.cancel(CALLER, scheduled.id());
        assertThat(cancelled.status()).isEqualTo(EmailStatus.CANCELLED);
        assertThat(cancelled.metadata().cancelledAt()).isEqualTo(world.clock.instant());
        world.clock.advance(Duration.ofHours(2));
        assertThat(service.deliverDue()).isZero();
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void aScheduledMessageGoesOutAtItsTime() {
        SendResult scheduled = service.send(CALLER, world.request()
                .scheduledAt(world.clock.instant().plus(Duration.ofHours(1))).build());
        assertThat(service.deliverDue()).isZero();
        world.clock.advance(Duration.ofMinutes(61));
        assertThat(service.deliverDue()).isEqualTo(1);
        assertThat(service.get(CALLER, scheduled.id()).status()).isEqualTo(EmailStatus.SENT);
        assertThat(greenMail.getReceivedMessages()).hasSize(1);
    }

    @Test
    void aMessageWhoseRecordWasDeletedIsDroppedWithTheReason() {
        SendResult accepted = service.send(CALLER, world.request().build());
        world.records.removeRecord(TestWorld.ACCOUNT, TestWorld.TABLE, TestWorld.RECORD);
        service.deliverDue();
        EmailMessage dropped = world.store.find(accepted.id()).orElseThrow();
        assertThat(dropped.status()).isEqualTo(EmailStatus.DROPPED);
        assertThat(dropped.metadata().error()).contains("no longer exists");
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    private void awaitStatus(long id, EmailStatus status) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (service.get(CALLER, id).status() != status) {
            assertThat(System.nanoTime()).as("status %s within 5 s", status).isLessThan(deadline);
            sleep(20);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String token(EmailMessage message, TokenKind kind) {
        return world.store.tokens(message.id()).stream().filter(t -> t.kind() == kind)
                .map(TrackingToken::token).findFirst().orElseThrow();
    }

    private static List<String> addresses(Address[] addresses) {
        List<String> out = new ArrayList<>();
        Arrays.stream(addresses).forEach(a -> out.add(((InternetAddress) a).toUnicodeString()));
        return out;
    }

    private static String raw(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            message.writeTo(out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
