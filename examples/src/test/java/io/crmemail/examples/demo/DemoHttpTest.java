package io.crmemail.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMailUtil;
import io.crmemail.core.json.EmailJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.CookieManager;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's own endpoints over real HTTP: sign-in, upload, records and the dev mailbox API. */
class DemoHttpTest {

    private static final String ALICE = "alice-secret";
    private static final String BOB = "bob-secret";   // may write table 1 only

    @TempDir
    static Path temp;

    private static DemoServer demo;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        demo = DemoServer.start(DemoOptions.defaults().withDataDir(temp.resolve("data"))
                .withPorts(0, DemoOptions.FREE_PORT), WorldConfig.builtIn());
    }

    @AfterAll
    static void stop() {
        demo.close();
    }

    @Test
    void listensOnLoopbackOnlyByDefault() throws Exception {
        assertThat(demo.httpHost()).isEqualTo("127.0.0.1");
        assertThat(demo.localUrl()).isEqualTo("http://localhost:" + demo.httpPort());
        // Another address of this machine does not answer.
        InetAddress other = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                .findFirst().orElse(null);
        Assumptions.assumeTrue(other != null, "no non-loopback IPv4 address to try");
        try (Socket socket = new Socket()) {
            assertThatThrownBy(() -> socket.connect(
                    new InetSocketAddress(other, demo.httpPort()), 2000))
                    .as("connecting to " + other.getHostAddress()).isInstanceOf(IOException.class);
        }
    }

    // ---- sign-in ----------------------------------------------------------------------------------

    @Test
    void signInPutsTheUserInTheSessionAndSignOutEndsIt() throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        assertThat(send(browser, get("/demo/api/me")).statusCode()).isEqualTo(401);

        HttpResponse<String> login = send(browser, json("/demo/login", "{\"token\":\"" + ALICE + "\"}"));
        assertThat(login.statusCode()).isEqualTo(200);
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict");

        HttpResponse<String> me = send(browser, get("/demo/api/me"));
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(tree(me).get("name").asText()).isEqualTo("Alice");
        // The library's endpoints accept the same session.
        assertThat(send(browser, json("/api/email/smtpOptions", "{}")).statusCode()).isEqualTo(200);

        assertThat(send(browser, HttpRequest.newBuilder(uri("/demo/logout"))
                .POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(200);
        assertThat(send(browser, get("/demo/api/me")).statusCode()).isEqualTo(401);
    }

    @Test
    void signInRejectsBadInputClearly() throws Exception {
        assertError(send(HTTP, json("/demo/login", "{\"token\":\"nope-nope\"}")), 401, "invalid_key", "token");
        assertError(send(HTTP, json("/demo/login", "{}")), 400, "validation_error", "token");
        assertError(send(HTTP, json("/demo/login", "{not json")), 400, "validation_error", null);
        assertError(send(HTTP, HttpRequest.newBuilder(uri("/demo/login")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(ALICE)).build()), 415, "unsupported_media_type", null);
    }

    @Test
    void bearerTokensWorkOnTheApiAndWrongOnesAreInvalid() throws Exception {
        assertThat(send(HTTP, bearer(get("/demo/api/me"), ALICE)).statusCode()).isEqualTo(200);
        assertError(send(HTTP, bearer(get("/demo/api/me"), "wrong-token")), 401, "invalid_key", null);
    }

    // ---- records ----------------------------------------------------------------------------------

    @Test
    void recordsApiShowsWritableTablesOnly() throws Exception {
        JsonNode alice = tree(send(HTTP, bearer(get("/demo/api/tables"), ALICE)));
        JsonNode bob = tree(send(HTTP, bearer(get("/demo/api/tables"), BOB)));
        assertThat(alice).hasSize(2);
        assertThat(bob).hasSize(1);

        JsonNode record = tree(send(HTTP, bearer(get("/demo/api/table/1/record/456"), ALICE)));
        assertThat(record.get("label").asText()).isEqualTo("Jane Doe");
        assertThat(record.get("fields").get(3).get("type").asText()).isEqualTo("email");
        assertThat(record.get("fields").get(3).get("value").asText()).isEqualTo("lead@example.org");

        assertError(send(HTTP, bearer(get("/demo/api/table/2/record/900"), BOB)), 403, "insufficient_permissions", "tid");
        assertError(send(HTTP, bearer(get("/demo/api/table/1/record/999"), ALICE)), 404, "not_found", "rid");
        assertError(send(HTTP, get("/demo/api/table/1/record/456")), 401, "unauthorized", null);
    }

    // ---- upload -----------------------------------------------------------------------------------

    @Test
    void uploadStoresTheFileUnderTheTablePrefixAndTheResultIsSendable() throws Exception {
        HttpResponse<String> upload = send(HTTP, bearer(multipart(Map.of("tableId", "1"),
                "../../etc/Brochure 2026 (final).pdf", "application/pdf", "%PDF-1.4 demo".getBytes()), ALICE));
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(200);
        JsonNode ref = tree(upload);
        assertThat(ref.get("name").asText()).isEqualTo("Brochure 2026 (final).pdf");
        assertThat(ref.get("path").asText()).matches("1-1-[0-9a-f]{16}-Brochure_2026_final_.pdf");
        assertThat(ref.get("type").asText()).isEqualTo("application/pdf");
        assertThat(ref.get("size").asLong()).isEqualTo(13);
        assertThat(ref.get("host").asText()).isEqualTo(demo.publicUrl());
        assertThat(Files.readString(demo.options().attachmentsDir().resolve(ref.get("path").asText()))).isEqualTo("%PDF-1.4 demo");

        String send = """
                {"tableId":1,"recordId":457,"smtpIntegrationId":7,"fromIdentity":{"name":"Sales","email":"sales@acme.com"},
                 "to":["peter@initech.example"],"subject":"Brochure","body":"<p>Attached.</p>","attachments":[%s]}
                """.formatted(ref.toString());
        HttpResponse<String> sent = send(HTTP, bearer(json("/api/email/send", send), ALICE));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
    }

    @Test
    void uploadRefusesWhatItShould() throws Exception {
        byte[] file = "x".getBytes();
        assertError(send(HTTP, multipart(Map.of("tableId", "1"), "a.txt", "text/plain", file)), 401, "unauthorized", null);
        assertError(send(HTTP, bearer(multipart(Map.of("tableId", "1"), "a.txt", "text/plain", file), "bad-token")),
                401, "invalid_key", null);
        assertError(send(HTTP, bearer(multipart(Map.of("tableId", "2"), "a.txt", "text/plain", file), BOB)),
                403, "insufficient_permissions", "tableId");
        assertError(send(HTTP, bearer(multipart(Map.of("tableId", "77"), "a.txt", "text/plain", file), ALICE)),
                404, "not_found", "tableId");
        assertError(send(HTTP, bearer(multipart(Map.of(), "a.txt", "text/plain", file), ALICE)),
                400, "validation_error", "tableId");
        assertError(send(HTTP, bearer(multipart(Map.of("tableId", "one"), "a.txt", "text/plain", file), ALICE)),
                400, "validation_error", "tableId");
        assertError(send(HTTP, bearer(multipart(Map.of("tableId", "1"), null, null, null), ALICE)),
                400, "validation_error", "file");
        assertError(send(HTTP, bearer(json("/api/upload", "{}"), ALICE)), 415, "unsupported_media_type", null);
        assertError(send(HTTP, bearer(get("/api/upload"), ALICE)), 405, "method_not_allowed", null);
    }

    // ---- dev mailbox ------------------------------------------------------------------------------

    @Test
    void mailboxListsCaughtMailWithPixelAndBlockedImages() throws Exception {
        assertError(send(HTTP, get("/demo/api/mailbox")), 401, "unauthorized", null);
        String body = """
                {"tableId":1,"recordId":458,"smtpIntegrationId":7,"fromIdentity":{"name":"Sales","email":"sales@acme.com"},
                 "to":["joanna@chotchkies.example"],"subject":"Mailbox {{field:company}}","body":"<p>Hello</p>"}
                """;
        assertThat(send(HTTP, bearer(json("/api/email/send", body), ALICE)).statusCode()).isEqualTo(202);

        JsonNode found = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (found == null && System.nanoTime() < deadline) {
            for (JsonNode m : tree(send(HTTP, bearer(get("/demo/api/mailbox"), ALICE))).get("messages")) {
                if (m.get("subject").asText().equals("Mailbox Chotchkie's")) {
                    found = m;
                }
            }
            Thread.sleep(100);
        }
        assertThat(found).as("the catcher received the message").isNotNull();
        JsonNode detail = tree(send(HTTP, bearer(get("/demo/api/mailbox/" + found.get("n").asInt()), ALICE)));
        assertThat(detail.get("to").get(0).asText()).isEqualTo("joanna@chotchkies.example");
        assertThat(detail.get("replyTo").get(0).asText()).matches("reply-[0-9a-f]{16}@reply\\.acme\\.example");
        assertThat(detail.get("pixelUrl").asText()).startsWith(demo.publicUrl() + "/email/pixel/").endsWith(".png");
        assertThat(detail.get("html").asText()).contains("/email/pixel/");
        assertThat(detail.get("htmlBlocked").asText()).contains("Hello").doesNotContain("/email/pixel/");
        assertThat(detail.get("raw").asText()).contains("Message-ID: " + detail.get("messageId").asText());
        assertThat(detail.get("headers").size()).isGreaterThan(5);

        assertError(send(HTTP, bearer(get("/demo/api/mailbox/9999"), ALICE)), 404, "not_found", null);
    }

    @Test
    void mailboxShowsEachUserOnlyMailFromTablesTheyMayWrite() throws Exception {
        // Alice sends from Deals (table 2, which Bob may not write) and from Leads (table 1, which he may).
        String deals = """
                {"tableId":2,"recordId":900,"smtpIntegrationId":7,"fromIdentity":{"name":"Sales","email":"sales@acme.com"},
                 "to":["bill@initech.example"],"subject":"Deal terms {{field:name}}","body":"<p>Confidential</p>"}
                """;
        String leads = """
                {"tableId":1,"recordId":457,"smtpIntegrationId":7,"fromIdentity":{"name":"Sales","email":"sales@acme.com"},
                 "to":["peter@initech.example"],"subject":"Lead hello","body":"<p>Hi</p>"}
                """;
        assertThat(send(HTTP, bearer(json("/api/email/send", deals), ALICE)).statusCode()).isEqualTo(202);
        assertThat(send(HTTP, bearer(json("/api/email/send", leads), ALICE)).statusCode()).isEqualTo(202);
        // And someone else uses the catcher directly: no table, so only for users who may write every table.
        GreenMailUtil.sendTextEmail("someone@example.org", "stranger@example.org", "Not from the demo", "hi",
                demo.catcher().getSmtp().getServerSetup());

        awaitMailbox(ALICE, "Deal terms Initech renewal");
        awaitMailbox(ALICE, "Lead hello");
        awaitMailbox(ALICE, "Not from the demo");
        // Numbered only now: the catcher lists its mail by mailbox, so a message's number can change as mail arrives.
        JsonNode dealsMail = awaitMailbox(ALICE, "Deal terms Initech renewal");
        JsonNode leadsMail = awaitMailbox(ALICE, "Lead hello");
        JsonNode foreign = awaitMailbox(ALICE, "Not from the demo");
        assertThat(send(HTTP, bearer(get("/demo/api/mailbox/" + dealsMail.get("n").asInt()), ALICE)).statusCode()).isEqualTo(200);

        Map<String, Integer> bobSees = new LinkedHashMap<>();
        for (JsonNode m : tree(send(HTTP, bearer(get("/demo/api/mailbox"), BOB))).get("messages")) {
            bobSees.put(m.get("subject").asText(), m.get("n").asInt());
        }
        assertThat(bobSees).containsEntry("Lead hello", leadsMail.get("n").asInt())
                .doesNotContainKeys("Deal terms Initech renewal", "Not from the demo");
        assertThat(send(HTTP, bearer(get("/demo/api/mailbox/" + leadsMail.get("n").asInt()), BOB)).statusCode()).isEqualTo(200);
        assertError(send(HTTP, bearer(get("/demo/api/mailbox/" + dealsMail.get("n").asInt()), BOB)), 404, "not_found", null);
        assertError(send(HTTP, bearer(get("/demo/api/mailbox/" + foreign.get("n").asInt()), BOB)), 404, "not_found", null);
    }

    @Test
    void aMessageKeepsItsMailboxNumberAsMoreMailArrives() throws Exception {
        GreenMailUtil.sendTextEmail("numbering-one@example.org", "x@example.org", "Numbering to one", "1",
                demo.catcher().getSmtp().getServerSetup());
        awaitMailbox(ALICE, "Numbering to one");
        GreenMailUtil.sendTextEmail("numbering-two@example.org", "x@example.org", "Numbering to two", "2",
                demo.catcher().getSmtp().getServerSetup());
        int two = awaitMailbox(ALICE, "Numbering to two").get("n").asInt();
        // More mail for the first mailbox: listed by mailbox, it would come before "to two" and push it down.
        for (int i = 0; i < 3; i++) {
            GreenMailUtil.sendTextEmail("numbering-one@example.org", "x@example.org", "Numbering to one again " + i,
                    "n", demo.catcher().getSmtp().getServerSetup());
            awaitMailbox(ALICE, "Numbering to one again " + i);
            assertThat(awaitMailbox(ALICE, "Numbering to two").get("n").asInt()).isEqualTo(two);
        }
        JsonNode detail = tree(send(HTTP, bearer(get("/demo/api/mailbox/" + two), ALICE)));
        assertThat(detail.get("subject").asText()).isEqualTo("Numbering to two");
    }

    /** Polls the user's mailbox list until a message with this subject is in it. */
    private static JsonNode awaitMailbox(String token, String subject) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode m : tree(send(HTTP, bearer(get("/demo/api/mailbox"), token))).get("messages")) {
                if (m.get("subject").asText().equals(subject)) {
                    return m;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + subject + "' in the dev mailbox");
    }

    @Test
    void pagesAreServedWithAContentSecurityPolicy() throws Exception {
        for (String page : new String[] {"/", "/login", "/mailbox", "/record/1/456"}) {
            HttpResponse<String> response = send(HTTP, get(page));
            assertThat(response.statusCode()).as(page).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'");
        }
        assertThat(send(HTTP, get("/static/app.css")).headers().firstValue("Content-Type").orElseThrow()).startsWith("text/css");
        assertThat(send(HTTP, get("/static/../demo-world.json")).body()).doesNotContain("alice-secret");
        assertThat(send(HTTP, get("/nope")).statusCode()).isEqualTo(404);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static URI uri(String path) {
        return URI.create(demo.localUrl() + path);
    }

    private static HttpRequest get(String path) {
        return HttpRequest.newBuilder(uri(path)).GET().build();
    }

    private static HttpRequest json(String path, String body) {
        return HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static HttpRequest bearer(HttpRequest request, String token) {
        return HttpRequest.newBuilder(request, (name, value) -> true).header("Authorization", "Bearer " + token).build();
    }

    /** A multipart/form-data upload; {@code fileName} null leaves the file part out. */
    private static HttpRequest multipart(Map<String, String> fields, String fileName, String type, byte[] content)
            throws IOException {
        String boundary = "----demo" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        Map<String, String> all = new LinkedHashMap<>(fields);
        for (Map.Entry<String, String> f : all.entrySet()) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n"
                    + f.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        if (fileName != null) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                    + "\"\r\nContent-Type: " + type + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.write(content);
            body.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(uri("/api/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest request) throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode tree(HttpResponse<String> response) throws IOException {
        return EmailJson.mapper().readTree(response.body());
    }

    private static void assertError(HttpResponse<String> response, int status, String code, String field) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = tree(response).get("error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).isNotBlank();
        if (field != null) {
            assertThat(error.get("field").asText()).isEqualTo(field);
        }
    }
}
