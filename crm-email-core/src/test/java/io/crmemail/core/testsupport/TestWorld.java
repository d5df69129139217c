package io.crmemail.core.testsupport;

import io.crmemail.core.Caller;
import io.crmemail.core.EmailService;
import io.crmemail.core.SendRequest;
import io.crmemail.core.attachment.FileSystemAttachmentStore;
import io.crmemail.core.delivery.RetryPolicy;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.integration.SmtpSecurity;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.record.FieldInfo;
import io.crmemail.core.record.FieldType;
import io.crmemail.core.record.InMemoryRecordDirectory;
import io.crmemail.core.record.TableInfo;
import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.InMemoryEmailStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small CRM every core test sends from: account 1 (space "1") with table 123 "Leads", record 456
 * (Jane Doe at Initech), user 42, and SMTP integration 7 for acme.com pointing at a test server.
 */
public final class TestWorld {

    public static final long ACCOUNT = 1;
    public static final long TABLE = 123;
    public static final long RECORD = 456;
    public static final long USER = 42;
    public static final Caller CALLER = new Caller(ACCOUNT, USER);
    public static final String REPLY_DOMAIN = "reply.crm.example";
    public static final String BASE_URL = "https://crm.example";

    public final MutableClock clock = MutableClock.at("2026-03-18T10:00:00Z");
    public final InMemoryRecordDirectory records = new InMemoryRecordDirectory();
    public final EmailStore store;
    public final FileSystemAttachmentStore attachments;
    public SmtpIntegration integration;

    public TestWorld(Path tempDir, int smtpPort) {
        this(tempDir, smtpPort, new InMemoryEmailStore());
    }

    public TestWorld(Path tempDir, int smtpPort, EmailStore store) {
        this.store = store;
        this.attachments = new FileSystemAttachmentStore(tempDir.resolve("attachments"));
        records.putTable(ACCOUNT, new TableInfo(TABLE, "Leads", "1", List.of(
                new FieldInfo("id", "ID", FieldType.KEY),
                new FieldInfo("title", "Title", FieldType.TEXT),
                new FieldInfo("company", "Company", FieldType.TEXT),
                new FieldInfo("email", "Email", FieldType.EMAIL),
                new FieldInfo("score", "Score", FieldType.CALC))));
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("id", RECORD);
        values.put("title", "Jane Doe");
        values.put("company", "Initech");
        values.put("email", "lead@example.org");
        values.put("score", 7);
        records.putRecord(ACCOUNT, TABLE, RECORD, values);
        integration = store.saveIntegration(SmtpIntegration.builder()
                .accountId(ACCOUNT).label("smtp@acme.com").host("127.0.0.1").port(smtpPort)
                .security(SmtpSecurity.NONE).fromDomains("acme.com")
                .fromIdentities(new Mailbox("Sales", "sales@acme.com"))
                .maxConnections(2).connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(5))
                .build());
    }

    /** A service with no worker threads: tests drive delivery with {@code deliverDue()}. */
    public EmailService.Builder serviceBuilder() {
        return EmailService.builder()
                .store(store).records(records).attachments(attachments).clock(clock)
                .publicBaseUrl(BASE_URL).replyDomain(REPLY_DOMAIN)
                .workers(0).lease(Duration.ofMinutes(5))
                .retryPolicy(new RetryPolicy(3, Duration.ofMinutes(1), 2.0, Duration.ofMinutes(30), 0.2));
    }

    public EmailService service() {
        return serviceBuilder().build();
    }

    /** A valid request from the record to lead@example.org; tests change what they need. */
    public SendRequest.Builder request() {
        return SendRequest.builder().record(TABLE, RECORD).integration(integration.id())
                .from("Sales", "sales@acme.com").to("Jane Doe <lead@example.org>")
                .subject("Welcome {{field:title}}").body("<p>Hi {{field:title}} from {{field:company}},</p>");
    }

    /** Stores an attachment file under the table's prefix and returns its path. */
    public String upload(String name, String content) {
        String path = "1-" + TABLE + "-" + name;
        try {
            attachments.write(path, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return path;
    }
}
