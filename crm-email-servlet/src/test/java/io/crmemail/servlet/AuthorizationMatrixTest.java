package io.crmemail.servlet;

import static io.crmemail.servlet.TestServer.OTHER_USER_TOKEN;
import static io.crmemail.servlet.TestServer.READ_ONLY_TOKEN;
import static io.crmemail.servlet.TestServer.TOKEN;
import static io.crmemail.servlet.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.crmemail.core.signature.SignatureRequest;
import io.crmemail.core.testsupport.TestWorld;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every endpoint × every kind of caller: none, a bad token, a user without write access to the table,
 * another user (who does not own the signature), and the owner.
 */
class AuthorizationMatrixTest {

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

    /** A caller, and the code expected for an endpoint's "denied" outcomes. */
    enum Who {
        NONE(null), BAD_TOKEN("no-such-token"), READ_ONLY(READ_ONLY_TOKEN), OTHER_USER(OTHER_USER_TOKEN), OWNER(TOKEN);

        final String token;

        Who(String token) {
            this.token = token;
        }
    }

    /**
     * One endpoint: how to call it (given a fresh signature id of the owner) and what each caller gets.
     *
     * @param table  whether write access to the table is checked (403 for READ_ONLY)
     * @param owned  whether it acts on the owner's signature (404 for anyone else)
     * @param open   public: the same answer for everyone
     */
    record Endpoint(String name, Function<Long, HttpRequest.Builder> request, int ok, boolean table, boolean owned,
                    boolean open) {

        int expected(Who who) {
            if (open) {
                return ok;
            }
            return switch (who) {
                case NONE, BAD_TOKEN -> 401;
                case READ_ONLY -> table ? 403 : owned ? 404 : ok;
                case OTHER_USER -> owned ? 404 : ok;
                case OWNER -> ok;
            };
        }
    }

    static Endpoint jsonPost(String name, String path, String body, int ok, boolean table, boolean owned) {
        return new Endpoint(name, sig -> server.request(path.replace("{sig}", Long.toString(sig)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)),
                ok, table, owned, false);
    }

    static List<Endpoint> endpoints() {
        String comments = TestServer.commentsPath(TestWorld.TABLE, TestWorld.RECORD);
        String signature = "{\"name\":\"Work\",\"html\":\"<p>Alice</p>\",\"is_default\":false}";
        return List.of(
                jsonPost("send", "/api/email/send", server.sendBody(), 202, true, false),
                jsonPost("recordContext", "/api/email/recordContext", "{\"tableId\":123,\"recordId\":456}", 200, true,
                        false),
                jsonPost("smtpOptions", "/api/email/smtpOptions", "{}", 200, false, false),
                jsonPost("signatures/list", "/api/email/signatures/list", "{}", 200, false, false),
                jsonPost("signatures/create", "/api/email/signatures/create", signature, 200, false, false),
                jsonPost("signature/update", "/api/email/signature/{sig}/update", signature, 200, false, true),
                jsonPost("signature/delete", "/api/email/signature/{sig}/delete", "{}", 200, false, true),
                new Endpoint("comments GET", sig -> server.request(comments).GET(), 200, true, false, false),
                jsonPost("comments POST", comments, "{}", 200, true, false),
                new Endpoint("pixel", sig -> server.request("/email/pixel/0123456789abcdef.png").GET(), 200, false,
                        false, true),
                new Endpoint("webhook", sig -> server.request("/webhooks/email_receive")
                        .header("Content-Type", "text/raw")
                        .POST(HttpRequest.BodyPublishers.ofString("From: a@b.example\r\nTo: x@y.example\r\n\r\nhi\r\n")),
                        200, false, false, true));
    }

    @TestFactory
    Stream<DynamicTest> everyEndpointForEveryCaller() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Endpoint endpoint : endpoints()) {
            for (Who who : Who.values()) {
                int expected = endpoint.expected(who);
                tests.add(DynamicTest.dynamicTest(endpoint.name() + " as " + who + " → " + expected, () -> {
                    long signature = server.service.createSignature(TestWorld.CALLER,
                            new SignatureRequest("Mine", "<p>Bob</p>", false)).id();
                    HttpResponse<String> response = server.send(
                            TestServer.authorized(endpoint.request().apply(signature), who.token).build());
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
                    assertThat(response.headers().firstValue("X-Request-ID")).isPresent();
                    if (expected >= 400) {
                        assertThat(json(response).get("error").get("code").asText()).isEqualTo(switch (expected) {
                            case 401 -> who == Who.NONE ? "unauthorized" : "invalid_key";
                            case 403 -> "insufficient_permissions";
                            default -> "not_found";
                        });
                    }
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> anotherUsersSignaturesAreInvisible() {
        return Stream.of(OTHER_USER_TOKEN, READ_ONLY_TOKEN).map(token -> DynamicTest.dynamicTest(token, () -> {
            long mine = server.service.createSignature(TestWorld.CALLER,
                    new SignatureRequest("Only mine", "<p>Bob</p>", false)).id();
            HttpResponse<String> list = server.post("/api/email/signatures/list", token, "{}");
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(json(list).findValues("id")).noneMatch(id -> id.asLong() == mine);
            HttpResponse<String> update = server.post("/api/email/signature/" + mine + "/update", token,
                    "{\"name\":\"Stolen\",\"html\":\"\",\"is_default\":true}");
            assertThat(update.statusCode()).isEqualTo(404);
            assertThat(server.service.signatures(TestWorld.CALLER)).anyMatch(s -> s.id() == mine
                    && s.name().equals("Only mine"));
        }));
    }
}
