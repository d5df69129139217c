package io.crmemail.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;

/** Small helpers shared by the v1 HTTP tests. */
final class V1Support {

    private V1Support() {
    }

    /** A minimal valid v1 send body; {@code extra} is spliced in as more JSON members. */
    static String sendBody(String extra) {
        return "{\"from\":\"Sales <sales@acme.com>\",\"to\":\"jane@example.org\",\"subject\":\"Hello\","
                + "\"html\":\"<p>Hi Jane</p>\"" + (extra == null || extra.isBlank() ? "" : "," + extra) + "}";
    }

    /** The envelope's data after asserting the status and {@code success}. */
    static JsonNode data(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = TestServer.json(response);
        assertThat(body.get("success").asBoolean()).as(response.body()).isTrue();
        assertThat(response.headers().firstValue("X-Request-ID")).isPresent();
        return body.get("data");
    }

    /** The envelope's error after asserting status, code and (when given) field. */
    static JsonNode error(HttpResponse<String> response, int status, String code, String field) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = TestServer.json(response);
        assertThat(body.get("success").asBoolean()).isFalse();
        assertThat(body.has("data")).isFalse();
        JsonNode error = body.get("error");
        assertThat(error.get("code").asText()).as(response.body()).isEqualTo(code);
        if (field != null) {
            assertThat(error.get("field").asText()).as(response.body()).isEqualTo(field);
        }
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(response.headers().firstValue("X-Request-ID")).isPresent();
        return error;
    }

    /** Polls {@code GET /api/v1/emails/{id}} until the predicate holds (10 s at most). */
    static JsonNode awaitEmail(TestServer server, long id, Predicate<JsonNode> until) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            last = data(server.get("/api/v1/emails/" + id, TestServer.TOKEN), 200);
            if (until.test(last)) {
                return last;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("email " + id + " never got there; last seen " + last);
    }

    /** Every text part of a message, decoded (quoted-printable and base64 undone), one after the other. */
    static String text(jakarta.mail.Part part) throws Exception {
        if (part.isMimeType("text/*")) {
            return part.getContent().toString();
        }
        StringBuilder out = new StringBuilder();
        if (part.getContent() instanceof jakarta.mail.Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                out.append(text(multipart.getBodyPart(i))).append('\n');
            }
        }
        return out.toString();
    }

    static Predicate<JsonNode> status(String wire) {
        return email -> email.get("status").asText().equals(wire);
    }
}
