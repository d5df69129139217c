package io.crmemail.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The documented {@code PostgresStore} command: a clear refusal without a key, and one email end to end. */
class PostgresStoreTest {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

    @TempDir
    Path temp;

    @Test
    void aMissingOrBadCredentialKeyIsExplainedWithExitCodeTwo() {
        assertRefused(Map.of(), "CRM_EMAIL_CREDENTIAL_KEY is not set");
        assertRefused(Map.of("CRM_EMAIL_CREDENTIAL_KEY", " "), "CRM_EMAIL_CREDENTIAL_KEY is not set");
        assertRefused(Map.of("CRM_EMAIL_CREDENTIAL_KEY", "not base64!"), "CRM_EMAIL_CREDENTIAL_KEY is not base64");
        assertRefused(Map.of("CRM_EMAIL_CREDENTIAL_KEY", Base64.getEncoder().encodeToString(new byte[16])),
                "CRM_EMAIL_CREDENTIAL_KEY decodes to 16 bytes, not 32");
    }

    @Test
    void sendsOneEmailThroughPostgresAndPrintsTheFinalStatus() throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.start();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start()) {
            String[] args = {pg.getJdbcUrl("postgres", "postgres"), "postgres", "",
                    "127.0.0.1", String.valueOf(smtp.getSmtp().getPort()), "lead@example.org"};
            Map<String, String> env = Map.of("CRM_EMAIL_CREDENTIAL_KEY", KEY,
                    "CRM_EMAIL_ATTACHMENTS_DIR", temp.resolve("attachments").toString());
            for (int run = 1; run <= 2; run++) {   // again on the migrated schema and the saved integration
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                int code = PostgresStore.run(args, env, print(out), print(err));
                assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
                assertThat(out.toString(StandardCharsets.UTF_8)).contains("queued message ").contains("status sent");
            }
            MimeMessage[] received = smtp.getReceivedMessages();
            assertThat(received).hasSize(2);
            assertThat(received[0].getSubject()).isEqualTo("Welcome Jane Doe");
            assertThat(received[0].getAllRecipients()[0].toString()).isEqualTo("lead@example.org");
        } finally {
            smtp.stop();
        }
    }

    private static void assertRefused(Map<String, String> env, String message) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = PostgresStore.run(new String[] {"jdbc:postgresql://127.0.0.1:1/none"}, env,
                print(new ByteArrayOutputStream()), print(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(message).contains("head -c 32 /dev/urandom | base64");
    }

    private static PrintStream print(ByteArrayOutputStream out) {
        return new PrintStream(out, true, StandardCharsets.UTF_8);
    }
}
