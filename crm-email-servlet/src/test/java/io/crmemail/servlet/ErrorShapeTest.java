package io.crmemail.servlet;

import static io.crmemail.servlet.TestServer.TOKEN;
import static io.crmemail.servlet.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmemail.core.testsupport.TestWorld;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Errors are JSON with a stable code, the right status, the field when known, and never internals. */
class ErrorShapeTest {

    static final int LIMIT = 16 * 1024;

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withPerMethodLifecycle(false);

    @TempDir
    static Path temp;

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(temp, greenMail.getSmtp().getPort(),
                b -> b.maxBodyBytes(LIMIT).maxWebhookBytes(LIMIT));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static JsonNode error(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(response.headers().firstValue("X-Request-ID")).isPresent();
        JsonNode error = json(response).get("error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        return error;
    }

    @Test
    void jsonEndpointsNeedJsonContentType() {
        HttpResponse<String> response = server.send(TestServer.authorized(server.request("/api/email/send")
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(server.sendBody())),
                TOKEN).build());
        error(response, 415, "unsupported_media_type");
    }

    @Test
    void aCharsetParameterIsFine() {
        HttpResponse<String> response = server.send(TestServer.authorized(server.request("/api/email/recordContext")
                .header("Content-Type", "Application/JSON; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tableId\":123,\"recordId\":456}")), TOKEN).build());
        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void bodyOverTheLimitByContentLength() {
        String big = "{\"subject\":\"" + "x".repeat(LIMIT) + "\"}";
        HttpResponse<String> response = server.post("/api/email/send", TOKEN, big);
        error(response, 413, "payload_too_large");
        // the rest of the body is not read, so the connection must not be reused
        assertThat(response.headers().firstValue("Connection")).hasValue("close");
    }

    @Test
    void bodyOverTheLimitWhileStreamingWithoutContentLength() {
        byte[] big = ("{\"subject\":\"" + "x".repeat(LIMIT) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = server.send(TestServer.authorized(server.request("/api/email/send")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))), TOKEN).build());
        error(response, 413, "payload_too_large");
    }

    @Test
    void webhookOverItsLimitByContentLengthAndWhileStreaming() {
        String big = "From: a@b.example\r\n\r\n" + "x".repeat(LIMIT);
        error(server.send(server.request("/webhooks/email_receive").header("Content-Type", "message/rfc822")
                .POST(HttpRequest.BodyPublishers.ofString(big)).build()), 413, "payload_too_large");
        byte[] bytes = big.getBytes(StandardCharsets.UTF_8);
        error(server.send(server.request("/webhooks/email_receive").header("Content-Type", "text/raw")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))).build()),
                413, "payload_too_large");
    }

    @Test
    void malformedJson() {
        JsonNode error = error(server.post("/api/email/send", TOKEN, "{\"tableId\": 123,"), 400, "validation_error");
        assertThat(error.get("message").asText()).startsWith("malformed JSON");
    }

    @Test
    void trailingContentAfterTheObjectIsMalformedAndNothingIsQueued() {
        int before = server.world.store.listForRecord(TestWorld.ACCOUNT,
                new io.crmemail.core.message.RecordRef(TestWorld.TABLE, TestWorld.RECORD)).size();
        String valid = "{\"tableId\":123,\"recordId\":456,\"smtpIntegrationId\":" + server.world.integration.id()
                + ",\"fromIdentity\":{\"name\":\"Sales\",\"email\":\"sales@acme.com\"},\"to\":[\"lead@example.org\"],"
                + "\"subject\":\"s\",\"body\":\"b\"}";
        error(server.post("/api/email/send", TOKEN, valid + " garbage"), 400, "validation_error");
        error(server.post("/api/email/send", TOKEN, valid + " {}"), 400, "validation_error");
        assertThat(server.world.store.listForRecord(TestWorld.ACCOUNT,
                new io.crmemail.core.message.RecordRef(TestWorld.TABLE, TestWorld.RECORD))).hasSize(before);
    }

    @Test
    void aBodyThatIsNotAnObject() {
        error(server.post("/api/email/recordContext", TOKEN, "[1,2]"), 400, "validation_error");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/api/email/recordContext | {\"tableId\":\"abc\",\"recordId\":456}         | tableId",
            "/api/email/recordContext | {\"tableId\":123,\"recordId\":99999999999999999999} | recordId",
            "/api/email/send          | {\"tableId\":123,\"to\":\"lead@example.org\"}  | to",
            "/api/email/send          | {\"tableId\":123,\"to\":[[1]]}                 | to[0]",
            "/api/email/send          | {\"tableId\":123,\"fromIdentity\":{\"name\":\"S\"}} | fromIdentity.email",
            "/api/email/send          | {\"tableId\":123,\"attachments\":[{\"size\":\"big\"}]} | attachments[0].size",
            "/api/email/signatures/create | {\"name\":\"x\",\"is_default\":\"maybe\"}     | is_default",
    })
    void wrongTypesNameTheField(String path, String body, String field) {
        JsonNode error = error(server.post(path, TOKEN, body), 400, "validation_error");
        assertThat(error.get("field").asText()).isEqualTo(field);
        assertThat(error.get("message").asText()).doesNotContain("java.");
    }

    @Test
    void coreValidationNamesTheField() {
        String body = server.sendBody().replace("sales@acme.com", "sales@evil.example");
        JsonNode error = error(server.post("/api/email/send", TOKEN, body), 400, "validation_error");
        assertThat(error.get("field").asText()).isEqualTo("fromIdentity.email");
    }

    @Test
    void anEmptyBodyIsReportedAsTheMissingFields() {
        JsonNode error = error(server.post("/api/email/recordContext", TOKEN, ""), 400, "validation_error");
        assertThat(error.get("field").asText()).isEqualTo("tableId");
    }

    @Test
    void unknownRecordIsNotFoundNamingTheField() {
        JsonNode error = error(server.post("/api/email/recordContext", TOKEN, "{\"tableId\":123,\"recordId\":1}"),
                404, "not_found");
        assertThat(error.get("field").asText()).isEqualTo("recordId");
    }

    @ParameterizedTest
    @CsvSource({
            "POST, /api/email/nope",
            "POST, /api/email/send/",
            "POST, /api/email/signature/abc/update",
            "GET, /api/table/abc/record/456/comments/get",
            "GET, /api/table/123/record/456/comments",
    })
    void unknownRoutes(String method, String path) {
        HttpResponse<String> response = server.send(TestServer.authorized(server.request(path)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString("{}")), TOKEN).build());
        error(response, 404, "not_found");
    }

    @ParameterizedTest
    @CsvSource({
            "GET, /api/email/send, POST",
            "PUT, /api/email/signatures/list, POST",
            "DELETE, /api/table/123/record/456/comments/get, 'GET, POST'",
            "POST, /email/pixel/abc.png, GET",
            "GET, /webhooks/email_receive, POST",
    })
    void wrongMethod(String method, String path, String allow) {
        HttpResponse<String> response = server.send(TestServer.authorized(server.request(path)
                .method(method, HttpRequest.BodyPublishers.noBody()), TOKEN).build());
        error(response, 405, "method_not_allowed");
        assertThat(response.headers().firstValue("Allow")).hasValue(allow);
    }

    @Test
    void anUnexpectedFailureIsAGeneric500() {
        JsonNode error = error(server.post("/api/email/recordContext", TOKEN,
                "{\"tableId\":" + TestServer.BROKEN_TABLE + ",\"recordId\":1}"), 500, "internal_error");
        assertThat(error.get("message").asText()).doesNotContain("secret-detail");
    }

    @Test
    void unauthorizedCarriesAChallenge() {
        HttpResponse<String> response = server.post("/api/email/smtpOptions", null, "{}");
        error(response, 401, "unauthorized");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    }

    @ParameterizedTest
    @CsvSource({
            "Basic dXNlcjpwYXNz, 401, unauthorized",
            "Bearer, 401, invalid_key",
            "'Bearer   ', 401, invalid_key",
            "Bearertoken-42, 401, invalid_key",
            "bearer token-42, 200, ",
            "BEARER  token-42 , 200, ",
    })
    void authorizationHeaderForms(String header, int status, String code) {
        HttpResponse<String> response = server.send(server.request("/api/email/smtpOptions")
                .header("Authorization", header).POST(HttpRequest.BodyPublishers.noBody()).build());
        if (code == null) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        } else {
            error(response, status, code);
        }
    }

    @Test
    void requestIdIsEchoedWhenSane() {
        HttpResponse<String> response = server.send(server.request("/api/email/smtpOptions")
                .header("X-Request-ID", "abc.DEF_123-x").POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("X-Request-ID")).hasValue("abc.DEF_123-x");
    }

    @ParameterizedTest
    @CsvSource({"a/b", "has space", "'x,y'"})
    void requestIdIsReplacedWhenNotSane(String given) {
        HttpResponse<byte[]> response = server.sendForBytes(server.request("/email/pixel/x.png")
                .header("X-Request-ID", given).GET().build());
        String id = response.headers().firstValue("X-Request-ID").orElseThrow();
        assertThat(id).isNotEqualTo(given).matches("[A-Za-z0-9._-]{1,128}");
    }

    @Test
    void requestIdIsReplacedWhenTooLong() {
        String tooLong = "a".repeat(129);
        HttpResponse<String> response = server.send(server.request("/webhooks/email_receive")
                .header("X-Request-ID", tooLong).header("Content-Type", "text/raw")
                .POST(HttpRequest.BodyPublishers.ofString("x")).build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Request-ID").orElseThrow()).isNotEqualTo(tooLong);
        assertThat(server.sendForBytes(server.request("/email/pixel/x.png").header("X-Request-ID", "a".repeat(128))
                .GET().build()).headers().firstValue("X-Request-ID")).hasValue("a".repeat(128));
    }
}
