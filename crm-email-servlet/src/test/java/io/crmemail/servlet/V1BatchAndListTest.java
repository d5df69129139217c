package io.crmemail.servlet;

import static io.crmemail.servlet.TestServer.TOKEN;
import static io.crmemail.servlet.TestServer.json;
import static io.crmemail.servlet.V1Support.data;
import static io.crmemail.servlet.V1Support.error;
import static io.crmemail.servlet.V1Support.sendBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/emails/batch} and {@code GET /api/v1/emails} with filters and cursors. */
class V1BatchAndListTest extends LiveServerTest {

    @Test
    void aBadEntryIsReportedInItsPlaceAndTheOthersGo() {
        HttpResponse<String> response = server.post("/api/v1/emails/batch", TOKEN, "{\"messages\":["
                + sendBody("\"to\":\"alice@example.org\"").replace("\"to\":\"jane@example.org\",", "") + ","
                + "{\"from\":\"sales@acme.com\",\"to\":\"not an address\",\"html\":\"x\"},"
                + "{\"from\":\"sales@acme.com\",\"to\":\"bob@example.org\",\"html\":\"x\",\"nope\":1},"
                + sendBody("\"to\":\"carol@example.org\"").replace("\"to\":\"jane@example.org\",", "") + "]}");
        JsonNode body = json(response);
        JsonNode entries = data(response, 202);
        assertThat(entries).hasSize(4);
        assertThat(entries.get(0).get("status").asText()).isEqualTo("queued");
        assertThat(entries.get(0).get("to").get(0).asText()).isEqualTo("alice@example.org");
        assertThat(entries.get(0).get("index").asInt()).isZero();
        assertThat(entries.get(1).get("error").get("code").asText()).isEqualTo("validation_error");
        assertThat(entries.get(1).get("error").get("field").asText()).isEqualTo("to[0]");
        assertThat(entries.get(1).has("id")).isFalse();
        assertThat(entries.get(2).get("error").get("field").asText()).isEqualTo("nope");
        assertThat(entries.get(3).get("id").asLong()).isPositive();
        assertThat(body.get("meta").get("total").asInt()).isEqualTo(4);
        assertThat(body.get("meta").get("accepted").asInt()).isEqualTo(2);
        assertThat(body.get("meta").get("failed").asInt()).isEqualTo(2);
        assertThat(greenMail.waitForIncomingEmail(5000, 2)).isTrue();
    }

    @Test
    void oneTemplateManyRecipientsWithTheirOwnVariables() throws Exception {
        JsonNode template = data(server.post("/api/v1/templates", TOKEN,
                "{\"name\":\"hello\",\"subject\":\"Hi {{name}}\",\"html\":\"<p>Dear {{name}}, code {{code}}</p>\"}"), 201);
        HttpResponse<String> response = server.post("/api/v1/emails/batch", TOKEN, "{\"template_id\":"
                + template.get("id").asLong() + ",\"from\":\"sales@acme.com\",\"variables\":{\"code\":\"X1\"},"
                + "\"recipients\":[{\"to\":\"ann@example.org\",\"variables\":{\"name\":\"Ann <b>\"}},"
                + "{\"to\":\"ben@example.org\",\"variables\":{\"name\":\"Ben\",\"code\":\"Y2\"}},"
                + "{\"to\":\"cy@example.org\"}]}");
        JsonNode entries = data(response, 202);
        assertThat(entries.get(0).get("status").asText()).isEqualTo("queued");
        assertThat(entries.get(1).get("status").asText()).isEqualTo("queued");
        // cy has no name: the template cannot be rendered for that entry alone
        assertThat(entries.get(2).get("error").get("field").asText()).isEqualTo("variables.name");
        assertThat(greenMail.waitForIncomingEmail(5000, 2)).isTrue();
        List<String> subjects = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        for (var mime : greenMail.getReceivedMessages()) {
            subjects.add(mime.getSubject());
            bodies.add(V1Support.text(mime));
        }
        assertThat(subjects).containsExactlyInAnyOrder("Hi Ann <b>", "Hi Ben");
        assertThat(String.join("\n", bodies)).contains("Ann &lt;b&gt;").contains("X1").contains("Y2");
    }

    @Test
    void batchLimits() {
        StringJoiner many = new StringJoiner(",", "{\"messages\":[", "]}");
        for (int i = 0; i < 501; i++) {
            many.add(sendBody(null));
        }
        error(server.post("/api/v1/emails/batch", TOKEN, many.toString()), 400, "validation_error", "messages");
        error(server.post("/api/v1/emails/batch", TOKEN, "{}"), 400, "validation_error", "messages");
        error(server.post("/api/v1/emails/batch", TOKEN, "{\"messages\":[]}"), 400, "validation_error", "messages");
        // every entry refused by the HTTP layer: each still gets its own answer
        JsonNode refused = data(server.post("/api/v1/emails/batch", TOKEN, "{\"messages\":[" + sendBody("\"wait\":true")
                + "," + sendBody("\"is_internal\":true") + "]}"), 202);
        assertThat(refused).extracting(e -> e.get("error").get("field").asText()).containsExactly("wait", "is_internal");
    }

    @Test
    void listFiltersAndPagesWithACursor() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String extra = "\"tags\":[\"" + (i % 2 == 0 ? "even" : "odd") + "\"],\"to\":\"p" + i + "@example.org\"";
            ids.add(data(server.post("/api/v1/emails/send", TOKEN,
                    sendBody(extra).replace("\"to\":\"jane@example.org\",", "")), 202).get("id").asLong());
        }
        String scheduled = Instant.now().plusSeconds(3600).toString();
        long later = data(server.post("/api/v1/emails/send", TOKEN, sendBody("\"scheduled_at\":\"" + scheduled + "\"")),
                202).get("id").asLong();

        HttpResponse<String> first = server.get("/api/v1/emails?limit=2", TOKEN);
        JsonNode page = data(first, 200);
        assertThat(page).extracting(e -> e.get("id").asLong()).containsExactly(later, ids.get(4));
        String cursor = json(first).get("meta").get("next_cursor").asText();
        JsonNode second = data(server.get("/api/v1/emails?limit=2&cursor=" + cursor, TOKEN), 200);
        assertThat(second).extracting(e -> e.get("id").asLong()).containsExactly(ids.get(3), ids.get(2));
        HttpResponse<String> last = server.get("/api/v1/emails?limit=10&cursor=" + ids.get(1), TOKEN);
        assertThat(data(last, 200)).extracting(e -> e.get("id").asLong()).containsExactly(ids.get(0));
        assertThat(json(last).get("meta").get("next_cursor").isNull()).isTrue();

        assertThat(data(server.get("/api/v1/emails?tag=odd", TOKEN), 200))
                .extracting(e -> e.get("id").asLong()).containsExactly(ids.get(3), ids.get(1));
        assertThat(data(server.get("/api/v1/emails?to=P2@example.org", TOKEN), 200))
                .extracting(e -> e.get("id").asLong()).containsExactly(ids.get(2));
        assertThat(data(server.get("/api/v1/emails?status=scheduled", TOKEN), 200))
                .extracting(e -> e.get("id").asLong()).containsExactly(later);
        assertThat(data(server.get("/api/v1/emails?created_after=2000-01-01T00:00:00Z&created_before="
                + Instant.now().plusSeconds(60) + "&direction=outbound", TOKEN), 200)).hasSize(6);
        assertThat(data(server.get("/api/v1/emails?sent_before=2000-01-01T00:00:00Z", TOKEN), 200)).isEmpty();

        error(server.get("/api/v1/emails?limit=101", TOKEN), 400, "validation_error", "limit");
        error(server.get("/api/v1/emails?status=lost", TOKEN), 400, "validation_error", "status");
        error(server.get("/api/v1/emails?cursor=x", TOKEN), 400, "validation_error", "cursor");
        error(server.get("/api/v1/emails?table_id=1", TOKEN), 400, "validation_error", "record_id");
        error(server.get("/api/v1/emails?created_after=yesterday", TOKEN), 400, "validation_error", "created_after");
        error(server.get("/api/v1/emails?colour=red", TOKEN), 400, "validation_error", "colour");
    }
}
