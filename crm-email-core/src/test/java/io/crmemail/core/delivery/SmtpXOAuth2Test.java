package io.crmemail.core.delivery;

import static io.crmemail.core.delivery.SmtpTestMessages.envelope;
import static io.crmemail.core.delivery.SmtpTestMessages.message;
import static io.crmemail.core.delivery.SmtpTestMessages.plain;
import static org.assertj.core.api.Assertions.assertThat;

import io.crmemail.core.delivery.TransportResult.Outcome;
import io.crmemail.core.integration.IntegrationKind;
import io.crmemail.core.integration.OAuthSettings;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.mailbox.TokenException;
import io.crmemail.core.mailbox.TokenProvider;
import io.crmemail.core.testsupport.ScriptedSmtpServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * XOAUTH2 logins of connected mailboxes against a scripted SMTP server that refuses tokens the way Gmail does
 * (334 + 535) and can ask a pooled connection to log in again (530).
 */
class SmtpXOAuth2Test {

    private final ScriptedSmtpServer server = ScriptedSmtpServer.start();
    private MailTransport transport;

    /** Hands out the scripted tokens in order (the last one again), recording each call's forceRefresh. */
    private static final class Tokens implements TokenProvider {
        final List<Boolean> calls = new CopyOnWriteArrayList<>();
        final List<String> tokens;

        Tokens(String... tokens) {
            this.tokens = List.of(tokens);
        }

        @Override
        public String accessToken(SmtpIntegration mailbox, boolean forceRefresh) {
            calls.add(forceRefresh);
            return tokens.get(Math.min(calls.size(), tokens.size()) - 1);
        }
    }

    @AfterEach
    void tearDown() {
        if (transport != null) {
            transport.close();
        }
        server.close();
    }

    private MailTransport transport(TokenProvider tokens) {
        SmtpIntegration mailbox = plain(server.host(), server.port()).kind(IntegrationKind.GMAIL)
                .credentials("rep@gmail.test", null)
                .oauth(new OAuthSettings("http://127.0.0.1:1/token", "client", null, "refresh", null)).build();
        transport = new SmtpTransportFactory().withTokenProvider(tokens).create(mailbox);
        return transport;
    }

    @Test
    void logsInWithTheMailboxAddressAndAnAccessToken() throws Exception {
        server.acceptXOAuth2Token("access-1");
        Tokens tokens = new Tokens("access-1");
        MailTransport t = transport(tokens);

        assertThat(t.send(message("one", "a@x.example"), envelope("a@x.example")).outcome()).isEqualTo(Outcome.SENT);
        assertThat(t.send(message("two", "a@x.example"), envelope("a@x.example")).outcome()).isEqualTo(Outcome.SENT);

        assertThat(server.awaitMessages(2, Duration.ofSeconds(5))).hasSize(2);
        // One pooled connection, one login, one token.
        assertThat(server.presentedTokens()).containsExactly("access-1");
        assertThat(tokens.calls).containsExactly(false);
    }

    @Test
    void aRefusedTokenIsRefreshedOnceAndTheSendRetried() throws Exception {
        server.acceptXOAuth2Token("access-2");
        Tokens tokens = new Tokens("access-1", "access-2");

        TransportResult r = transport(tokens).send(message("hi", "a@x.example"), envelope("a@x.example"));

        assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.SENT);
        assertThat(server.presentedTokens()).containsExactly("access-1", "access-2");
        assertThat(tokens.calls).containsExactly(false, true);
        assertThat(server.messages()).hasSize(1);
    }

    @Test
    void aPooledConnectionAskedToLogInAgainGetsAFreshTokenAndTheMessage() throws Exception {
        server.acceptXOAuth2Token("access-1");
        Tokens tokens = new Tokens("access-1", "access-2");
        MailTransport t = transport(tokens);
        assertThat(t.send(message("one", "a@x.example"), envelope("a@x.example")).outcome()).isEqualTo(Outcome.SENT);

        // The session's token expired: the server wants a new login before MAIL FROM.
        server.acceptXOAuth2Token("access-2").replyToMailFrom(530, "5.7.0 Authentication required");
        TransportResult r = t.send(message("two", "a@x.example"), envelope("a@x.example"));

        assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.SENT);
        assertThat(server.awaitMessages(2, Duration.ofSeconds(5))).extracting(m -> m.connection()).containsExactly(1, 2);
        assertThat(tokens.calls).containsExactly(false, true);
    }

    @Test
    void aSecondRefusalFailsWithAReasonThatSaysSo() throws Exception {
        server.acceptXOAuth2Token("never-issued");
        Tokens tokens = new Tokens("access-1", "access-2", "access-3");

        TransportResult r = transport(tokens).send(message("hi", "a@x.example"), envelope("a@x.example"));

        assertThat(r.outcome()).isEqualTo(Outcome.TRANSIENT_FAILURE);
        assertThat(r.serverReply()).contains("rep@gmail.test").contains("refused a freshly refreshed access token")
                .contains("334 ");
        assertThat(tokens.calls).containsExactly(false, true);
        assertThat(server.messages()).isEmpty();
    }

    @Test
    void aRevokedGrantIsNotSendableAndNoConnectionIsOpened() throws Exception {
        server.acceptXOAuth2Token("access-1");
        TokenProvider revoked = (mailbox, force) -> {
            throw new TokenException("the token endpoint refused the refresh: HTTP 400 invalid_grant", true);
        };

        TransportResult r = transport(revoked).send(message("hi", "a@x.example"), envelope("a@x.example"));

        assertThat(r.outcome()).isEqualTo(Outcome.NOT_SENDABLE);
        assertThat(r.serverReply()).isEqualTo("the gmail mailbox rep@gmail.test must be reconnected: "
                + "the token endpoint refused the refresh: HTTP 400 invalid_grant");
        assertThat(server.presentedTokens()).isEmpty();
    }

    @Test
    void aTokenEndpointOutageIsTransient() throws Exception {
        TokenProvider down = (mailbox, force) -> {
            throw new TokenException("the token endpoint answered HTTP 503", false);
        };

        TransportResult r = transport(down).send(message("hi", "a@x.example"), envelope("a@x.example"));

        assertThat(r.outcome()).isEqualTo(Outcome.TRANSIENT_FAILURE);
        assertThat(r.serverReply()).startsWith("no access token for the gmail mailbox rep@gmail.test: ");
    }

    @Test
    void aPasswordIntegrationNeverAsksForTokens() throws Exception {
        Tokens tokens = new Tokens("unused");
        transport = new SmtpTransportFactory().withTokenProvider(tokens).create(plain(server.host(), server.port())
                .build());
        assertThat(transport.send(message("hi", "a@x.example"), envelope("a@x.example")).outcome())
                .isEqualTo(Outcome.SENT);
        assertThat(tokens.calls).isEmpty();
    }
}
