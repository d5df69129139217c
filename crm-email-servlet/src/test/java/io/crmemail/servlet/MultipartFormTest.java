package io.crmemail.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmemail.core.json.EmailJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multipart/form-data parser over real HTTP: a Jetty serving a test servlet that parses the body with
 * {@link MultipartForm} and echoes what it got as JSON (errors come out as the module's JSON errors).
 */
class MultipartFormTest {

    static final String BOUNDARY = "----crmemailTestBoundary7MA4YWxkTrZu0gW";
    static final ObjectMapper JSON = EmailJson.mapper();

    @TempDir
    static Path uploads;

    static Server jetty;
    static URI base;
    static HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        Router router = new Router().route("POST", "/echo", MultipartFormTest::echo);
        context.addServlet(new ServletHolder(new RoutedServlet(router, JSON)), "/echo");
        jetty.setHandler(context);
        jetty.start();
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    @AfterAll
    static void stop() throws Exception {
        jetty.stop();
    }

    /** Whatever happened, no temp file outlives its request. */
    @AfterEach
    void uploadDirectoryIsEmpty() throws IOException {
        try (Stream<Path> left = Files.list(uploads)) {
            assertThat(left).isEmpty();
        }
    }

    /** Parses with limits from the query string, closes the form (deleting its files), then answers. */
    static void echo(Exchange ex) throws IOException {
        MultipartLimits d = MultipartLimits.defaults();
        MultipartLimits limits = new MultipartLimits(
                intParam(ex, "maxFiles", d.maxFiles()), longParam(ex, "maxFileBytes", d.maxFileBytes()),
                intParam(ex, "maxFields", d.maxFields()), longParam(ex, "maxFieldBytes", d.maxFieldBytes()));
        Map<String, Object> echo = new LinkedHashMap<>();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        try (MultipartForm form = MultipartForm.parse(ex.request(), limits, uploads)) {
            echo.put("allocatedBytes", threads.getCurrentThreadAllocatedBytes() - allocatedBefore);
            echo.put("fields", form.fields());
            List<Map<String, Object>> files = new ArrayList<>();
            for (UploadedFile file : form.files()) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("fieldName", file.fieldName());
                f.put("filename", file.filename());
                f.put("contentType", file.contentType());
                f.put("size", file.size());
                f.put("sizeOnDisk", Files.size(file.path()));
                f.put("inTempDir", file.path().getParent().equals(uploads));
                try (InputStream in = Files.newInputStream(file.path())) {
                    f.put("sha256", sha256(in));
                }
                files.add(f);
            }
            echo.put("files", files);
        }
        ex.json(200, echo);
    }

    static int intParam(Exchange ex, String name, int fallback) {
        String v = ex.request().getParameter(name);
        return v == null ? fallback : Integer.parseInt(v);
    }

    static long longParam(Exchange ex, String name, long fallback) {
        String v = ex.request().getParameter(name);
        return v == null ? fallback : Long.parseLong(v);
    }

    // ---------------------------------------------------------------- the happy paths

    @Test
    void textFieldsAndFilesUnderAnyFieldName() {
        byte[] pdf = bytes(5000, 1);
        byte[] png = bytes(70_000, 2);
        byte[] csv = "a,b\r\n1,2\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] body = new Body()
                .field("payload", "{\"to\":[\"jane@example.org\"],\"subject\":\"Héllo ✓\"}")
                .field("to", "a@example.org")
                .field("to", "b@example.org")
                .field("empty", "")
                .file("attachments", "brochure.pdf", "application/pdf", pdf)
                .file("file", "logo.png", "image/png", png)
                .file("files[]", "data.csv", null, csv)
                .file("files[]", "empty.txt", "text/plain", new byte[0])
                .end();

        JsonNode echo = ok(post("", body));

        JsonNode fields = echo.get("fields");
        assertThat(fields.get("payload").get(0).asText()).isEqualTo("{\"to\":[\"jane@example.org\"],\"subject\":\"Héllo ✓\"}");
        assertThat(fields.get("to")).extracting(JsonNode::asText).containsExactly("a@example.org", "b@example.org");
        assertThat(fields.get("empty").get(0).asText()).isEmpty();
        JsonNode files = echo.get("files");
        assertThat(files).hasSize(4);
        assertFile(files.get(0), "attachments", "brochure.pdf", "application/pdf", pdf);
        assertFile(files.get(1), "file", "logo.png", "image/png", png);
        assertFile(files.get(2), "files[]", "data.csv", "application/octet-stream", csv);
        assertFile(files.get(3), "files[]", "empty.txt", "text/plain", new byte[0]);
    }

    @Test
    void unicodeFilenamesAndPathsStripped() {
        byte[] content = "x".getBytes(StandardCharsets.UTF_8);
        byte[] body = new Body()
                // RFC 5987: the extended form wins over the ASCII fallback
                .part("Content-Disposition: form-data; name=\"a\"; filename=\"EUR rates.pdf\"; "
                        + "filename*=UTF-8''%E2%82%AC%20rates%20%C3%A9t%C3%A9.pdf", content)
                // what browsers do: raw UTF-8 in the quoted filename
                .part("Content-Disposition: form-data; name=\"b\"; filename=\"naïve 日本語.txt\"", content)
                // RFC 2231 continuations, and ISO-8859-1
                .part("Content-Disposition: form-data; name=\"c\"; filename*0*=UTF-8''%C3%BCber; filename*1=\"-long-\"; "
                        + "filename*2*=%E2%9C%93.txt", content)
                .part("Content-Disposition: form-data; name=\"d\"; filename*=iso-8859-1'en'caf%E9.txt", content)
                // paths, both separators; unquoted parameter; backslashes kept literal
                .part("Content-Disposition: form-data; name=\"e\"; filename=\"C:\\Users\\me\\report.pdf\"", content)
                .part("Content-Disposition: form-data; name=\"f\"; filename=../../etc/passwd", content)
                .part("Content-Disposition: form-data; name=\"g\"; filename=\"a\\\"quoted\\\".txt\"", content)
                .end();

        JsonNode files = ok(post("", body)).get("files");

        assertThat(files).extracting(f -> f.get("filename").asText()).containsExactly(
                "€ rates été.pdf", "naïve 日本語.txt", "über-long-✓.txt", "café.txt", "report.pdf", "passwd",
                "a\"quoted\".txt");
    }

    @Test
    void fieldNamesAndValuesInUnicodeAndOtherCharsets() {
        byte[] body = new Body()
                .field("sujet", "Réunion – 会議")
                .part("Content-Disposition: form-data; name=\"latin\"\r\nContent-Type: text/plain; charset=ISO-8859-1",
                        "café".getBytes(StandardCharsets.ISO_8859_1))
                .part("content-disposition: form-data;\r\n name=\"folded\"", "v".getBytes(StandardCharsets.UTF_8))
                .end();

        JsonNode fields = ok(post("", body)).get("fields");

        assertThat(fields.get("sujet").get(0).asText()).isEqualTo("Réunion – 会議");
        assertThat(fields.get("latin").get(0).asText()).isEqualTo("café");
        assertThat(fields.get("folded").get(0).asText()).isEqualTo("v");
    }

    @Test
    void boundaryLikeBytesInsideContent() {
        String b = BOUNDARY;
        ByteArrayOutputStream tricky = new ByteArrayOutputStream();
        Random random = new Random(7);
        // Near-delimiters of every kind, spread so that some straddle the 64 KB buffer's edges.
        String[] traps = {"--" + b, "\r\n--" + b.substring(0, b.length() - 1), "\n--" + b, "\r--" + b,
                "\r\n-" + b, "\r\n" + b, "\r\n--" + b.substring(1), "\r\n\r\n", "\r\n--", "\r"};
        while (tricky.size() < 300_000) {
            tricky.writeBytes(bytes(random.nextInt(70_000), random.nextInt()));
            String trap = traps[random.nextInt(traps.length)];
            tricky.writeBytes(trap.getBytes(StandardCharsets.ISO_8859_1));
        }
        for (int edge = 65_536 - 90; edge < 65_536 + 10; edge++) {
            tricky.writeBytes(("\r\n--" + b.substring(0, b.length() - 1) + "X").getBytes(StandardCharsets.ISO_8859_1));
        }
        byte[] content = tricky.toByteArray();
        byte[] endsInCrlf = "line\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] endsInCr = "line\r".getBytes(StandardCharsets.UTF_8);

        byte[] body = new Body()
                .raw("This is the preamble; it is ignored.\r\n--" + b + "  \t\r\n") // transport padding
                .partWithoutDelimiter("Content-Disposition: form-data; name=\"first\"", "1".getBytes(StandardCharsets.UTF_8))
                .file("attachments", "tricky.bin", "application/octet-stream", content)
                .file("attachments", "crlf.txt", "text/plain", endsInCrlf)
                .file("attachments", "cr.txt", "text/plain", endsInCr)
                .field("text", "--" + b + "--")
                .endWith("\r\n--" + b + "--\r\nThis is the epilogue, ignored even with\r\n--" + b + "\r\nin it.\r\n");

        JsonNode echo = ok(post("", body));

        assertThat(echo.get("fields").get("first").get(0).asText()).isEqualTo("1");
        assertThat(echo.get("fields").get("text").get(0).asText()).isEqualTo("--" + b + "--");
        assertFile(echo.get("files").get(0), "attachments", "tricky.bin", "application/octet-stream", content);
        assertFile(echo.get("files").get(1), "attachments", "crlf.txt", "text/plain", endsInCrlf);
        assertFile(echo.get("files").get(2), "attachments", "cr.txt", "text/plain", endsInCr);
    }

    @Test
    void quotedBoundaryWithSpacesAndBodyStartingWithIt() {
        String boundary = "a quoted:boundary=(x)";
        byte[] body = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"k\"\r\n\r\nv\r\n--" + boundary + "--")
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = send(request("").header("Content-Type",
                "Multipart/Form-Data; charset=utf-8; boundary=\"" + boundary + "\"")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        assertThat(ok(response).get("fields").get("k").get(0).asText()).isEqualTo("v");
    }

    @Test
    void anEmptyFileInputIsNoFile() {
        byte[] body = new Body()
                .part("Content-Disposition: form-data; name=\"attachments\"; filename=\"\"\r\n"
                        + "Content-Type: application/octet-stream", new byte[0])
                .field("k", "v")
                .end();
        JsonNode echo = ok(post("", body));
        assertThat(echo.get("files")).isEmpty();
        assertThat(echo.get("fields").get("k").get(0).asText()).isEqualTo("v");
    }

    /** 200 MB through a default-heap JVM, chunked, from a stream: it lands on disk, not in memory. */
    @Test
    void twoHundredMegabytesStreamToATempFile() throws Exception {
        long size = 200L * 1024 * 1024;
        byte[] head = new Body().field("subject", "big one").openFile("file", "big.bin", "application/octet-stream");
        byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        String expected;
        try (InputStream content = new Generated(size)) {
            expected = sha256(content);
        }
        HttpRequest request = request("?maxFileBytes=" + size)
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .timeout(Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(Collections.enumeration(
                        List.of(new ByteArrayInputStream(head), new Generated(size), new ByteArrayInputStream(tail))))))
                .build();

        JsonNode echo = ok(send(request));

        JsonNode file = echo.get("files").get(0);
        assertThat(file.get("size").asLong()).isEqualTo(size);
        assertThat(file.get("sizeOnDisk").asLong()).isEqualTo(size);
        assertThat(file.get("sha256").asText()).isEqualTo(expected);
        assertThat(echo.get("fields").get("subject").get(0).asText()).isEqualTo("big one");
        // The parsing thread allocated a sliver of the file's size: it was never held in memory.
        assertThat(echo.get("allocatedBytes").asLong()).isLessThan(size / 10);
    }

    // ---------------------------------------------------------------- limits

    @Test
    void elevenFilesAreRefusedNamingTheField() {
        Body body = new Body();
        for (int i = 0; i < 10; i++) {
            body.file("attachments", "f" + i + ".txt", "text/plain", bytes(1000, i));
        }
        body.file("extra[]", "f10.txt", "text/plain", bytes(1000, 10));
        JsonNode error = error(post("", body.end()), 400, "validation_error");
        assertThat(error.get("field").asText()).isEqualTo("extra[]");
        assertThat(error.get("message").asText()).contains("10 files");
    }

    @Test
    void tenFilesAreFine() {
        Body body = new Body();
        for (int i = 0; i < 10; i++) {
            body.file("attachments", "f" + i + ".txt", "text/plain", bytes(1000, i));
        }
        assertThat(ok(post("", body.end())).get("files")).hasSize(10);
    }

    @Test
    void anOversizeFileIs413NamingItAndNothingIsLeftBehind() {
        byte[] body = new Body()
                .file("attachments", "small.txt", "text/plain", bytes(1000, 1))
                .file("attachments", "huge.iso", "application/octet-stream", bytes(300_000, 2))
                .end();
        JsonNode error = error(post("?maxFileBytes=100000", body), 413, "payload_too_large");
        assertThat(error.get("message").asText()).contains("huge.iso").contains("100000");
        assertThat(error.get("field").asText()).isEqualTo("attachments");
        // @AfterEach: the temp directory is empty, small.txt's file included
    }

    /**
     * 20 MB streamed at a 1 MB limit: the answer is a 413 while the client is still sending, and the server
     * reads no further ({@link RawHttp}: the JDK client cannot be relied on to report such an early answer).
     */
    @Test
    void aStreamedOversizeFileIs413WhileTheClientIsStillSending() throws Exception {
        byte[] head = new Body().openFile("attachments", "stream.bin", null);
        long contentLength = head.length + 20L * 1024 * 1024;
        for (int i = 0; i < 3; i++) {
            String response = RawHttp.exchange(base, "POST /echo?maxFileBytes=1000000 HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: multipart/form-data; boundary=" + BOUNDARY + "\r\n"
                    + "Content-Length: " + contentLength + "\r\n", out -> {
                        out.write(head);
                        new Generated(20L * 1024 * 1024).transferTo(out);
                    });
            assertThat(response).startsWith("HTTP/1.1 413").containsIgnoringCase("Connection: close")
                    .contains("\"code\":\"payload_too_large\"").contains("stream.bin");
            uploadDirectoryIsEmpty();
        }
    }

    @Test
    void aFileOfExactlyTheLimitIsFine() {
        byte[] body = new Body().file("f", "exact.bin", null, bytes(100_000, 3)).end();
        assertThat(ok(post("?maxFileBytes=100000", body)).get("files").get(0).get("size").asLong()).isEqualTo(100_000);
    }

    @Test
    void tooManyFieldsAndTooLargeAField() {
        Body many = new Body();
        for (int i = 0; i < 4; i++) {
            many.field("f" + i, "v");
        }
        assertThat(error(post("?maxFields=3", many.end()), 400, "validation_error").get("field").asText()).isEqualTo("f3");

        byte[] large = new Body().field("small", "v").field("payload", "x".repeat(2000)).end();
        JsonNode error = error(post("?maxFieldBytes=1000", large), 413, "payload_too_large");
        assertThat(error.get("field").asText()).isEqualTo("payload");
    }

    // ---------------------------------------------------------------- malformed requests

    @Test
    void aTruncatedBodyIs400() {
        byte[] full = new Body().field("k", "v").file("file", "a.bin", null, bytes(100_000, 4)).end();
        // cut in the file's content, in a header block, and right before the closing "--"
        byte[] inContent = java.util.Arrays.copyOf(full, full.length - 5000);
        assertThat(error(post("", inContent), 400, "validation_error").get("message").asText())
                .contains("closing boundary");
        byte[] inHeaders = "--B\r\nContent-Disposition: form-da".getBytes(StandardCharsets.US_ASCII);
        error(send(request("").header("Content-Type", "multipart/form-data; boundary=B")
                .POST(HttpRequest.BodyPublishers.ofByteArray(inHeaders)).build()), 400, "validation_error");
        byte[] noClose = java.util.Arrays.copyOf(full, full.length - 4); // drops "--\r\n"
        error(post("", noClose), 400, "validation_error");
        error(post("", new byte[0]), 400, "validation_error");
    }

    @Test
    void aWrongContentTypeIs415() {
        byte[] body = new Body().field("k", "v").end();
        error(send(request("").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build()), 415, "unsupported_media_type");
        error(send(request("").header("Content-Type", "multipart/mixed; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build()), 415, "unsupported_media_type");
        error(send(request("").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build()), 415, "unsupported_media_type");
    }

    @Test
    void aMissingOrInvalidBoundaryIs400() {
        byte[] body = new Body().field("k", "v").end();
        for (String type : List.of("multipart/form-data", "multipart/form-data; boundary=",
                "multipart/form-data; boundary=\"\"", "multipart/form-data; boundary=" + "x".repeat(71),
                "multipart/form-data; boundary=\"ends in space \"", "multipart/form-data; boundary=a{b}")) {
            JsonNode error = error(send(request("").header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build()), 400, "validation_error");
            assertThat(error.get("message").asText()).as(type).contains("boundary");
        }
    }

    @Test
    void aHeaderBlockOver8KbIs400() {
        byte[] body = new Body().part("Content-Disposition: form-data; name=\"k\"\r\nX-Padding: " + "p".repeat(8200),
                "v".getBytes(StandardCharsets.UTF_8)).end();
        assertThat(error(post("", body), 400, "validation_error").get("message").asText()).contains("header block");
        byte[] fits = new Body().part("Content-Disposition: form-data; name=\"k\"\r\nX-Padding: " + "p".repeat(8000),
                "v".getBytes(StandardCharsets.UTF_8)).end();
        assertThat(ok(post("", fits)).get("fields").get("k").get(0).asText()).isEqualTo("v");
    }

    @Test
    void malformedPartsAre400() {
        for (String headers : List.of("Content-Type: text/plain", "Content-Disposition: attachment; name=\"k\"",
                "Content-Disposition: form-data; filename=\"a.txt\"", "no colon here",
                "Content-Disposition: form-data; name=\"k\"; filename*=UTF-8''%ZZ",
                "Content-Disposition: form-data; name=\"k\"; filename*=nocharset",
                "Content-Disposition: form-data; name=\"k\"\r\nContent-Type: text/plain; charset=x-unknown-9")) {
            byte[] body = new Body().part(headers, "v".getBytes(StandardCharsets.UTF_8)).end();
            error(post("", body), 400, "validation_error");
        }
        byte[] badLine = ("--" + BOUNDARY + "garbage\r\nContent-Disposition: form-data; name=\"k\"\r\n\r\nv\r\n--"
                + BOUNDARY + "--").getBytes(StandardCharsets.UTF_8);
        error(post("", badLine), 400, "validation_error");
    }

    @Test
    void badFilenamesAre400NamingTheField() {
        for (String disposition : List.of("filename*=UTF-8''a%01b.txt", "filename=\"dir/\"", "filename=\"..\"",
                "filename*=UTF-8''a%C2%85b.txt", "filename=\"" + "n".repeat(256) + "\"")) {
            byte[] body = new Body().part("Content-Disposition: form-data; name=\"upload\"; " + disposition,
                    "x".getBytes(StandardCharsets.UTF_8)).end();
            JsonNode error = error(post("", body), 400, "validation_error");
            assertThat(error.get("field").asText()).as(disposition).isEqualTo("upload");
        }
    }

    // ---------------------------------------------------------------- the parser alone

    /** Reading stops at the first error: the rest of a huge body is never read. */
    @Test
    void readingStopsAtOnce() throws IOException {
        byte[] head = new Body().openFile("f", "big.bin", null);
        CountingStream oversize = new CountingStream(new SequenceInputStream(
                new ByteArrayInputStream(head), new Generated(100L * 1024 * 1024)));
        assertThatThrownBy(() -> MultipartForm.parse(oversize, BOUNDARY, new MultipartLimits(10, 1024 * 1024, 10, 1024), uploads))
                .isInstanceOf(ApiException.class).extracting(e -> ((ApiException) e).status()).isEqualTo(413);
        assertThat(oversize.count).isLessThan(1024 * 1024 + 2 * MultipartStream.BUFFER_SIZE);

        Body files = new Body();
        for (int i = 0; i < 3; i++) {
            files.file("f", i + ".txt", null, bytes(10, i));
        }
        byte[] three = files.end();
        CountingStream tooMany = new CountingStream(new SequenceInputStream(
                new ByteArrayInputStream(java.util.Arrays.copyOf(three, three.length - 4)),
                new Generated(100L * 1024 * 1024)));
        assertThatThrownBy(() -> MultipartForm.parse(tooMany, BOUNDARY, new MultipartLimits(2, 1024, 10, 1024), uploads))
                .isInstanceOf(ApiException.class).extracting(e -> ((ApiException) e).status()).isEqualTo(400);
        assertThat(tooMany.count).isLessThan(2L * MultipartStream.BUFFER_SIZE);
    }

    @Test
    void closeDeletesTheTempFiles() throws IOException {
        byte[] body = new Body().file("a", "a.txt", null, bytes(10, 1)).file("b", "b.txt", null, bytes(10, 2)).end();
        MultipartForm form = MultipartForm.parse(new ByteArrayInputStream(body), BOUNDARY, MultipartLimits.defaults(), uploads);
        assertThat(form.files()).allSatisfy(f -> assertThat(f.path()).exists().hasParent(uploads));
        form.close();
        assertThat(form.files()).allSatisfy(f -> assertThat(f.path()).doesNotExist());
        form.close();
    }

    @Test
    void tinyReadsFromTheStreamChangeNothing() throws IOException {
        byte[] content = bytes(10_000, 9);
        byte[] body = new Body().field("k", "v").file("f", "x.bin", null, content).end();
        InputStream dribble = new FilterInputStream(new ByteArrayInputStream(body)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 3));
            }
        };
        try (MultipartForm form = MultipartForm.parse(dribble, BOUNDARY, MultipartLimits.defaults(), uploads)) {
            assertThat(form.field("k")).isEqualTo("v");
            assertThat(Files.readAllBytes(form.files().get(0).path())).isEqualTo(content);
        }
    }

    // ---------------------------------------------------------------- helpers

    static void assertFile(JsonNode file, String field, String filename, String contentType, byte[] content) {
        assertThat(file.get("fieldName").asText()).isEqualTo(field);
        assertThat(file.get("filename").asText()).isEqualTo(filename);
        assertThat(file.get("contentType").asText()).isEqualTo(contentType);
        assertThat(file.get("size").asLong()).isEqualTo(content.length);
        assertThat(file.get("sizeOnDisk").asLong()).isEqualTo(content.length);
        assertThat(file.get("inTempDir").asBoolean()).isTrue();
        assertThat(file.get("sha256").asText()).isEqualTo(sha256(new ByteArrayInputStream(content)));
    }

    static JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    static JsonNode error(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("X-Request-ID")).isPresent();
        JsonNode error = json(response).get("error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception");
        return error;
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.body(), e);
        }
    }

    static HttpRequest.Builder request(String query) {
        return HttpRequest.newBuilder(base.resolve("/echo" + query)).timeout(Duration.ofSeconds(30));
    }

    static HttpResponse<String> post(String query, byte[] body) {
        return send(request(query).header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(InputStream in) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (DigestInputStream d = new DigestInputStream(in, digest)) {
                d.transferTo(java.io.OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Builds a multipart body with {@link #BOUNDARY}. */
    static final class Body {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private boolean first = true;

        Body raw(String text) {
            out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
            first = false;
            return this;
        }

        Body part(String headers, byte[] content) {
            raw((first ? "" : "\r\n") + "--" + BOUNDARY + "\r\n");
            return partWithoutDelimiter(headers, content);
        }

        Body partWithoutDelimiter(String headers, byte[] content) {
            raw(headers + "\r\n\r\n");
            out.writeBytes(content);
            return this;
        }

        Body field(String name, String value) {
            return part("Content-Disposition: form-data; name=\"" + name + "\"", value.getBytes(StandardCharsets.UTF_8));
        }

        Body file(String field, String filename, String contentType, byte[] content) {
            return part(fileHeaders(field, filename, contentType), content);
        }

        /** The body so far plus the headers of a file part whose content the caller streams. */
        byte[] openFile(String field, String filename, String contentType) {
            return part(fileHeaders(field, filename, contentType), new byte[0]).out.toByteArray();
        }

        private static String fileHeaders(String field, String filename, String contentType) {
            return "Content-Disposition: form-data; name=\"" + field + "\"; filename=\"" + filename + "\""
                    + (contentType == null ? "" : "\r\nContent-Type: " + contentType);
        }

        byte[] end() {
            return endWith("\r\n--" + BOUNDARY + "--\r\n");
        }

        byte[] endWith(String text) {
            raw(text);
            return out.toByteArray();
        }
    }

    /** {@code size} bytes of repeated pseudo-random data, generated as read. */
    static final class Generated extends InputStream {
        private static final byte[] BLOCK = bytes(65_521, 42);
        private long left;
        private long position;

        Generated(long size) {
            this.left = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int at = (int) (position % BLOCK.length);
            int n = (int) Math.min(Math.min(len, left), BLOCK.length - at);
            System.arraycopy(BLOCK, at, b, off, n);
            position += n;
            left -= n;
            return n;
        }
    }

    static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

}
