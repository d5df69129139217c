package io.crmemail.servlet;

import static io.crmemail.servlet.TestServer.TOKEN;
import static io.crmemail.servlet.V1Support.awaitEmail;
import static io.crmemail.servlet.V1Support.data;
import static io.crmemail.servlet.V1Support.error;
import static io.crmemail.servlet.V1Support.sendBody;
import static io.crmemail.servlet.V1Support.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/uploads} and {@code POST /api/v1/emails/send/multipart} over real HTTP. */
class V1UploadTest extends LiveServerTest {

    private static final String BOUNDARY = "----crm-email-test-boundary";

    @Override
    TestServer start() {
        return TestServer.start(temp, greenMail.getSmtp().getPort(), b -> b.uploadTempDir(temp));
    }

    @Test
    void anUploadIsAttachedByItsStorageKey() throws Exception {
        JsonNode upload = data(post("/api/v1/uploads", TOKEN, form().file("file", "price list.csv", "text/csv",
                "a,b\n1,2\n")), 201);
        assertThat(upload.get("filename").asText()).isEqualTo("price list.csv");
        assertThat(upload.get("size").asLong()).isEqualTo(8);
        assertThat(upload.get("content_type").asText()).startsWith("text/csv");
        String key = upload.get("storage_key").asText();

        long id = data(server.post("/api/v1/emails/send", TOKEN, sendBody("\"attachments\":[{\"storage_key\":\""
                + key + "\"}]")), 202).get("id").asLong();
        JsonNode email = awaitEmail(server, id, status("sent"));
        assertThat(email.get("attachments").get(0).get("filename").asText()).isEqualTo("price list.csv");
        assertThat(greenMail.waitForIncomingEmail(5000, 1)).isTrue();
        assertThat(attachmentNames(greenMail.getReceivedMessages()[0])).containsExactly("price list.csv");

        // another account (with a mailbox of its own) cannot use the key
        server.service.saveIntegration(server.world.integration.toBuilder().id(0).accountId(2).build());
        error(server.post("/api/v1/emails/send", TestServer.OTHER_ACCOUNT_TOKEN, sendBody(
                "\"attachments\":[{\"storage_key\":\"" + key + "\"}]")), 400, "validation_error",
                "attachments[0].storage_key");
        error(post("/api/v1/uploads", TOKEN, form().field("note", "no file")), 400, "validation_error", "file");
        error(post("/api/v1/uploads", TOKEN, form().file("a", "a.txt", "text/plain", "a")
                .file("b", "b.txt", "text/plain", "b")), 400, "validation_error", "file");
    }

    @Test
    void aMultipartSendAttachesEveryFilePartWhateverItsName() throws Exception {
        HttpResponse<String> response = post("/api/v1/emails/send/multipart", TOKEN, form()
                .field("payload", sendBody("\"subject\":\"Files\"").replace("\"subject\":\"Hello\",", ""))
                .file("attachments", "one.txt", "text/plain", "first")
                .file("files[]", "zwei – ü.pdf", "application/pdf", "%PDF-1.4 second")
                .file("whatever", "three.bin", null, "third"));
        JsonNode sent = data(response, 202);
        assertThat(response.headers().firstValue("X-RateLimit-Remaining")).isPresent();
        JsonNode email = awaitEmail(server, sent.get("id").asLong(), status("sent"));
        assertThat(email.get("attachments")).extracting(a -> a.get("filename").asText())
                .containsExactly("one.txt", "zwei – ü.pdf", "three.bin");
        assertThat(email.get("attachments").get(0).get("sizeBytes").asLong()).isEqualTo(5);
        assertThat(greenMail.waitForIncomingEmail(5000, 1)).isTrue();
        MimeMessage mime = greenMail.getReceivedMessages()[0];
        assertThat(mime.getSubject()).isEqualTo("Files");
        assertThat(attachmentNames(mime)).containsExactly("one.txt", "zwei – ü.pdf", "three.bin");
        try (var files = java.nio.file.Files.list(temp)) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".part")).toList())
                    .as("spooled parts are deleted").isEmpty();
        }
    }

    @Test
    void fieldsMaySpellTheBodyOutAndLimitsHold() {
        JsonNode sent = data(post("/api/v1/emails/send/multipart", TOKEN, form()
                .field("from", "sales@acme.com").field("to", "a@example.org").field("to", "b@example.org")
                .field("subject", "Spelt out").field("text", "plain").field("metadata", "{\"k\":\"v\"}")
                .file("f", "a.txt", "text/plain", "x")), 202);
        assertThat(sent.get("to")).hasSize(2);

        Form eleven = form().field("payload", sendBody(null));
        for (int i = 0; i < 11; i++) {
            eleven.file("f" + i, "f" + i + ".txt", "text/plain", "x");
        }
        error(post("/api/v1/emails/send/multipart", TOKEN, eleven), 400, "validation_error", null);
        error(post("/api/v1/emails/send/multipart", TOKEN, form().field("payload", "{\"to\":")), 400,
                "validation_error", null);
        error(post("/api/v1/emails/send/multipart", TOKEN, form().field("payload", sendBody("\"is_internal\":true"))
                .file("f", "kept-nowhere.txt", "text/plain", "x")), 400, "validation_error", "is_internal");
        error(post("/api/v1/emails/send/multipart", TOKEN, form().field("payload", sendBody(null))
                .field("payload", sendBody(null))), 400, "validation_error", "payload");
        // the files of refused sends are not left behind in the attachment store
        try (var stored = java.nio.file.Files.walk(temp.resolve("attachments"))) {
            assertThat(stored.filter(p -> p.getFileName().toString().equals("kept-nowhere.txt")).toList()).isEmpty();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        HttpResponse<String> json = server.post("/api/v1/emails/send/multipart", TOKEN, sendBody(null));
        error(json, 415, "unsupported_media_type", null);
    }

    @Test
    void aRepeatedMultipartSendWithTheSameKeyIsReplayed() {
        Form form = form().field("payload", sendBody(null)).file("f", "a.txt", "text/plain", "same");
        HttpResponse<String> first = post("/api/v1/emails/send/multipart", TOKEN, form, "Idempotency-Key", "mp-1");
        HttpResponse<String> again = post("/api/v1/emails/send/multipart", TOKEN, form, "Idempotency-Key", "mp-1");
        assertThat(again.body()).isEqualTo(first.body());
        Form changed = form().field("payload", sendBody(null)).file("f", "a.txt", "text/plain", "different");
        error(post("/api/v1/emails/send/multipart", TOKEN, changed, "Idempotency-Key", "mp-1"), 409,
                "idempotency_conflict", null);
    }

    private HttpResponse<String> post(String path, String token, Form form, String... headers) {
        HttpRequest.Builder request = server.request(path)
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes()));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return server.send(TestServer.authorized(request, token).build());
    }

    private static Form form() {
        return new Form();
    }

    /** A multipart/form-data body built by hand, as a browser would send it. */
    private static final class Form {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Form field(String name, String value) {
            write("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n");
            return this;
        }

        Form file(String field, String filename, String type, String content) {
            String encoded = java.net.URLEncoder.encode(filename, StandardCharsets.UTF_8).replace("+", "%20");
            write("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"x\"; "
                    + "filename*=UTF-8''" + encoded + "\r\n"
                    + (type == null ? "" : "Content-Type: " + type + "\r\n") + "\r\n" + content + "\r\n");
            return this;
        }

        byte[] bytes() {
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            copy.writeBytes(out.toByteArray());
            copy.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
            return copy.toByteArray();
        }

        private void write(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static List<String> attachmentNames(Part part) throws Exception {
        List<String> names = new ArrayList<>();
        if (part.getContent() instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                names.addAll(attachmentNames(multipart.getBodyPart(i)));
            }
        } else if (Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) {
            names.add(jakarta.mail.internet.MimeUtility.decodeText(part.getFileName()));
        }
        return names;
    }
}
