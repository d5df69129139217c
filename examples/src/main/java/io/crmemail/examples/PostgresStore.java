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
import io.crmemail.jdbc.JdbcEmailStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Runs crm-email on PostgreSQL, so that several application nodes share the queue: every node builds its
 * service over the same database and claims due messages with leases. The example migrates the schema, then
 * sends one email from a record through an SMTP server (the demo's catcher by default) and prints its status
 * until it is final, as {@link PlainJavaSend} does with the in-memory store.
 *
 * <p>Run it against your PostgreSQL (14+), with the demo running for its SMTP catcher on 127.0.0.1:2525:
 * <pre>
 * export CRM_EMAIL_CREDENTIAL_KEY=$(head -c 32 /dev/urandom | base64)   # keep it: it encrypts SMTP passwords
 * java -cp examples/target/crm-email-demo.jar io.crmemail.examples.PostgresStore \
 *      jdbc:postgresql://localhost:5432/crm crm secret 127.0.0.1 2525 lead@example.org
 * </pre>
 * Arguments (or environment variables): JDBC URL (default {@code jdbc:postgresql://localhost:5432/crm}), database
 * user (default {@code crm}), password ({@code PGPASSWORD}), SMTP host ({@code SMTP_HOST}, default 127.0.0.1),
 * port ({@code SMTP_PORT}, default 2525), recipient ({@code MAIL_TO}, default lead@example.org);
 * {@code SMTP_USER}/{@code SMTP_PASSWORD} and {@code SMTP_SECURITY} (none, starttls, tls; default none) for a
 * real server. {@code CRM_EMAIL_CREDENTIAL_KEY} (required) is the base64 of the 32 bytes that encrypt stored SMTP
 * passwords, the same on every node; without it, or when it is not 32 bytes, the example says so and exits with
 * code 2. Attachments go to {@code CRM_EMAIL_ATTACHMENTS_DIR} (default {@code ./shared-attachments}), a directory
 * all nodes share. Exit code 0 when the email was sent, 1 when it was not (or the database is unreachable).
 */
public final class PostgresStore {

    /** Exit code for a missing or bad {@code CRM_EMAIL_CREDENTIAL_KEY} or argument. */
    static final int USAGE_ERROR = 2;
    /** The integration this example saves; a fixed id, so that running it again replaces it. */
    private static final long INTEGRATION_ID = 1001;
    private static final int KEY_BYTES = 32;

    private PostgresStore() {
    }

    public static void main(String[] args) {
        int code = run(args, System.getenv(), System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        // 32 bytes that encrypt stored SMTP credentials; the same on every node, kept outside the database.
        byte[] key;
        try {
            key = credentialKey(env.get("CRM_EMAIL_CREDENTIAL_KEY"));
        } catch (IllegalArgumentException e) {
            err.println("PostgresStore: " + e.getMessage() + ". It must be 32 random bytes in base64, the same on every"
                    + " node and kept safe (it encrypts the stored SMTP passwords), e.g.\n"
                    + "  export CRM_EMAIL_CREDENTIAL_KEY=$(head -c 32 /dev/urandom | base64)");
            return USAGE_ERROR;
        }
        int port;
        try {
            port = Integer.parseInt(arg(args, 4, env, "SMTP_PORT", "2525"));
        } catch (NumberFormatException e) {
            err.println("PostgresStore: the SMTP port must be a number, got '" + arg(args, 4, env, "SMTP_PORT", "") + "'");
            return USAGE_ERROR;
        }
        String host = arg(args, 3, env, "SMTP_HOST", "127.0.0.1");
        String to = arg(args, 5, env, "MAIL_TO", "lead@example.org");

        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(args.length > 0 ? args[0] : "jdbc:postgresql://localhost:5432/crm");
        dataSource.setUser(args.length > 1 ? args[1] : "crm");
        dataSource.setPassword(args.length > 2 ? args[2] : env.get("PGPASSWORD"));

        JdbcEmailStore store = JdbcEmailStore.builder(dataSource).credentialKey(key).build();
        try {
            store.migrate();   // creates or upgrades the schema; safe to run on every start, on every node
        } catch (RuntimeException e) {
            err.println("PostgresStore: cannot use the database " + dataSource.getUrl() + ": " + e.getMessage());
            return 1;
        }

        // Your CRM's tables and records; here one table with one record.
        InMemoryRecordDirectory records = new InMemoryRecordDirectory()
                .putTable(1, new TableInfo(123, "Leads", "1", List.of(
                        new FieldInfo("title", "Title", FieldType.TEXT),
                        new FieldInfo("email", "Email", FieldType.EMAIL))))
                .putRecord(1, 123, 456, Map.of("title", "Jane Doe", "email", to));
        try (EmailService email = EmailService.builder()
                .store(store)
                .records(records)
                .attachments(new FileSystemAttachmentStore(Path.of(env.getOrDefault("CRM_EMAIL_ATTACHMENTS_DIR",
                        "shared-attachments"))))   // shared by all nodes
                .publicBaseUrl("http://localhost:8080")
                .replyDomain("reply.acme.example")
                .nodeId(env.getOrDefault("HOSTNAME", "node-1"))
                .build()
                .start()) {
            // Stored in PostgreSQL (the password encrypted with the key), so every node can send through it.
            SmtpIntegration smtp = email.saveIntegration(SmtpIntegration.builder()
                    .id(INTEGRATION_ID).accountId(1).label("example").host(host).port(port)
                    .security(SmtpSecurity.fromWire(env.getOrDefault("SMTP_SECURITY", "none")))
                    .credentials(env.get("SMTP_USER"), env.get("SMTP_PASSWORD"))
                    .fromDomains("acme.com").build());

            Caller caller = new Caller(1, 42);
            SendResult queued = email.send(caller, SendRequest.builder()
                    .record(123, 456).integration(smtp.id())
                    .from("Sales", "sales@acme.com").to(to)
                    .subject("Welcome {{field:title}}").body("<p>Hi {{field:title}}, this is crm-email on PostgreSQL.</p>")
                    .build());
            out.println("queued message " + queued.id() + " in " + dataSource.getUrl());

            // Any node sharing the database may deliver it; this one polls until the status is final.
            Set<EmailStatus> pending = Set.of(EmailStatus.QUEUED, EmailStatus.SCHEDULED);
            EmailMessage message = email.get(caller, queued.id());
            for (int i = 0; i < 300 && pending.contains(message.status()); i++) {
                Thread.sleep(100);
                message = email.get(caller, queued.id());
            }
            out.println("status " + message.status().wire()
                    + (message.metadata().error() == null ? "" : ": " + message.metadata().error()));
            return message.status() == EmailStatus.SENT ? 0 : 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** The decoded key; IllegalArgumentException saying what is wrong when it is missing, not base64 or not 32 bytes. */
    static byte[] credentialKey(String base64) {
        if (base64 == null || base64.isBlank()) {
            throw new IllegalArgumentException("CRM_EMAIL_CREDENTIAL_KEY is not set");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("CRM_EMAIL_CREDENTIAL_KEY is not base64");
        }
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("CRM_EMAIL_CREDENTIAL_KEY decodes to " + key.length + " bytes, not " + KEY_BYTES);
        }
        return key;
    }

    private static String arg(String[] args, int index, Map<String, String> env, String variable, String fallback) {
        if (args.length > index) {
            return args[index];
        }
        String value = env.get(variable);
        return value == null || value.isBlank() ? fallback : value;
    }
}
