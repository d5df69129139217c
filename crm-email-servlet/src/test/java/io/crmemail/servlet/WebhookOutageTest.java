package io.crmemail.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.store.TokenKind;
import io.crmemail.core.store.TrackingToken;
import io.crmemail.core.testsupport.FailingStore;
import io.crmemail.core.testsupport.TestWorld;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The webhook's one non-200: our own failure, so that the relay delivers the message again. */
class WebhookOutageTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path temp;

    @Test
    void aStoreOutageAnswers503WithRetryAfterAndTheRetryIsStored() throws Exception {
        AtomicBoolean down = new AtomicBoolean(false);
        TestServer server = TestServer.start(temp, greenMail.getSmtp().getPort(), b -> { },
                store -> FailingStore.failing(store, down, "storeInbound"));
        try {
            EmailMessage original = server.service.send(TestWorld.CALLER, server.world.request().build()).comment();
            String token = server.world.store.tokens(original.id()).stream().filter(t -> t.kind() == TokenKind.REPLY)
                    .map(TrackingToken::token).findFirst().orElseThrow();
            String reply = "From: Jane <lead@example.org>\r\nTo: reply-" + token + "@" + TestWorld.REPLY_DOMAIN
                    + "\r\nMessage-ID: <outage-1@example.org>\r\nSubject: Re: Welcome\r\n\r\nThanks!\r\n";
            HttpRequest post = server.request("/webhooks/email_receive").header("Content-Type", "text/raw")
                    .POST(HttpRequest.BodyPublishers.ofString(reply)).build();

            down.set(true);
            HttpResponse<String> failed = server.send(post);
            assertThat(failed.statusCode()).isEqualTo(503);
            assertThat(failed.headers().firstValue("Retry-After")).hasValue("60");
            assertThat(failed.headers().firstValue("X-Request-ID")).isPresent();
            assertThat(failed.body()).contains("\"code\":\"temporarily_unavailable\"").doesNotContain("store unavailable");

            down.set(false);
            HttpResponse<String> retried = server.send(post);
            assertThat(retried.statusCode()).isEqualTo(200);
            assertThat(server.world.store.listForRecord(TestWorld.ACCOUNT,
                    new RecordRef(TestWorld.TABLE, TestWorld.RECORD)))
                    .filteredOn(m -> m.type() == CommentType.EMAIL_IN)
                    .singleElement().satisfies(m -> assertThat(m.parentId()).isEqualTo(original.id()));
        } finally {
            server.close();
        }
    }
}
