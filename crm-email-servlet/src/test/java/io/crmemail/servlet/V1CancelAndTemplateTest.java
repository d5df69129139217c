package io.crmemail.servlet;

import static io.crmemail.servlet.TestServer.TOKEN;
import static io.crmemail.servlet.V1Support.awaitEmail;
import static io.crmemail.servlet.V1Support.data;
import static io.crmemail.servlet.V1Support.error;
import static io.crmemail.servlet.V1Support.sendBody;
import static io.crmemail.servlet.V1Support.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** {@code DELETE /api/v1/emails/{id}} (also racing the workers) and {@code /api/v1/templates}. */
class V1CancelAndTemplateTest extends LiveServerTest {

    @Test
    void aScheduledMessageIsCancelledAndNeverSent() throws Exception {
        String at = Instant.now().plusSeconds(2).toString();
        JsonNode sent = data(server.post("/api/v1/emails/send", TOKEN, sendBody("\"scheduled_at\":\"" + at + "\"")), 202);
        assertThat(sent.get("status").asText()).isEqualTo("scheduled");
        assertThat(sent.get("scheduled_at").asText()).isNotBlank();
        long id = sent.get("id").asLong();
        JsonNode cancelled = data(server.delete("/api/v1/emails/" + id, TOKEN), 200);
        assertThat(cancelled.get("status").asText()).isEqualTo("cancelled");
        assertThat(cancelled.get("unified_status").asText()).isEqualTo("cancelled");
        assertThat(cancelled.get("cancelled_at").asText()).isNotBlank();
        Thread.sleep(3000);
        assertThat(greenMail.getReceivedMessages()).isEmpty();
        assertThat(data(server.get("/api/v1/emails/" + id + "/events", TOKEN), 200))
                .extracting(e -> e.get("type").asText()).contains("cancelled").doesNotContain("sent");
        // DELETE is idempotent: cancelling it again answers the same
        assertThat(data(server.delete("/api/v1/emails/" + id, TOKEN), 200).get("status").asText()).isEqualTo("cancelled");
    }

    @Test
    void aSentMessageCannotBeCancelled() throws Exception {
        long id = data(server.post("/api/v1/emails/send", TOKEN, sendBody(null)), 202).get("id").asLong();
        awaitEmail(server, id, status("sent"));
        error(server.delete("/api/v1/emails/" + id, TOKEN), 409, "conflict", null);
    }

    /**
     * Cancels race the two workers: every cancel that answered 200 must never reach the SMTP server, and every
     * message whose cancel answered 409 must end sent. Nothing is both, nothing is lost.
     */
    @Test
    void cancelRacingTheWorkersNeverSendsACancelledMessage() throws Exception {
        int n = 60;
        Map<Long, String> messageIds = new HashMap<>();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long id = data(server.post("/api/v1/emails/send", TOKEN, sendBody(null)), 202).get("id").asLong();
            ids.add(id);
            messageIds.put(id, server.service.get(io.crmemail.core.testsupport.TestWorld.CALLER, id).metadata().messageId());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        Map<Long, Future<HttpResponse<String>>> cancels = new HashMap<>();
        try {
            for (long id : ids) {
                cancels.put(id, pool.submit(() -> server.delete("/api/v1/emails/" + id, TOKEN)));
            }
            Set<Long> cancelled = new HashSet<>();
            Set<Long> refused = new HashSet<>();
            for (long id : ids) {
                HttpResponse<String> answer = cancels.get(id).get();
                if (answer.statusCode() == 200) {
                    cancelled.add(id);
                } else {
                    error(answer, 409, "conflict", null);
                    refused.add(id);
                }
            }
            for (long id : refused) {
                awaitEmail(server, id, status("sent"));
            }
            Thread.sleep(500);
            Set<String> arrived = new HashSet<>();
            for (MimeMessage mime : greenMail.getReceivedMessages()) {
                arrived.add(mime.getMessageID());
            }
            for (long id : cancelled) {
                assertThat(arrived).as("cancelled message %d arrived", id).doesNotContain(messageIds.get(id));
                assertThat(data(server.get("/api/v1/emails/" + id, TOKEN), 200).get("status").asText())
                        .isEqualTo("cancelled");
            }
            for (long id : refused) {
                assertThat(arrived).contains(messageIds.get(id));
            }
            assertThat(cancelled.size() + refused.size()).isEqualTo(n);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void templatesCrudAndSendingFromOneWithARecord() throws Exception {
        HttpResponse<String> created = server.post("/api/v1/templates", TOKEN,
                "{\"name\":\"welcome\",\"subject\":\"Welcome {{field:title}}\","
                        + "\"html\":\"<p>Hi {{field:title}}, your code is {{code}}</p>\",\"text\":\"code {{code}}\"}");
        JsonNode template = data(created, 201);
        long id = template.get("id").asLong();
        assertThat(template.get("name").asText()).isEqualTo("welcome");
        assertThat(template.get("created_at").asText()).isNotBlank();
        error(server.post("/api/v1/templates", TOKEN, "{\"name\":\"welcome\",\"html\":\"x\"}"), 409, "conflict", "name");
        error(server.post("/api/v1/templates", TOKEN, "{\"name\":\"empty\"}"), 400, "validation_error", null);
        error(server.post("/api/v1/templates", TOKEN, "{\"html\":\"x\"}"), 400, "validation_error", "name");

        assertThat(data(server.get("/api/v1/templates", TOKEN), 200)).extracting(t -> t.get("id").asLong())
                .containsExactly(id);
        assertThat(data(server.get("/api/v1/templates/" + id, TOKEN), 200).get("subject").asText())
                .isEqualTo("Welcome {{field:title}}");
        error(server.get("/api/v1/templates/" + id, TestServer.OTHER_ACCOUNT_TOKEN), 404, "not_found", null);

        JsonNode sent = data(server.post("/api/v1/emails/send", TOKEN, "{\"from\":\"sales@acme.com\","
                + "\"to\":\"jane@example.org\",\"template_id\":" + id + ",\"variables\":{\"code\":\"A-7\"},"
                + "\"record\":{\"table_id\":123,\"record_id\":456}}"), 202);
        awaitEmail(server, sent.get("id").asLong(), status("sent"));
        assertThat(greenMail.waitForIncomingEmail(5000, 1)).isTrue();
        MimeMessage mime = greenMail.getReceivedMessages()[0];
        assertThat(mime.getSubject()).isEqualTo("Welcome Jane Doe");
        assertThat(V1Support.text(mime)).contains("Hi Jane Doe, your code is A-7")
                .contains("code A-7");

        JsonNode updated = data(server.put("/api/v1/templates/" + id, TOKEN,
                "{\"name\":\"welcome-2\",\"subject\":\"S\",\"html\":\"<p>new</p>\"}"), 200);
        assertThat(updated.get("name").asText()).isEqualTo("welcome-2");
        assertThat(data(server.delete("/api/v1/templates/" + id, TOKEN), 200).get("deleted").asBoolean()).isTrue();
        error(server.get("/api/v1/templates/" + id, TOKEN), 404, "not_found", null);
        error(server.post("/api/v1/emails/send", TOKEN, "{\"from\":\"sales@acme.com\",\"to\":\"jane@example.org\","
                + "\"template_id\":" + id + "}"), 400, "validation_error", "template_id");
    }
}
