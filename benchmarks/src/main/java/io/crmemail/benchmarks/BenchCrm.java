package io.crmemail.benchmarks;

import io.crmemail.core.Caller;
import io.crmemail.core.EmailService;
import io.crmemail.core.SendRequest;
import io.crmemail.core.attachment.FileSystemAttachmentStore;
import io.crmemail.core.compose.OutgoingEmail;
import io.crmemail.core.delivery.MailTransportFactory;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.integration.SmtpSecurity;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.record.FieldInfo;
import io.crmemail.core.record.FieldType;
import io.crmemail.core.record.InMemoryRecordDirectory;
import io.crmemail.core.record.TableInfo;
import io.crmemail.core.store.EmailStore;
import io.crmemail.core.tracking.Tokens;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The CRM the benchmarks send from: account 1, table 123 "Leads" with {@link #RECORDS} records, one SMTP
 * integration for acme.com pointing at the sink. Messages are about 2 KB on the wire: a subject and an
 * HTML body with merge fields, the text alternative derived from it, a pixel and a Reply-To token.
 */
final class BenchCrm {

    static final long ACCOUNT = 1;
    static final long TABLE = 123;
    static final int RECORDS = 100;
    static final Caller CALLER = new Caller(ACCOUNT, 42);
    static final String REPLY_DOMAIN = "reply.crm.example";

    /** About 700 characters of HTML: with its text alternative and headers the message is ~2 KB. */
    static final String BODY = "<p>Hi {{field:title}},</p>"
            + "<p>Thank you for your interest in our products. Following our call last week I have put together "
            + "the details we discussed for {{field:company}}: the rollout plan, the training sessions for your "
            + "team and the support options that come with the annual plan.</p>"
            + "<ul><li>Rollout in three phases over six weeks</li><li>Two remote training sessions</li>"
            + "<li>Priority support with a four-hour response time</li></ul>"
            + "<p>Could you let me know which of the proposed dates suits you best? I am happy to adjust the "
            + "plan to your calendar.</p><p>Kind regards,<br>Sam from Sales<br>ACME Corp.</p>";
    static final String SUBJECT = "Your rollout plan, {{field:title}}";

    final InMemoryRecordDirectory records = new InMemoryRecordDirectory();
    final FileSystemAttachmentStore attachments;
    final EmailStore store;
    final SmtpIntegration integration;

    BenchCrm(EmailStore store, Path attachmentDir, int smtpPort, int maxConnections) {
        this.store = store;
        this.attachments = new FileSystemAttachmentStore(attachmentDir);
        records.putTable(ACCOUNT, new TableInfo(TABLE, "Leads", "1", List.of(
                new FieldInfo("id", "ID", FieldType.KEY),
                new FieldInfo("title", "Title", FieldType.TEXT),
                new FieldInfo("company", "Company", FieldType.TEXT),
                new FieldInfo("email", "Email", FieldType.EMAIL))));
        for (int r = 1; r <= RECORDS; r++) {
            records.putRecord(ACCOUNT, TABLE, r, Map.of("id", (long) r, "title", "Jane Doe " + r,
                    "company", "Initech " + r, "email", "lead" + r + "@example.org"));
        }
        this.integration = store.saveIntegration(SmtpIntegration.builder()
                .accountId(ACCOUNT).label("bench").host("127.0.0.1").port(smtpPort)
                .security(SmtpSecurity.NONE).fromDomains("acme.com")
                .fromIdentities(new Mailbox("Sales", "sales@acme.com"))
                .maxConnections(maxConnections).connectTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofSeconds(30)).build());
    }

    /** A service on this CRM's store with the builder's defaults unless changed by the caller. */
    EmailService.Builder service(MailTransportFactory transports) {
        return EmailService.builder().store(store).records(records).attachments(attachments)
                .transports(transports).publicBaseUrl("https://crm.example").replyDomain(REPLY_DOMAIN)
                .sendLimits(io.crmemail.core.SendLimits.unlimited());
    }

    /** The i-th request: a record of the table, sent to that record's address. */
    SendRequest request(int i) {
        int record = 1 + Math.floorMod(i, RECORDS);
        return SendRequest.builder().record(TABLE, record).integration(integration.id())
                .from("Sales", "sales@acme.com").to("Jane Doe <lead" + record + "@example.org>")
                .subject(SUBJECT).body(BODY).build();
    }

    /** The same message as the engine would render it, for the baselines (which compose it per message). */
    static OutgoingEmail outgoing(int i) {
        int record = 1 + Math.floorMod(i, RECORDS);
        String title = "Jane Doe " + record;
        String html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>"
                + BODY.replace("{{field:title}}", title).replace("{{field:company}}", "Initech " + record)
                + "<img src=\"https://crm.example/email/pixel/" + Tokens.pixelToken() + ".png\" width=\"1\" "
                + "height=\"1\" alt=\"\" style=\"display:none;border:0;width:1px;height:1px\"></body></html>";
        return new OutgoingEmail(Tokens.messageId("acme.com"), new Mailbox("Sales", "sales@acme.com"),
                List.of(new Mailbox("Jane Doe", "lead" + record + "@example.org")), List.of(),
                List.of(Mailbox.of("reply-" + Tokens.replyToken() + "@" + REPLY_DOMAIN)),
                SUBJECT.replace("{{field:title}}", title), html, null, List.of(), null, null, Map.of(), Instant.now());
    }
}
