package io.crmemail.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.crmemail.core.integration.IntegrationKind;
import io.crmemail.core.integration.OAuthSettings;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.mailbox.RefreshingTokenProvider;
import io.crmemail.core.testsupport.TokenServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A refresh token the OAuth endpoint rotates is saved in the database (encrypted with the other secrets). */
class RotatedRefreshTokenTest {

    private final TestDatabase database = TestDatabase.h2Memory();
    private final TokenServer endpoint = TokenServer.start();

    @AfterEach
    void close() {
        endpoint.close();
        database.close();
    }

    @Test
    void theRotatedRefreshTokenIsStoredAndSurvivesANewStore() throws Exception {
        JdbcEmailStore store = database.store();
        SmtpIntegration mailbox = store.saveIntegration(SmtpIntegration.builder().accountId(1)
                .kind(IntegrationKind.OUTLOOK).ownerUserId(42L).credentials("rep@outlook.test", null)
                .fromDomains("outlook.test")
                .oauth(new OAuthSettings(endpoint.endpoint(), "client-1", "secret-1", "refresh-1", "SMTP.Send"))
                .build());
        endpoint.rotateTo("refresh-2");

        String token = RefreshingTokenProvider.builder().store(store).build().accessToken(mailbox, false);

        assertThat(token).isEqualTo("access-1");
        SmtpIntegration reloaded = database.store().findIntegration(mailbox.id()).orElseThrow();
        assertThat(reloaded.oauth()).isEqualTo(mailbox.oauth().withRefreshToken("refresh-2"));
        assertThat(reloaded.ownerUserId()).isEqualTo(42L);
        assertThat(reloaded.fromDomains()).containsExactly("outlook.test");
        assertThat(reloaded.kind()).isEqualTo(IntegrationKind.OUTLOOK);
    }
}
