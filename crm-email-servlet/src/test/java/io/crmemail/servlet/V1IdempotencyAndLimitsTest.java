package io.crmemail.servlet;

import static io.crmemail.servlet.TestServer.TOKEN;
import static io.crmemail.servlet.V1Support.data;
import static io.crmemail.servlet.V1Support.error;
import static io.crmemail.servlet.V1Support.sendBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.crmemail.core.SendLimits;
import io.crmemail.core.store.MessageQuery;
import io.crmemail.core.testsupport.TestWorld;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code Idempotency-Key} on v1 POSTs, and the per-account send caps with their headers. */
class V1IdempotencyAndLimitsTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path temp;

    TestServer server;

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private long messages() {
        return server.service.list(TestWorld.CALLER, MessageQuery.latest(100)).size();
    }

    @Test
    void theSameKeyAndPayloadReplaysTheFirstAnswer() {
        server = TestServer.start(temp, greenMail.getSmtp().getPort());
        HttpResponse<String> first = server.post("/api/v1/emails/send", TOKEN, sendBody(null),
                "Idempotency-Key", "key-1");
        JsonNode sent = data(first, 202);
        HttpResponse<String> again = server.post("/api/v1/emails/send", TOKEN, sendBody(null),
                "Idempotency-Key", "key-1");
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(messages()).isEqualTo(1);

        error(server.post("/api/v1/emails/send", TOKEN, sendBody("\"subject\":\"other\"").replace(
                "\"subject\":\"Hello\",", ""), "Idempotency-Key", "key-1"), 409, "idempotency_conflict",
                "Idempotency-Key");
        // the same key on another endpoint is another request
        error(server.post("/api/v1/emails/batch", TOKEN, "{\"messages\":[" + sendBody(null) + "]}",
                "Idempotency-Key", "key-1"), 409, "idempotency_conflict", null);
        // another key is another message
        assertThat(data(server.post("/api/v1/emails/send", TOKEN, sendBody(null), "Idempotency-Key", "key-2"), 202)
                .get("id").asLong()).isNotEqualTo(sent.get("id").asLong());
        // a validation failure is an answer too, and replays as one
        HttpResponse<String> bad = server.post("/api/v1/emails/send", TOKEN, "{\"to\":\"x\"}", "Idempotency-Key", "k3");
        error(bad, 400, "validation_error", null);
        assertThat(server.post("/api/v1/emails/send", TOKEN, "{\"to\":\"x\"}", "Idempotency-Key", "k3").body())
                .isEqualTo(bad.body());
        // another account's same key is its own
        assertThat(server.post("/api/v1/emails/send", TestServer.OTHER_ACCOUNT_TOKEN, sendBody(null),
                "Idempotency-Key", "key-1").statusCode()).isNotEqualTo(409);

        error(server.post("/api/v1/emails/send", TOKEN, sendBody(null), "Idempotency-Key", "k".repeat(257)),
                400, "validation_error", "Idempotency-Key");
        assertThat(server.post("/api/v1/emails/send", TOKEN, sendBody(null), "Idempotency-Key", "k".repeat(256))
                .statusCode()).isEqualTo(202);
    }

    @Test
    void concurrentIdenticalRequestsMakeExactlyOneMessage() throws Exception {
        server = TestServer.start(temp, greenMail.getSmtp().getPort());
        int clients = 8;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return server.post("/api/v1/emails/send", TOKEN, sendBody(null), "Idempotency-Key", "race");
                }));
            }
            start.countDown();
            Set<Long> ids = new java.util.HashSet<>();
            int accepted = 0;
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get();
                if (response.statusCode() == 202) {
                    accepted++;
                    ids.add(TestServer.json(response).get("data").get("id").asLong());
                } else {
                    error(response, 409, "idempotency_conflict", "Idempotency-Key");
                }
            }
            assertThat(accepted).isGreaterThanOrEqualTo(1);
            assertThat(ids).hasSize(1);
            assertThat(messages()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theDailyCapAnswers429WithRetryAfterAndHeaders() {
        server = TestServer.start(temp, greenMail.getSmtp().getPort(), b -> { }, store -> store,
                b -> b.sendLimits(new SendLimits(100, 3)));
        HttpResponse<String> first = server.post("/api/v1/emails/send", TOKEN, sendBody(null));
        data(first, 202);
        assertThat(first.headers().firstValue("X-RateLimit-Limit")).contains("3");
        assertThat(first.headers().firstValue("X-RateLimit-Remaining")).contains("2");
        long reset = Long.parseLong(first.headers().firstValue("X-RateLimit-Reset").orElseThrow());
        assertThat(reset).isGreaterThan(System.currentTimeMillis() / 1000);
        data(server.post("/api/v1/emails/send", TOKEN, sendBody(null)), 202);
        data(server.post("/api/v1/emails/send", TOKEN, sendBody(null)), 202);
        HttpResponse<String> over = server.post("/api/v1/emails/send", TOKEN, sendBody(null));
        error(over, 429, "rate_limited", null);
        assertThat(Long.parseLong(over.headers().firstValue("Retry-After").orElseThrow())).isPositive();
        assertThat(over.headers().firstValue("X-RateLimit-Remaining")).contains("0");
        // reads still work and carry the headers
        HttpResponse<String> list = server.get("/api/v1/emails", TOKEN);
        data(list, 200);
        assertThat(list.headers().firstValue("X-RateLimit-Remaining")).contains("0");
        // a batch that does not fit is refused whole
        error(server.post("/api/v1/emails/batch", TOKEN, "{\"messages\":[" + sendBody(null) + "]}"), 429,
                "rate_limited", null);
        assertThat(messages()).isEqualTo(3);
        // a 429 is not saved under an idempotency key: the retry runs again (and is refused again, today)
        error(server.post("/api/v1/emails/send", TOKEN, sendBody(null), "Idempotency-Key", "later"), 429,
                "rate_limited", null);
        error(server.post("/api/v1/emails/send", TOKEN, sendBody(null), "Idempotency-Key", "later"), 429,
                "rate_limited", null);
    }

    @Test
    void thePerSecondCapAnswers429() {
        server = TestServer.start(temp, greenMail.getSmtp().getPort(), b -> { }, store -> store,
                b -> b.sendLimits(new SendLimits(2, 1000)));
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            statuses.add(server.post("/api/v1/emails/send", TOKEN, sendBody(null)).statusCode());
        }
        // Twenty quick sends cannot all fit in the two per second a node allows (that would take ten seconds).
        assertThat(statuses).contains(429);
        assertThat(statuses.stream().filter(s -> s == 202).collect(Collectors.toList())).isNotEmpty();
    }
}
