package io.crmemail.servlet;

import static io.crmemail.servlet.TestServer.TOKEN;
import static io.crmemail.servlet.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.crmemail.core.testsupport.TestWorld;
import io.crmemail.core.tracking.Pixel;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The exact JSON of each endpoint for an authorised caller, and the public endpoints' sameness. */
class EndpointsTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withPerMethodLifecycle(false);

    @TempDir
    static Path temp;

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(temp, greenMail.getSmtp().getPort());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void recordContext() {
        HttpResponse<String> response = server.post("/api/email/recordContext", TOKEN,
                "{\"tableId\":123,\"recordId\":456}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response)).isEqualTo(parse("""
                {"emails":["lead@example.org"],
                 "fields":[{"id":"title","name":"Title"},{"id":"company","name":"Company"},
                           {"id":"email","name":"Email"}]}"""));
    }

    @Test
    void smtpOptionsWithoutCredentials() {
        HttpResponse<String> response = server.post("/api/email/smtpOptions", TOKEN, "{}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response)).isEqualTo(parse("""
                [{"id":%d,"label":"smtp@acme.com","fromDomains":["acme.com"],
                  "fromIdentities":[{"name":"Sales","email":"sales@acme.com"}],"disablePixel":false}]
                """.formatted(server.world.integration.id())));
        assertThat(server.post("/api/email/smtpOptions", TOKEN, "").statusCode()).isEqualTo(200);
    }

    @Test
    void sendAnswersWithTheQueuedCommentAndTheTimelineShowsIt() {
        JsonNode sent = json(server.post("/api/email/send", TOKEN, server.sendBody()));
        assertThat(names(sent)).containsExactly("id", "status", "comment");
        JsonNode comment = sent.get("comment");
        assertThat(names(comment)).containsExactly("id", "type", "userId", "createdAt", "metadata");
        assertThat(comment.get("userId").asLong()).isEqualTo(TestWorld.USER);
        assertThat(comment.get("metadata").get("to").get(0).asText()).isEqualTo("Jane Doe <lead@example.org>");
        assertThat(comment.get("metadata").get("subject").asText()).isEqualTo("Welcome {{field:title}}");

        JsonNode timeline = json(server.get(TestServer.commentsPath(123, 456), TOKEN));
        JsonNode last = timeline.get(timeline.size() - 1);
        assertThat(last.get("id")).isEqualTo(sent.get("id"));
        assertThat(names(last)).containsExactly("id", "type", "userId", "createdAt", "metadata");
    }

    @Test
    void signatureLifecycleWithIsDefaultOnTheWire() {
        HttpResponse<String> created = server.post("/api/email/signatures/create", TOKEN,
                "{\"name\":\"Work\",\"html\":\"<p>Alice <script>x()</script></p>\",\"is_default\":true}");
        assertThat(created.statusCode()).isEqualTo(200);
        JsonNode row = json(created);
        assertThat(names(row)).containsExactly("id", "name", "html", "is_default", "created_at", "updated_at");
        assertThat(row.get("is_default").asBoolean()).isTrue();
        assertThat(row.get("html").asText()).doesNotContain("script");
        long id = row.get("id").asLong();

        JsonNode list = json(server.post("/api/email/signatures/list", TOKEN, "{}"));
        assertThat(list.findValues("id")).anyMatch(n -> n.asLong() == id);

        JsonNode updated = json(server.post("/api/email/signature/" + id + "/update", TOKEN,
                "{\"name\":\"Work 2\",\"html\":\"<p>A</p>\",\"is_default\":false}"));
        assertThat(updated.get("id").asLong()).isEqualTo(id);
        assertThat(updated.get("name").asText()).isEqualTo("Work 2");
        assertThat(updated.get("is_default").asBoolean()).isFalse();

        assertThat(server.post("/api/email/signature/" + id + "/delete", TOKEN, "{}").statusCode()).isEqualTo(200);
        assertThat(server.post("/api/email/signature/" + id + "/delete", TOKEN, "{}").statusCode()).isEqualTo(404);
        assertThat(server.post("/api/email/signature/" + id + "/update", TOKEN,
                "{\"name\":\"x\",\"html\":\"\"}").statusCode()).isEqualTo(404);
    }

    @Test
    void signatureHtmlIsCappedAt200KB() {
        String html = "<p>" + "x".repeat(200 * 1024) + "</p>";
        HttpResponse<String> response = server.post("/api/email/signatures/create", TOKEN,
                "{\"name\":\"Huge\",\"html\":\"" + html + "\",\"is_default\":false}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("error").get("code").asText()).isEqualTo("validation_error");
        assertThat(json(response).get("error").get("field").asText()).isEqualTo("html");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/email/pixel/0123456789abcdef0123.png", "/email/pixel/unknown.png",
            "/email/pixel/no-extension", "/email/pixel/a/b/c.png", "/email/pixel/.png", "/email/pixel/%E2%9C%93%20x.png",
            "/email/pixel/", "/email/pixel/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.png"})
    void pixelIsTheSameImageForAnyToken(String path) {
        HttpResponse<byte[]> response = server.sendForBytes(server.request(path).GET().build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(response.headers().firstValue("X-Request-ID")).isPresent();
        assertThat(response.body()).isEqualTo(Pixel.png());
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/raw", "message/rfc822", "application/octet-stream", "text/raw; charset=utf-8"})
    void webhookAcceptsRawMailAndDropsUnroutableSilently(String contentType) {
        String mail = "From: x@example.org\r\nTo: reply-0123456789abcdef@" + TestWorld.REPLY_DOMAIN
                + "\r\nSubject: hi\r\nMessage-ID: <m-" + contentType.hashCode() + "@example.org>\r\n\r\nhello\r\n";
        HttpResponse<String> response = server.send(server.request("/webhooks/email_receive")
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(mail)).build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response)).isEqualTo(parse("{\"ok\":true}"));
    }

    @Test
    void webhookAnswersGarbageAndEmptyBodiesTheSame() {
        for (String body : List.of("", "\u0000\u0001 not a message", "To: nobody\r\n")) {
            HttpResponse<String> response = server.send(server.request("/webhooks/email_receive")
                    .header("Content-Type", "text/raw").POST(HttpRequest.BodyPublishers.ofString(body)).build());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"ok\":true}");
        }
    }

    @Test
    void webhookRefusesOtherContentTypes() {
        HttpResponse<String> response = server.send(server.request("/webhooks/email_receive")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(response.statusCode()).isEqualTo(415);
    }

    @Test
    void sessionAuthenticationAsTheHostLoggedIn() {
        HttpClient browser = TestServer.client();
        HttpRequest comments = server.request(TestServer.commentsPath(123, 456)).GET().build();
        assertThat(TestServer.send(browser, comments, HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(401);
        TestServer.send(browser, server.request("/test/login").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(TestServer.send(browser, comments, HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(200);
    }

    private static JsonNode parse(String text) {
        try {
            return io.crmemail.core.json.EmailJson.mapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
