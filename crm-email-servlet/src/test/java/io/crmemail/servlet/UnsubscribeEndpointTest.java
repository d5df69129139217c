package io.crmemail.servlet;

import static io.crmemail.servlet.TestServer.TOKEN;
import static io.crmemail.servlet.V1Support.awaitEmail;
import static io.crmemail.servlet.V1Support.data;
import static io.crmemail.servlet.V1Support.error;
import static io.crmemail.servlet.V1Support.sendBody;
import static io.crmemail.servlet.V1Support.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmemail.core.store.Suppression;
import io.crmemail.core.testsupport.FailingStore;
import io.crmemail.core.testsupport.TestWorld;
import io.crmemail.core.tracking.Tokens;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** {@code /email/unsubscribe/{token}} over real HTTP: a GET asks, a POST unsubscribes (RFC 8058). */
class UnsubscribeEndpointTest extends LiveServerTest {

    private static final String BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/17.5 Safari/605.1.15";
    private static final String ONE_CLICK = "List-Unsubscribe=One-Click";

    /** Sends a v1 message to jane@example.org and returns its id once GreenMail has it. */
    private long sendAndReceive(String extra, int received) throws Exception {
        long id = data(server.post("/api/v1/emails/send", TOKEN, sendBody(extra)), 202).get("id").asLong();
        awaitEmail(server, id, status("sent"));
        assertThat(greenMail.waitForIncomingEmail(5000, received)).isTrue();
        return id;
    }

    /** The path of the List-Unsubscribe URL of a received message, after checking both headers. */
    private static String unsubscribePath(MimeMessage mail) throws Exception {
        String header = mail.getHeader("List-Unsubscribe", null);
        assertThat(header).matches("<" + java.util.regex.Pattern.quote(TestWorld.BASE_URL)
                + "/email/unsubscribe/u[0-9a-f]{32}>");
        assertThat(mail.getHeader("List-Unsubscribe-Post", null)).isEqualTo(ONE_CLICK);
        return URI.create(header.substring(1, header.length() - 1)).getPath();
    }

    private HttpResponse<String> get(String path) {
        return server.send(server.request(path).header("User-Agent", BROWSER).GET().build());
    }

    private HttpResponse<String> postForm(String path, String userAgent) {
        return server.send(server.request(path).header("User-Agent", userAgent)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(ONE_CLICK)).build());
    }

    private HttpResponse<String> postMultipart(String path) {
        String boundary = "----one-click";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\n"
                + "One-Click\r\n--" + boundary + "--\r\n";
        return server.send(server.request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private List<JsonNode> unsubscribedEvents(long id) {
        List<JsonNode> found = new ArrayList<>();
        data(server.get("/api/v1/emails/" + id + "/events", TOKEN), 200).forEach(e -> {
            if (e.get("type").asText().equals("unsubscribed")) {
                found.add(e);
            }
        });
        return found;
    }

    private static void assertPublicPage(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(response.headers().firstValue("X-Robots-Tag").orElse("")).contains("noindex");
        assertThat(response.headers().firstValue("X-Request-ID")).isPresent();
    }

    @Test
    void aGetOnlyAsksAndAPostUnsubscribesAndLaterSendsAreDropped() throws Exception {
        long id = sendAndReceive("\"list_unsubscribe\":true", 1);
        String path = unsubscribePath(greenMail.getReceivedMessages()[0]);

        // What a link scanner or a preview does: nothing happens.
        HttpResponse<String> page = get(path);
        assertPublicPage(page, 200);
        assertThat(page.body()).contains("<form method=\"post\">")
                .contains("name=\"List-Unsubscribe\" value=\"One-Click\"").contains("j•••@example.org")
                .doesNotContain("jane@example.org");
        assertThat(get(path).statusCode()).isEqualTo(200);
        assertThat(server.service.suppressions(TestWorld.CALLER)).isEmpty();
        assertThat(unsubscribedEvents(id)).isEmpty();

        // The provider's one-click POST, without cookies or credentials.
        HttpResponse<String> done = postForm(path, BROWSER);
        assertPublicPage(done, 200);
        assertThat(done.body()).contains("Unsubscribed");
        assertThat(server.service.suppressions(TestWorld.CALLER)).singleElement().satisfies(s -> {
            assertThat(s.email()).isEqualTo("jane@example.org");
            assertThat(s.reason()).isEqualTo("unsubscribe");
        });
        assertThat(unsubscribedEvents(id)).singleElement().satisfies(e -> {
            assertThat(e.get("details").get("email").asText()).isEqualTo("jane@example.org");
            assertThat(e.get("user_agent").asText()).isEqualTo(BROWSER);
        });

        // Again (say the reader's click after the provider's), multipart this time: fine, and nothing doubles.
        assertPublicPage(postMultipart(path), 200);
        assertThat(server.service.suppressions(TestWorld.CALLER)).extracting(Suppression::email)
                .containsExactly("jane@example.org");
        assertThat(unsubscribedEvents(id)).hasSize(1);

        // The existing delivery check now drops mail to the address.
        long later = data(server.post("/api/v1/emails/send", TOKEN, sendBody(null)), 202).get("id").asLong();
        JsonNode dropped = awaitEmail(server, later, status("dropped"));
        assertThat(dropped.toString()).contains("suppressed");
        assertThat(greenMail.getReceivedMessages()).hasSize(1);
    }

    @Test
    void theIntegrationDecidesUnlessTheMessageSaysOtherwiseAndSeveralRecipientsGetNoLink() throws Exception {
        server.world.store.saveIntegration(server.world.integration.toBuilder().listUnsubscribe(true).build());

        sendAndReceive(null, 1);
        unsubscribePath(greenMail.getReceivedMessages()[0]);
        sendAndReceive("\"list_unsubscribe\":false", 2);
        sendAndReceive("\"cc\":\"boss@example.org\"", 4);
        // The CRM surface has no field of its own: the integration decides.
        long crm = TestServer.json(server.post("/api/email/send", TOKEN, server.sendBody())).get("id").asLong();
        awaitEmail(server, crm, status("sent"));
        assertThat(greenMail.waitForIncomingEmail(5000, 5)).isTrue();

        MimeMessage[] all = greenMail.getReceivedMessages();
        assertThat(all[1].getHeader("List-Unsubscribe")).isNull();
        assertThat(all[2].getHeader("List-Unsubscribe")).isNull();
        assertThat(all[3].getHeader("List-Unsubscribe")).isNull();
        unsubscribePath(all[4]);
    }

    @Test
    void unknownTokensAreNotFoundAndOtherMethodsNotAllowed() {
        for (String path : List.of("/email/unsubscribe/" + Tokens.unsubscribeToken(), "/email/unsubscribe/nope",
                "/email/unsubscribe/" + Tokens.pixelToken(), "/email/unsubscribe/" + Tokens.clickToken())) {
            assertPublicPage(get(path), 404);
            assertPublicPage(postForm(path, BROWSER), 404);
        }
        String path = "/email/unsubscribe/" + Tokens.unsubscribeToken();
        for (String method : List.of("PUT", "DELETE")) {
            HttpResponse<String> response = server.send(server.request(path)
                    .method(method, HttpRequest.BodyPublishers.noBody()).build());
            assertThat(response.statusCode()).as(method).isEqualTo(405);
            assertThat(response.headers().firstValue("Allow")).contains("GET, POST");
        }
        assertThat(server.service.suppressions(TestWorld.CALLER)).isEmpty();
    }

    @Test
    void aStoreOutageAsksForARetryInsteadOfSayingNotFound() throws Exception {
        AtomicBoolean down = new AtomicBoolean(true);
        try (TestServer failing = TestServer.start(temp.resolve("outage"), greenMail.getSmtp().getPort(), b -> { },
                store -> FailingStore.failing(store, down, "findToken"))) {
            String path = "/email/unsubscribe/" + Tokens.unsubscribeToken();
            for (HttpResponse<String> response : List.of(
                    failing.send(failing.request(path).GET().build()),
                    failing.send(failing.request(path).header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(ONE_CLICK)).build()))) {
                assertPublicPage(response, 503);
                assertThat(response.headers().firstValue("Retry-After")).isPresent();
            }
        }
    }

    @Test
    void listUnsubscribeMustBeABoolean() {
        for (String bad : List.of("\"yes\"", "{}", "[true]")) {
            error(server.post("/api/v1/emails/send", TOKEN, sendBody("\"list_unsubscribe\":" + bad)), 400,
                    "validation_error", "list_unsubscribe");
        }
        JsonNode entries = data(server.post("/api/v1/emails/batch", TOKEN,
                "{\"messages\":[" + sendBody("\"list_unsubscribe\":\"maybe\"") + "," + sendBody(null) + "]}"), 202);
        assertThat(entries.get(0).get("error").get("field").asText()).isEqualTo("list_unsubscribe");
        assertThat(entries.get(1).get("status").asText()).isEqualTo("queued");
    }
}
