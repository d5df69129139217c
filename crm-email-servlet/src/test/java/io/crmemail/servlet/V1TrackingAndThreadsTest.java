package io.crmemail.servlet;

import static io.crmemail.servlet.TestServer.TOKEN;
import static io.crmemail.servlet.V1Support.awaitEmail;
import static io.crmemail.servlet.V1Support.data;
import static io.crmemail.servlet.V1Support.error;
import static io.crmemail.servlet.V1Support.sendBody;
import static io.crmemail.servlet.V1Support.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmemail.core.testsupport.TestWorld;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Click tracking through {@code /email/click/{token}}, unified status, and conversations. */
class V1TrackingAndThreadsTest extends LiveServerTest {

    private static final String HUMAN = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/17.5 Safari/605.1.15";
    private static final String SCANNER = "Mozilla/5.0 (compatible; BingPreview/1.0b)";

    @Test
    void trackedLinksRedirectOnlyToTheirStoredUrl() throws Exception {
        String html = "<p><a href=\\\"https://shop.example/p?a=1&amp;b=2\\\">shop</a> "
                + "<a href=\\\"mailto:x@example.org\\\">mail</a> <a href=\\\"#top\\\">top</a> "
                + "<a data-notrack href=\\\"https://private.example/\\\">private</a> "
                + "<a href=\\\"https://acme.example/unsubscribe?u=1\\\">unsubscribe</a></p>";
        long id = data(server.post("/api/v1/emails/send", TOKEN,
                "{\"from\":\"sales@acme.com\",\"to\":\"jane@example.org\",\"html\":\"" + html + "\"}"), 202)
                .get("id").asLong();
        awaitEmail(server, id, status("sent"));
        assertThat(greenMail.waitForIncomingEmail(5000, 1)).isTrue();
        String sentHtml = html(greenMail.getReceivedMessages()[0]);
        Matcher tracked = Pattern.compile(Pattern.quote(TestWorld.BASE_URL) + "(/email/click/[A-Za-z0-9_-]+)")
                .matcher(sentHtml);
        List<String> paths = new ArrayList<>();
        while (tracked.find()) {
            paths.add(tracked.group(1));
        }
        assertThat(paths).as(sentHtml).hasSize(1);
        assertThat(sentHtml).contains("mailto:x@example.org").contains("#top").contains("https://private.example/")
                .contains("https://acme.example/unsubscribe?u=1");

        HttpResponse<String> scanned = click(paths.get(0), SCANNER);
        assertThat(scanned.statusCode()).isEqualTo(302);
        assertThat(scanned.headers().firstValue("Location")).contains("https://shop.example/p?a=1&b=2");
        assertThat(scanned.headers().firstValue("Cache-Control")).contains("no-store");
        JsonNode afterScan = data(server.get("/api/v1/emails/" + id, TOKEN), 200);
        assertThat(afterScan.get("unified_status").asText()).isEqualTo("sent");
        assertThat(afterScan.get("first_clicked_at").isNull()).isTrue();

        assertThat(click(paths.get(0), HUMAN).statusCode()).isEqualTo(302);
        JsonNode afterClick = data(server.get("/api/v1/emails/" + id, TOKEN), 200);
        assertThat(afterClick.get("unified_status").asText()).isEqualTo("clicked");
        assertThat(afterClick.get("first_clicked_at").asText()).isNotBlank();
        JsonNode events = data(server.get("/api/v1/emails/" + id + "/events", TOKEN), 200);
        List<JsonNode> clicks = new ArrayList<>();
        events.forEach(e -> {
            if (e.get("type").asText().equals("click")) {
                clicks.add(e);
            }
        });
        assertThat(clicks).hasSize(2);
        assertThat(clicks.get(0).get("automated").asBoolean()).isTrue();
        assertThat(clicks.get(1).get("automated").asBoolean()).isFalse();
        assertThat(clicks.get(1).get("details").get("url").asText()).isEqualTo("https://shop.example/p?a=1&b=2");

        for (String unknown : new String[] {"/email/click/c0123456789abcdef0123456789abcdef", "/email/click/nope",
                "/email/click/x?url=https://evil.example", paths.get(0) + "?url=https://evil.example"}) {
            HttpResponse<String> miss = click(unknown, HUMAN);
            if (unknown.startsWith(paths.get(0))) {
                // a query string changes nothing: the target is the stored URL
                assertThat(miss.headers().firstValue("Location")).contains("https://shop.example/p?a=1&b=2");
                continue;
            }
            assertThat(miss.statusCode()).as(unknown).isEqualTo(404);
            assertThat(miss.headers().firstValue("Location")).isEmpty();
            assertThat(miss.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        }
        // Jetty itself refuses an encoded path traversal; no redirect either way
        HttpResponse<String> traversal = click("/email/click/..%2F..%2Fetc", HUMAN);
        assertThat(traversal.statusCode()).isBetween(400, 404);
        assertThat(traversal.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void clickTrackingCanBeTurnedOff() throws Exception {
        long id = data(server.post("/api/v1/emails/send", TOKEN, sendBody("\"track_clicks\":false,\"track_opens\":false")
                .replace("<p>Hi Jane</p>", "<a href=\\\"https://shop.example/\\\">shop</a>")), 202).get("id").asLong();
        awaitEmail(server, id, status("sent"));
        assertThat(greenMail.waitForIncomingEmail(5000, 1)).isTrue();
        String sentHtml = html(greenMail.getReceivedMessages()[0]);
        assertThat(sentHtml).contains("https://shop.example/").doesNotContain("/email/click/")
                .doesNotContain("/email/pixel/");
    }

    @Test
    void aConversationCollectsRepliesBothWays() throws Exception {
        JsonNode first = data(server.post("/api/v1/emails/send", TOKEN, sendBody("\"subject\":\"Quote\"")
                .replace("\"subject\":\"Hello\",", "")), 202);
        String thread = first.get("thread_id").asText();
        awaitEmail(server, first.get("id").asLong(), status("sent"));
        assertThat(greenMail.waitForIncomingEmail(5000, 1)).isTrue();
        MimeMessage out = greenMail.getReceivedMessages()[0];

        // the customer answers; the reply arrives through the inbound webhook
        String reply = String.join("\r\n",
                "From: Jane <jane@example.org>",
                "To: " + out.getHeader("Reply-To", null),
                "Subject: Re: Quote",
                "Message-ID: <answer-1@example.org>",
                "In-Reply-To: " + out.getMessageID(),
                "Date: Wed, 18 Mar 2026 11:00:00 +0000",
                "Content-Type: text/plain; charset=UTF-8",
                "",
                "Looks good.",
                "");
        HttpResponse<String> hook = server.send(server.request("/webhooks/email_receive")
                .header("Content-Type", "text/raw").POST(HttpRequest.BodyPublishers.ofString(reply)).build());
        assertThat(hook.statusCode()).isEqualTo(200);

        // we answer in the same thread: subject and threading headers come from it
        JsonNode second = data(server.post("/api/v1/emails/send", TOKEN, "{\"from\":\"sales@acme.com\","
                + "\"to\":\"jane@example.org\",\"text\":\"Great\",\"thread_id\":\"" + thread + "\"}"), 202);
        assertThat(second.get("thread_id").asText()).isEqualTo(thread);
        assertThat(second.get("subject").asText()).isEqualTo("Re: Quote");
        awaitEmail(server, second.get("id").asLong(), status("sent"));
        assertThat(greenMail.waitForIncomingEmail(5000, 2)).isTrue();
        MimeMessage answer = greenMail.getReceivedMessages()[1];
        assertThat(answer.getHeader("In-Reply-To", null)).isEqualTo("<answer-1@example.org>");
        assertThat(answer.getHeader("References", null)).contains(out.getMessageID()).contains("<answer-1@example.org>");

        JsonNode conversation = data(server.get("/api/v1/threads/" + thread, TOKEN), 200);
        assertThat(conversation.get("thread_id").asText()).isEqualTo(thread);
        assertThat(conversation.get("subject").asText()).isEqualTo("Quote");
        assertThat(conversation.get("messages")).extracting(m -> m.get("direction").asText())
                .containsExactly("outbound", "inbound", "outbound");
        JsonNode firstNow = data(server.get("/api/v1/emails/" + first.get("id").asLong(), TOKEN), 200);
        assertThat(firstNow.get("unified_status").asText()).isEqualTo("replied");
        assertThat(firstNow.get("first_replied_at").asText()).isNotBlank();

        error(server.get("/api/v1/threads/thr_unknown", TOKEN), 404, "not_found", null);
        error(server.get("/api/v1/threads/" + thread, TestServer.OTHER_ACCOUNT_TOKEN), 404, "not_found", null);
        error(server.post("/api/v1/emails/send", TOKEN, sendBody("\"thread_id\":\"thr_unknown\"")), 404,
                "not_found", "thread_id");
    }

    /** A reply into a conversation on a record needs write access to that record's table, like a send on it. */
    @Test
    void aReplyIntoAConversationOnARecordNeedsWriteAccessToIt() {
        JsonNode first = data(server.post("/api/v1/emails/send", TOKEN,
                sendBody("\"record\":{\"table_id\":123,\"record_id\":456}")), 202);
        String thread = first.get("thread_id").asText();
        error(server.post("/api/v1/emails/send", TestServer.READ_ONLY_TOKEN, sendBody("\"thread_id\":\"" + thread
                + "\"")), 403, "insufficient_permissions", null);
        JsonNode reply = data(server.post("/api/v1/emails/send", TOKEN, sendBody("\"thread_id\":\"" + thread + "\"")),
                202);
        assertThat(data(server.get("/api/v1/emails/" + reply.get("id").asLong(), TOKEN), 200).get("record")
                .get("table_id").asLong()).isEqualTo(123);
    }

    private HttpResponse<String> click(String path, String userAgent) {
        return server.send(server.request(path).header("User-Agent", userAgent).GET().build());
    }

    private static String html(Part part) throws Exception {
        if (part.isMimeType("text/html")) {
            return (String) part.getContent();
        }
        if (part.getContent() instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                String found = html(multipart.getBodyPart(i));
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
