package io.crmemail.core.mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crmemail.core.integration.IntegrationKind;
import io.crmemail.core.integration.OAuthSettings;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.InMemoryEmailStore;
import io.crmemail.core.testsupport.MutableClock;
import io.crmemail.core.testsupport.TokenServer;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The built-in token provider against a local token endpoint. */
class RefreshingTokenProviderTest {

    private final TokenServer endpoint = TokenServer.start();
    private final MutableClock clock = MutableClock.at("2026-03-18T10:00:00Z");
    private final EmailStore store = new InMemoryEmailStore();

    @AfterEach
    void stop() {
        endpoint.close();
    }

    /** A stored Gmail mailbox of user 42 whose refresh goes to {@code tokenEndpoint}. */
    public static SmtpIntegration mailbox(EmailStore store, String tokenEndpoint, String scope) {
        return store.saveIntegration(SmtpIntegration.builder().accountId(1).kind(IntegrationKind.GMAIL)
                .ownerUserId(42L).credentials("rep@gmail.test", null)
                .oauth(new OAuthSettings(tokenEndpoint, "client-1", "secret-1", "refresh-1", scope)).build());
    }

    private RefreshingTokenProvider provider() {
        return RefreshingTokenProvider.builder().store(store).clock(clock).refreshMargin(Duration.ofMinutes(2))
                .requestTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void refreshesWithTheStandardGrantAndCachesUntilShortlyBeforeExpiry() throws Exception {
        SmtpIntegration mailbox = mailbox(store, endpoint.endpoint(), "https://mail.google.com/");
        RefreshingTokenProvider tokens = provider();

        assertThat(tokens.accessToken(mailbox, false)).isEqualTo("access-1");
        assertThat(tokens.accessToken(mailbox, false)).isEqualTo("access-1");
        assertThat(endpoint.callCount()).isEqualTo(1);
        TokenServer.Call call = endpoint.calls().get(0);
        assertThat(call.method()).isEqualTo("POST");
        assertThat(call.contentType()).startsWith("application/x-www-form-urlencoded");
        assertThat(call.form()).isEqualTo(Map.of("grant_type", "refresh_token", "client_id", "client-1",
                "client_secret", "secret-1", "refresh_token", "refresh-1", "scope", "https://mail.google.com/"));

        clock.advance(Duration.ofMinutes(57)); // 3 minutes left: still outside the 2-minute margin
        assertThat(tokens.accessToken(mailbox, false)).isEqualTo("access-1");
        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        assertThat(tokens.accessToken(mailbox, false)).isEqualTo("access-2");
        assertThat(endpoint.callCount()).isEqualTo(2);
    }

    @Test
    void forceRefreshBypassesTheCache() throws Exception {
        SmtpIntegration mailbox = mailbox(store, endpoint.endpoint(), null);
        RefreshingTokenProvider tokens = provider();
        assertThat(tokens.accessToken(mailbox, false)).isEqualTo("access-1");
        assertThat(tokens.accessToken(mailbox, true)).isEqualTo("access-2");
        assertThat(tokens.accessToken(mailbox, false)).isEqualTo("access-2");
        assertThat(endpoint.callCount()).isEqualTo(2);
        // No scope configured: none asked for, the granted one stays.
        assertThat(endpoint.calls().get(0).form()).doesNotContainKey("scope");
    }

    @Test
    void aRotatedRefreshTokenIsSavedAndUsedNext() throws Exception {
        SmtpIntegration mailbox = mailbox(store, endpoint.endpoint(), null);
        RefreshingTokenProvider tokens = provider();
        endpoint.rotateTo("refresh-2");

        tokens.accessToken(mailbox, false);

        SmtpIntegration stored = store.findIntegration(mailbox.id()).orElseThrow();
        assertThat(stored.oauth().refreshToken()).isEqualTo("refresh-2");
        assertThat(stored.oauth().clientSecret()).isEqualTo("secret-1");
        assertThat(stored.username()).isEqualTo("rep@gmail.test");
        // The caller still holds the integration as it was loaded: the next refresh uses the rotated token anyway.
        tokens.accessToken(mailbox, true);
        assertThat(endpoint.calls().get(1).form().get("refresh_token")).isEqualTo("refresh-2");
    }

    @Test
    void callersHoldingAnyEarlierTokenOfTheLineageNeverRefreshWithASpentOne() throws Exception {
        SmtpIntegration r1Holder = mailbox(store, endpoint.endpoint(), null);
        RefreshingTokenProvider tokens = provider();
        endpoint.rotateTo("refresh-2").rotateTo("refresh-3").rotateTo("refresh-4");

        tokens.accessToken(r1Holder, false);                           // refresh-1 -> refresh-2, saved
        SmtpIntegration r2Holder = store.findIntegration(r1Holder.id()).orElseThrow();
        tokens.accessToken(r1Holder, true);                            // a stale caller: refresh-2 -> refresh-3
        tokens.accessToken(r2Holder, true);                            // loaded in between: refresh-3 -> refresh-4

        assertThat(endpoint.calls()).extracting(c -> c.form().get("refresh_token"))
                .containsExactly("refresh-1", "refresh-2", "refresh-3");
        assertThat(store.findIntegration(r1Holder.id()).orElseThrow().oauth().refreshToken())
                .as("every rotation of the grant is saved, whoever triggered it").isEqualTo("refresh-4");
        assertThat(tokens.accessToken(r2Holder, false)).isEqualTo("access-3");
    }

    @Test
    void aReconnectedMailboxStartsANewLineageAndIsNotOverwritten() throws Exception {
        SmtpIntegration old = mailbox(store, endpoint.endpoint(), null);
        RefreshingTokenProvider tokens = provider();
        endpoint.rotateTo("refresh-2");
        tokens.accessToken(old, false);
        SmtpIntegration reconnected = store.saveIntegration(store.findIntegration(old.id()).orElseThrow().toBuilder()
                .oauth(old.oauth().withRefreshToken("new-grant-1")).build());

        endpoint.rotateTo("new-grant-2");
        tokens.accessToken(reconnected, true);

        assertThat(endpoint.calls().get(1).form().get("refresh_token")).isEqualTo("new-grant-1");
        assertThat(store.findIntegration(old.id()).orElseThrow().oauth().refreshToken()).isEqualTo("new-grant-2");
    }

    @Test
    void concurrentCallersShareOneRefresh() throws Exception {
        SmtpIntegration mailbox = mailbox(store, endpoint.endpoint(), null);
        RefreshingTokenProvider tokens = provider();
        endpoint.delay(Duration.ofMillis(300));

        assertThat(askAtOnce(tokens, mailbox, false)).containsOnly("access-1");
        assertThat(endpoint.callCount()).isEqualTo(1);

        // Forced refreshes asked while one is in flight are satisfied by it. A thread scheduled so late that it
        // asks after that refresh ended refreshes once more; never one refresh per caller.
        List<String> forced = askAtOnce(tokens, mailbox, true);
        assertThat(forced).doesNotContain("access-1");
        assertThat(endpoint.callCount()).isBetween(2, 3);
    }

    private static List<String> askAtOnce(RefreshingTokenProvider tokens, SmtpIntegration mailbox, boolean force)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(pool.submit(() -> tokens.accessToken(mailbox, force)));
            }
            List<String> got = new ArrayList<>();
            for (Future<String> f : futures) {
                got.add(f.get());
            }
            return got;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRevokedGrantIsPermanentAndSaysWhyWithoutSecrets() {
        SmtpIntegration mailbox = mailbox(store, endpoint.endpoint(), null);
        endpoint.answer(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Token has been expired or revoked.\"}");

        assertThatThrownBy(() -> provider().accessToken(mailbox, false))
                .isInstanceOfSatisfying(TokenException.class, e -> {
                    assertThat(e.isPermanent()).isTrue();
                    assertThat(e.getMessage()).contains("invalid_grant").contains("Token has been expired or revoked.")
                            .doesNotContain("refresh-1").doesNotContain("secret-1");
                });
    }

    @Test
    void anUnauthorizedClientIsPermanent() {
        SmtpIntegration mailbox = mailbox(store, endpoint.endpoint(), null);
        endpoint.answer(401, "{\"error\":\"invalid_client\"}");
        assertThatThrownBy(() -> provider().accessToken(mailbox, false))
                .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.isPermanent()).isTrue());
    }

    @Test
    void serverErrorsAndAnUnreachableEndpointAreTransient() throws Exception {
        SmtpIntegration mailbox = mailbox(store, endpoint.endpoint(), null);
        endpoint.answer(503, "<html>down</html>");
        assertThatThrownBy(() -> provider().accessToken(mailbox, false))
                .isInstanceOfSatisfying(TokenException.class, e -> {
                    assertThat(e.isPermanent()).isFalse();
                    assertThat(e.getMessage()).contains("HTTP 503");
                });

        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        SmtpIntegration unreachable = mailbox(store, "http://127.0.0.1:" + closedPort + "/token", null);
        assertThatThrownBy(() -> provider().accessToken(unreachable, false))
                .isInstanceOfSatisfying(TokenException.class, e -> {
                    assertThat(e.isPermanent()).isFalse();
                    assertThat(e.getMessage()).contains("unreachable");
                });
    }

    @Test
    void aMailboxWithoutOAuthSettingsCannotHaveTokens() {
        SmtpIntegration bare = store.saveIntegration(SmtpIntegration.builder().accountId(1)
                .kind(IntegrationKind.OUTLOOK).credentials("rep@outlook.test", null).build());
        assertThatThrownBy(() -> provider().accessToken(bare, false))
                .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.isPermanent()).isTrue());
    }
}
