package io.crmemail.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crmemail.core.integration.SmtpSecurity;
import io.crmemail.core.message.AttachmentRef;
import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.message.RecipientResult;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.record.FieldType;
import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.EventType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmailJsonTest {

    private static final Instant AT = Instant.parse("2026-03-18T10:00:05.123456Z");

    @Test
    void metadataRoundTripsWithWireNamesAndIsoInstants() {
        EmailMetadata metadata = EmailMetadata.builder().status(EmailStatus.SENT).smtpIntegrationId(7L)
                .fromIdentity(new Mailbox("Sales", "sales@acme.com")).to(List.of("lead@example.org"))
                .subject("Welcome {{field:title}}").body("<p>Hi</p>")
                .attachments(List.of(new AttachmentRef("b.pdf", "1-123-b.pdf", "application/pdf", 12, "h")))
                .messageId("<x@acme.com>").attempts(2).sentAt(AT)
                .recipients(List.of(new RecipientResult("lead@example.org", true, 250, "OK"))).build();
        EmailMessage message = new EmailMessage(789, 1, new RecordRef(123, 456), CommentType.EMAIL_OUT, null, 42L,
                AT, metadata);

        String json = EmailJson.write(message);
        assertThat(json).contains("\"type\":\"email_out\"").contains("\"status\":\"sent\"")
                .contains("\"sentAt\":\"2026-03-18T10:00:05.123456Z\"")
                .contains("\"fromIdentity\":{\"name\":\"Sales\",\"email\":\"sales@acme.com\"}")
                .doesNotContain("readAt").doesNotContain("parentId");
        assertThat(EmailJson.read(json, EmailMessage.class)).isEqualTo(message);
    }

    @Test
    void enumsUseTheirLowerCaseWireForms() {
        assertThat(EmailJson.write(EventType.CLICK)).isEqualTo("\"click\"");
        assertThat(EmailJson.read("\"starttls\"", SmtpSecurity.class)).isEqualTo(SmtpSecurity.STARTTLS);
        assertThat(EmailJson.read("\"CALC\"", FieldType.class)).isEqualTo(FieldType.CALC);
        assertThat(EmailJson.write(new EmailEvent(3, 789, EventType.OPEN, AT, "UA", "203.0.113.1", false,
                Map.of()))).contains("\"type\":\"open\"");
        assertThatThrownBy(() -> EmailJson.read("\"nope\"", EmailStatus.class)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unknownPropertiesAreIgnoredOnRead() {
        Mailbox mailbox = EmailJson.read("{\"name\":\"A\",\"email\":\"a@b.c\",\"future\":1}", Mailbox.class);
        assertThat(mailbox).isEqualTo(new Mailbox("A", "a@b.c"));
    }
}
