package io.crmemail.servlet;

import static io.crmemail.servlet.TestServer.OTHER_USER_TOKEN;
import static io.crmemail.servlet.TestServer.TOKEN;
import static io.crmemail.servlet.V1Support.awaitEmail;
import static io.crmemail.servlet.V1Support.data;
import static io.crmemail.servlet.V1Support.error;
import static io.crmemail.servlet.V1Support.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmemail.core.integration.IntegrationKind;
import io.crmemail.core.integration.OAuthSettings;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.integration.SmtpSecurity;
import io.crmemail.core.testsupport.TestWorld;
import io.crmemail.core.testsupport.TokenServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/emails/send} from a connected mailbox, with the {@code provider} tie-breaker, over HTTP. */
class V1ConnectedMailboxTest extends LiveServerTest {

    TokenServer tokens;
    SmtpIntegration gmail;
    SmtpIntegration outlook;

    @BeforeEach
    void connectMailboxes() {
        tokens = TokenServer.start();
        greenMail.setUser("rep@acme.com", "access-1");
        gmail = connect(IntegrationKind.GMAIL);
        outlook = connect(IntegrationKind.OUTLOOK);
    }

    @AfterEach
    void stopTokens() {
        tokens.close();
    }

    private SmtpIntegration connect(IntegrationKind kind) {
        return server.service.saveIntegration(SmtpIntegration.builder().accountId(TestWorld.ACCOUNT).kind(kind)
                .ownerUserId(TestWorld.USER).host("127.0.0.1").port(greenMail.getSmtp().getPort())
                .security(SmtpSecurity.NONE).credentials("rep@acme.com", null)
                .oauth(new OAuthSettings(tokens.endpoint(), "client-1", null, "refresh-1", null))
                .connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(5)).build());
    }

    private static String body(String provider) {
        return "{\"from\":\"Rep <rep@acme.com>\",\"to\":\"jane@example.org\",\"subject\":\"Hello\","
                + "\"html\":\"<p>Hi Jane</p>\"" + (provider == null ? "" : ",\"provider\":\"" + provider + "\"") + "}";
    }

    @Test
    void theProviderPicksTheMailboxAndTheMessageGoesOutOverXOAuth2() throws Exception {
        JsonNode sent = data(server.post("/api/v1/emails/send", TOKEN, body("outlook")), 202);
        long id = sent.get("id").asLong();
        assertThat(server.service.get(TestWorld.CALLER, id).metadata().smtpIntegrationId()).isEqualTo(outlook.id());

        awaitEmail(server, id, status("sent"));
        assertThat(greenMail.waitForIncomingEmail(5000, 1)).isTrue();
        assertThat(tokens.callCount()).isEqualTo(1);

        // Without a provider the lowest id wins.
        long plain = data(server.post("/api/v1/emails/send", TOKEN, body(null)), 202).get("id").asLong();
        assertThat(server.service.get(TestWorld.CALLER, plain).metadata().smtpIntegrationId()).isEqualTo(gmail.id());
    }

    @Test
    void aProviderNoUsableMailboxMatchesIsForbiddenAndAnUnknownOneInvalid() {
        // User 43 has no connected mailbox; the account-wide relay is no Gmail.
        error(server.post("/api/v1/emails/send", OTHER_USER_TOKEN, body("gmail")), 403, "insufficient_permissions",
                "provider");
        error(server.post("/api/v1/emails/send", TOKEN, body("yahoo")), 400, "validation_error", "provider");
        // Another user's mailbox named by id is unknown to them.
        error(server.post("/api/v1/emails/send", OTHER_USER_TOKEN, body(null).replace("}",
                ",\"integration_id\":" + gmail.id() + "}")), 400, "validation_error", "integration_id");
        assertThat(tokens.callCount()).isZero();
    }

    @Test
    void theComposeModalListsOnlyTheCallersOwnMailboxes() throws Exception {
        JsonNode mine = TestServer.json(server.post("/api/email/smtpOptions", TOKEN, "{}"));
        JsonNode theirs = TestServer.json(server.post("/api/email/smtpOptions", OTHER_USER_TOKEN, "{}"));
        assertThat(mine.toString()).contains("rep@acme.com").doesNotContain("refresh-1");
        assertThat(theirs.toString()).doesNotContain("rep@acme.com");
    }
}
