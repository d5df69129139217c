package io.crmemail.examples;

import io.crmemail.core.EmailService;
import io.crmemail.core.attachment.FileSystemAttachmentStore;
import io.crmemail.core.record.FieldInfo;
import io.crmemail.core.record.FieldType;
import io.crmemail.core.record.InMemoryRecordDirectory;
import io.crmemail.core.record.TableInfo;
import io.crmemail.jdbc.JdbcEmailStore;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Runs crm-email on PostgreSQL, so that several application nodes share the queue: every node builds its
 * service over the same database and claims due messages with leases.
 *
 * <p>Run it against your PostgreSQL (14+):
 * <pre>
 * export CRM_EMAIL_CREDENTIAL_KEY=$(head -c 32 /dev/urandom | base64)   # keep it: it encrypts SMTP passwords
 * java -cp examples/target/crm-email-demo.jar io.crmemail.examples.PostgresStore \
 *      jdbc:postgresql://localhost:5432/crm crm secret
 * </pre>
 */
public final class PostgresStore {

    private PostgresStore() {
    }

    public static void main(String[] args) throws Exception {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(args.length > 0 ? args[0] : "jdbc:postgresql://localhost:5432/crm");
        dataSource.setUser(args.length > 1 ? args[1] : "crm");
        dataSource.setPassword(args.length > 2 ? args[2] : System.getenv("PGPASSWORD"));

        // 32 bytes that encrypt stored SMTP credentials; the same on every node, kept outside the database.
        byte[] key = Base64.getDecoder().decode(System.getenv("CRM_EMAIL_CREDENTIAL_KEY"));
        JdbcEmailStore store = JdbcEmailStore.builder(dataSource).credentialKey(key).build();
        store.migrate();   // creates or upgrades the schema; safe to run on every start, on every node

        InMemoryRecordDirectory records = new InMemoryRecordDirectory()
                .putTable(1, new TableInfo(123, "Leads", "1", List.of(
                        new FieldInfo("title", "Title", FieldType.TEXT),
                        new FieldInfo("email", "Email", FieldType.EMAIL))))
                .putRecord(1, 123, 456, Map.of("title", "Jane Doe", "email", "lead@example.org"));
        try (EmailService email = EmailService.builder()
                .store(store)
                .records(records)
                .attachments(new FileSystemAttachmentStore(Path.of("shared-attachments")))   // shared by all nodes
                .nodeId(System.getenv().getOrDefault("HOSTNAME", "node-1"))
                .build()
                .start()) {
            System.out.println("crm-email on PostgreSQL; integrations: " + email.smtpOptions(new io.crmemail.core.Caller(1, 42)));
        }
    }
}
