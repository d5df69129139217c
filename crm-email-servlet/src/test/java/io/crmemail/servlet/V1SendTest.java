package io.crmemail.servlet;

import static io.crmemail.servlet.TestServer.TOKEN;
import static io.crmemail.servlet.TestServer.json;
import static io.crmemail.servlet.V1Support.awaitEmail;
import static io.crmemail.servlet.V1Support.data;
import static io.crmemail.servlet.V1Support.error;
import static io.crmemail.servlet.V1Support.sendBody;
import static io.crmemail.servlet.V1Support.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmemail.core.testsupport.TestWorld;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/emails/send} and reading a message back, over real HTTP to a real SMTP server. */
class V1SendTest extends LiveServerTest {

    @Test
    void sendsHtmlAndTextAsAlternativesAndReportsTheMessage() throws Exception {
        HttpResponse<String> response = server.post("/api/v1/emails/send", TOKEN, sendBody(
                "\"text\":\"Hi Jane (text)\",\"cc\":[\"Bob <bob@example.org>\"],\"tags\":[\"welcome\"],"
                        + "\"metadata\":{\"campaign\":\"spring\",\"n\":3},\"contact_id\":\"c-1\",\"deal_id\":\"d-1\""));
        JsonNode sent = data(response, 202);
        assertThat(sent.get("status").asText()).isEqualTo("queued");
        assertThat(sent.get("to").get(0).asText()).isEqualTo("jane@example.org");
        assertThat(sent.get("subject").asText()).isEqualTo("Hello");
        assertThat(sent.get("scheduled_at").isNull()).isTrue();
        assertThat(sent.get("thread_id").asText()).isNotBlank();
        assertThat(sent.get("conversation_id").asText()).isEqualTo(sent.get("thread_id").asText());
        assertThat(response.headers().firstValue("X-RateLimit-Limit")).isPresent();
        assertThat(response.headers().firstValue("X-RateLimit-Remaining")).isPresent();
        assertThat(response.headers().firstValue("X-RateLimit-Reset")).isPresent();
        long id = sent.get("id").asLong();

        JsonNode email = awaitEmail(server, id, status("sent"));
        assertThat(email.get("direction").asText()).isEqualTo("outbound");
        assertThat(email.get("unified_status").asText()).isEqualTo("sent");
        assertThat(email.get("from").asText()).contains("sales@acme.com");
        assertThat(email.get("cc").get(0).asText()).contains("bob@example.org");
        assertThat(email.get("tags").get(0).asText()).isEqualTo("welcome");
        assertThat(email.get("metadata").get("campaign").asText()).isEqualTo("spring");
        assertThat(email.get("metadata").get("n").asText()).isEqualTo("3");
        assertThat(email.get("contact_id").asText()).isEqualTo("c-1");
        assertThat(email.get("deal_id").asText()).isEqualTo("d-1");
        assertThat(email.get("created_at").asText()).isNotBlank();
        assertThat(email.get("sent_at").asText()).isNotBlank();
        for (String absent : new String[] {"delivered_at", "first_opened_at", "read_at", "first_clicked_at",
                "first_replied_at"}) {
            assertThat(email.has(absent)).as(absent).isTrue();
            assertThat(email.get(absent).isNull()).as(absent).isTrue();
        }
        assertThat(email.get("record").isNull()).isTrue();

        assertThat(greenMail.waitForIncomingEmail(5000, 2)).isTrue();
        MimeMessage mime = greenMail.getReceivedMessages()[0];
        assertThat(mime.getSubject()).isEqualTo("Hello");
        Multipart alternative = (Multipart) mime.getContent();
        assertThat(alternative.getContentType()).startsWith("multipart/alternative");
        assertThat(alternative.getBodyPart(0).getContent().toString()).contains("Hi Jane (text)");
        assertThat(alternative.getBodyPart(1).getContent().toString()).contains("<p>Hi Jane</p>");

        JsonNode events = data(server.get("/api/v1/emails/" + id + "/events", TOKEN), 200);
        assertThat(events).extracting(e -> e.get("type").asText()).startsWith("queued").contains("sent");
        assertThat(events.get(0).has("occurred_at")).isTrue();
    }

    @Test
    void aMessageOnARecordAlsoLandsOnItsTimeline() throws Exception {
        JsonNode sent = data(server.post("/api/v1/emails/send", TOKEN, sendBody(
                "\"record\":{\"table_id\":123,\"record_id\":456}")), 202);
        long id = sent.get("id").asLong();
        JsonNode timeline = json(server.post(TestServer.commentsPath(TestWorld.TABLE, TestWorld.RECORD), TOKEN, "{}"));
        assertThat(timeline.toString()).contains("\"id\":" + id);
        JsonNode email = data(server.get("/api/v1/emails/" + id, TOKEN), 200);
        assertThat(email.get("record").get("table_id").asLong()).isEqualTo(TestWorld.TABLE);
        assertThat(email.get("record").get("record_id").asLong()).isEqualTo(TestWorld.RECORD);
    }

    @Test
    void textOnlyAndDefaultSubject() throws Exception {
        JsonNode sent = data(server.post("/api/v1/emails/send", TOKEN,
                "{\"from\":\"sales@acme.com\",\"to\":[\"jane@example.org\"],\"text\":\"plain words\"}"), 202);
        assertThat(sent.get("subject").asText()).isEqualTo("(no subject)");
        awaitEmail(server, sent.get("id").asLong(), status("sent"));
        assertThat(greenMail.waitForIncomingEmail(5000, 1)).isTrue();
        MimeMessage mime = greenMail.getReceivedMessages()[0];
        assertThat(mime.getContentType()).startsWith("text/plain");
        assertThat(mime.getContent().toString()).contains("plain words");
    }

    @Test
    void inlineAttachmentIsListedWithItsSize() throws Exception {
        String base64 = Base64.getEncoder().encodeToString("hello file".getBytes());
        JsonNode sent = data(server.post("/api/v1/emails/send", TOKEN, sendBody(
                "\"attachments\":[{\"filename\":\"note.txt\",\"content_type\":\"text/plain\",\"content_base64\":\""
                        + base64 + "\"}]")), 202);
        JsonNode email = data(server.get("/api/v1/emails/" + sent.get("id").asLong(), TOKEN), 200);
        JsonNode file = email.get("attachments").get(0);
        assertThat(file.get("filename").asText()).isEqualTo("note.txt");
        assertThat(file.get("contentType").asText()).startsWith("text/plain");
        assertThat(file.get("sizeBytes").asLong()).isEqualTo(10);
        assertThat(file.get("id").asText()).isNotBlank();
    }

    @Test
    void waitReturnsTheSentMessage() {
        JsonNode sent = data(server.post("/api/v1/emails/send", TOKEN, sendBody("\"wait\":true")), 200);
        assertThat(sent.get("status").asText()).isEqualTo("sent");
    }

    @Test
    void waitReportsAProviderFailureAs502() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (TestServer down = TestServer.start(temp.resolve("down"), closedPort)) {
            JsonNode error = error(down.post("/api/v1/emails/send", TOKEN, sendBody("\"wait\":true")), 502,
                    "provider_error", null);
            assertThat(error.get("message").asText()).contains("retried");
        }
    }

    @Test
    void badInputGetsTheV1ErrorEnvelopeNamingTheField() {
        error(server.post("/api/v1/emails/send", TOKEN, sendBody("\"is_internal\":true")), 400, "validation_error",
                "is_internal");
        error(server.post("/api/v1/emails/send", TOKEN, sendBody("\"bodyy\":\"x\"")), 400, "validation_error",
                "bodyy");
        error(server.post("/api/v1/emails/send", TOKEN,
                "{\"from\":\"sales@acme.com\",\"to\":[\"not an address\"],\"html\":\"x\"}"), 400, "validation_error",
                "to[0]");
        error(server.post("/api/v1/emails/send", TOKEN,
                "{\"from\":\"sales@acme.com\",\"to\":\"jane@example.org\",\"subject\":\"x\"}"), 400,
                "validation_error", null);
        error(server.post("/api/v1/emails/send", TOKEN, sendBody("\"scheduled_at\":\"tomorrow\"")), 400,
                "validation_error", "scheduled_at");
        error(server.post("/api/v1/emails/send", TOKEN, sendBody("\"attachments\":[{\"filename\":\"a\","
                + "\"content_base64\":\"***\"}]")), 400, "validation_error", "attachments[0].content_base64");
        error(server.post("/api/v1/emails/send", TOKEN, "{\"from\":"), 400, "validation_error", null);
        error(server.post("/api/v1/emails/send", TOKEN, sendBody("\"subject\":\"" + "s".repeat(999) + "\"")
                .replace("\"subject\":\"Hello\",", "")), 400, "validation_error", "subject");
    }

    @Test
    void aSenderWithoutIntegrationIsRefused() {
        error(server.post("/api/v1/emails/send", TOKEN,
                "{\"from\":\"someone@elsewhere.example\",\"to\":\"jane@example.org\",\"html\":\"x\"}"),
                403, "insufficient_permissions", "from");
    }

    @Test
    void authenticationAndPermissions() throws Exception {
        error(server.post("/api/v1/emails/send", null, sendBody(null)), 401, "invalid_key", null);
        error(server.post("/api/v1/emails/send", "wrong-token", sendBody(null)), 401, "invalid_key", null);
        error(server.get("/api/v1/emails", "wrong-token"), 401, "invalid_key", null);
        try (TestServer limited = TestServer.start(temp.resolve("limited"), greenMail.getSmtp().getPort(),
                b -> b.accessPolicy(new AccessPolicy() {
                    @Override
                    public boolean canWrite(io.crmemail.core.Caller caller, long tableId) {
                        return tableId != 999;
                    }

                    @Override
                    public boolean allows(io.crmemail.core.Caller caller, String permission) {
                        return !permission.equals("email.send");
                    }
                }))) {
            error(limited.post("/api/v1/emails/send", TOKEN, sendBody(null)), 403, "insufficient_permissions", null);
            data(limited.get("/api/v1/emails", TOKEN), 200);
        }
        error(server.post("/api/v1/emails/send", TestServer.READ_ONLY_TOKEN,
                sendBody("\"record\":{\"table_id\":123,\"record_id\":456}")), 403, "insufficient_permissions", null);
    }

    @Test
    void unknownRoutesMethodsAndIdsInTheV1Envelope() throws Exception {
        error(server.get("/api/v1/nothing", TOKEN), 404, "not_found", null);
        error(server.get("/api/v1/emails/999999", TOKEN), 404, "not_found", null);
        error(server.get("/api/v1/emails/abc", TOKEN), 404, "not_found", null);
        error(server.put("/api/v1/emails/send", TOKEN, "{}"), 405, "method_not_allowed", null);
        HttpResponse<String> wrongType = server.send(TestServer.authorized(server.request("/api/v1/emails/send")
                .header("Content-Type", "text/plain")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("hi")), TOKEN).build());
        error(wrongType, 415, "unsupported_media_type", null);
        // over the 1 MB default: answered before the body is read, so a raw client reads that answer reliably
        byte[] tooBig = sendBody("\"text\":\"" + "x".repeat(1_100_000) + "\"").getBytes(StandardCharsets.UTF_8);
        String response = RawHttp.exchange(server.base(), "POST /api/v1/emails/send HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + TOKEN + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + tooBig.length + "\r\n", out -> out.write(tooBig));
        assertThat(response).startsWith("HTTP/1.1 413").containsIgnoringCase("X-Request-ID:")
                .contains("\"success\":false").contains("\"code\":\"payload_too_large\"");
    }

    @Test
    void anotherAccountSeesNothing() {
        JsonNode sent = data(server.post("/api/v1/emails/send", TOKEN, sendBody(null)), 202);
        long id = sent.get("id").asLong();
        error(server.get("/api/v1/emails/" + id, TestServer.OTHER_ACCOUNT_TOKEN), 404, "not_found", null);
        error(server.delete("/api/v1/emails/" + id, TestServer.OTHER_ACCOUNT_TOKEN), 404, "not_found", null);
        assertThat(data(server.get("/api/v1/emails", TestServer.OTHER_ACCOUNT_TOKEN), 200)).isEmpty();
        // Same account, other user: messages are the account's.
        data(server.get("/api/v1/emails/" + id, TestServer.OTHER_USER_TOKEN), 200);
    }
}
