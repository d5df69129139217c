package io.crmemail.examples;

import io.crmemail.core.Caller;
import io.crmemail.core.EmailService;
import io.crmemail.core.SendRequest;
import io.crmemail.core.SendResult;
import io.crmemail.core.attachment.FileSystemAttachmentStore;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.integration.SmtpSecurity;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.record.FieldInfo;
import io.crmemail.core.record.FieldType;
import io.crmemail.core.record.InMemoryRecordDirectory;
import io.crmemail.core.record.TableInfo;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sends one email from a record in plain Java: in-memory store, your SMTP server, no web server.
 *
 * <p>Run it against the demo's catcher (start the demo first) or any SMTP server:
 * <pre>
 * mvn -q -B package -DskipTests -pl examples -am
 * java -cp examples/target/crm-email-demo.jar io.crmemail.examples.PlainJavaSend 127.0.0.1 2525 lead@example.org
 * </pre>
 * Arguments (or environment variables): SMTP host ({@code SMTP_HOST}, default 127.0.0.1), port ({@code SMTP_PORT},
 * default 2525), recipient ({@code MAIL_TO}, default lead@example.org); {@code SMTP_USER}/{@code SMTP_PASSWORD}
 * and {@code SMTP_SECURITY} (none, starttls, tls; default none) for a real server. Prints the status until it
 * is final.
 */
public final class PlainJavaSend {

    private PlainJavaSend() {
    }

    public static void main(String[] args) throws Exception {
        String host = arg(args, 0, "SMTP_HOST", "127.0.0.1");
        int port = Integer.parseInt(arg(args, 1, "SMTP_PORT", "2525"));
        String to = arg(args, 2, "MAIL_TO", "lead@example.org");

        // Your CRM's tables and records; here one table with one record.
        InMemoryRecordDirectory records = new InMemoryRecordDirectory()
                .putTable(1, new TableInfo(123, "Leads", "1", List.of(
                        new FieldInfo("title", "Title", FieldType.TEXT),
                        new FieldInfo("email", "Email", FieldType.EMAIL))))
                .putRecord(1, 123, 456, Map.of("title", "Jane Doe", "email", to));

        try (EmailService email = EmailService.builder()
                .records(records)
                .attachments(new FileSystemAttachmentStore(Files.createTempDirectory("crm-email-attachments")))
                .publicBaseUrl("http://localhost:8080")
                .replyDomain("reply.acme.example")
                .build()
                .start()) {
            SmtpIntegration smtp = email.saveIntegration(SmtpIntegration.builder()
                    .accountId(1).label("example").host(host).port(port)
                    .security(SmtpSecurity.fromWire(env("SMTP_SECURITY", "none")))
                    .credentials(System.getenv("SMTP_USER"), System.getenv("SMTP_PASSWORD"))
                    .fromDomains("acme.com").build());

            Caller caller = new Caller(1, 42);
            SendResult queued = email.send(caller, SendRequest.builder()
                    .record(123, 456).integration(smtp.id())
                    .from("Sales", "sales@acme.com").to(to)
                    .subject("Welcome {{field:title}}").body("<p>Hi {{field:title}}, this is crm-email.</p>")
                    .build());
            System.out.println("queued message " + queued.id());

            Set<EmailStatus> pending = Set.of(EmailStatus.QUEUED, EmailStatus.SCHEDULED);
            EmailMessage message = email.get(caller, queued.id());
            for (int i = 0; i < 300 && pending.contains(message.status()); i++) {
                Thread.sleep(100);
                message = email.get(caller, queued.id());
            }
            System.out.println("status " + message.status().wire()
                    + (message.metadata().error() == null ? "" : ": " + message.metadata().error()));
        }
    }

    private static String arg(String[] args, int index, String variable, String fallback) {
        return args.length > index ? args[index] : env(variable, fallback);
    }

    private static String env(String variable, String fallback) {
        String value = System.getenv(variable);
        return value == null || value.isBlank() ? fallback : value;
    }
}
