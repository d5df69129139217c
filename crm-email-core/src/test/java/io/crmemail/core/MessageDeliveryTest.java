package io.crmemail.core;

import static io.crmemail.core.testsupport.TestWorld.CALLER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.template.Template;
import io.crmemail.core.template.TemplateRequest;
import io.crmemail.core.testsupport.Messages;
import io.crmemail.core.testsupport.ScriptedSmtpServer;
import io.crmemail.core.testsupport.TestWorld;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/v1} messages on the wire: templates rendered, and waiting for the first attempt. */
class MessageDeliveryTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path temp;

    /** A service whose own worker delivers, as in production. */
    private static EmailService withWorker(TestWorld world) {
        return world.serviceBuilder().workers(1).pollInterval(Duration.ofMillis(50)).build().start();
    }

    /** The decoded content of the first part of the given type. */
    private static String part(Part part, String type) throws Exception {
        if (part.isMimeType(type)) {
            return (String) part.getContent();
        }
        if (part.getContent() instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                String found = part(multipart.getBodyPart(i), type);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    @Test
    void aTemplateGoesOutWithItsVariablesAndTheRecordsFields() throws Exception {
        TestWorld world = new TestWorld(temp, greenMail.getSmtp().getPort());
        try (EmailService service = world.service()) {
            Template t = service.createTemplate(CALLER, new TemplateRequest("offer",
                    "Offer for {{field:title}}: {{code}}", "<p>Dear {{name}} at {{field:company}}</p>", null));
            EmailMessage accepted = service.sendMessage(CALLER, Messages.onRecord().subject(null).html(null)
                    .template(t.id()).variable("name", "<Ann & Bob>").variable("code", "X1").build());

            assertThat(service.deliverDue()).isEqualTo(1);

            assertThat(service.get(CALLER, accepted.id()).status()).isEqualTo(EmailStatus.SENT);
            MimeMessage mail = greenMail.getReceivedMessages()[0];
            assertThat(mail.getSubject()).isEqualTo("Offer for Jane Doe: X1");
            assertThat(mail.getMessageID()).isEqualTo(accepted.metadata().messageId());
            assertThat(part(mail, "text/html")).contains("<p>Dear &lt;Ann &amp; Bob&gt; at Initech</p>");
            assertThat(part(mail, "text/plain")).contains("Dear <Ann & Bob> at Initech");
        }
    }

    @Test
    void awaitFirstAttemptReturnsTheMessageOnceSent() {
        TestWorld world = new TestWorld(temp, greenMail.getSmtp().getPort());
        try (EmailService service = withWorker(world)) {
            EmailMessage accepted = service.sendMessage(CALLER, Messages.onRecord().build());
            EmailMessage after = service.awaitFirstAttempt(CALLER, accepted.id(), Duration.ofSeconds(10));
            assertThat(after.status()).isEqualTo(EmailStatus.SENT);
            assertThat(after.metadata().attempts()).isEqualTo(1);
            assertThat(after.metadata().smtpResponse()).startsWith("250");
        }
    }

    @Test
    void awaitFirstAttemptReportsARefusal() {
        try (ScriptedSmtpServer smtp = ScriptedSmtpServer.start()) {
            smtp.replyToData(451, "4.3.0 try again later");
            TestWorld world = new TestWorld(temp, smtp.port());
            try (EmailService service = withWorker(world)) {
                EmailMessage accepted = service.sendMessage(CALLER, Messages.onRecord().build());
                EmailMessage after = service.awaitFirstAttempt(CALLER, accepted.id(), Duration.ofSeconds(10));
                assertThat(after.status()).isEqualTo(EmailStatus.QUEUED); // to be retried
                assertThat(after.metadata().attempts()).isEqualTo(1);
                assertThat(after.metadata().error()).contains("451").contains("try again later");
            }
        }
    }

    @Test
    void awaitFirstAttemptGivesUpAfterMaxAndChecksTheAccount() {
        TestWorld world = new TestWorld(temp, greenMail.getSmtp().getPort());
        try (EmailService service = withWorker(world)) {
            EmailMessage later = service.sendMessage(CALLER, Messages.onRecord()
                    .scheduledAt(world.clock.instant().plus(Duration.ofHours(1))).build());
            long started = System.nanoTime();
            EmailMessage after = service.awaitFirstAttempt(CALLER, later.id(), Duration.ofMillis(200));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(150),
                    Duration.ofSeconds(5));
            assertThat(after.status()).isEqualTo(EmailStatus.SCHEDULED);
            assertThat(after.metadata().attempts()).isZero();

            assertThatThrownBy(() -> service.awaitFirstAttempt(new Caller(2, 1), later.id(), Duration.ofSeconds(1)))
                    .isInstanceOfSatisfying(EmailException.class, e -> assertThat(e.code())
                            .isEqualTo(ErrorCode.NOT_FOUND));
        }
    }
}
