package io.crmemail.examples.demo;

import io.crmemail.core.attachment.AttachmentStore;
import io.crmemail.core.message.AttachmentRef;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code POST /api/upload}: multipart/form-data with a {@code tableId} field and a {@code file} part. Streams
 * the file into the {@link AttachmentStore} under {@code {spaceId}-{tableId}-{random}-{name}} and answers
 * with the attachment object the send request takes in {@code attachments[]}:
 * {@code {name, path, type, size, host}}. Same authentication as the API, and write access on the table.
 */
final class UploadServlet extends HttpServlet {

    /** Per file; the core's per-message total is 50 MB. */
    static final long MAX_FILE_BYTES = 25L * 1024 * 1024;

    private static final Pattern MEDIA_TYPE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]{0,63}/[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]{0,63}");
    private static final int MAX_NAME = 120;

    private final DemoWorld world;
    private final DemoAuth auth;
    private final AttachmentStore attachments;
    private final String host;

    UploadServlet(DemoWorld world, DemoAuth auth, AttachmentStore attachments, String host) {
        this.world = world;
        this.auth = auth;
        this.attachments = attachments;
        this.host = host;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!"POST".equals(req.getMethod())) {
            resp.setHeader("Allow", "POST");
            Json.error(resp, 405, "method_not_allowed", "use POST with multipart/form-data", null);
            return;
        }
        try {
            Json.write(resp, 200, upload(req));
        } catch (Json.Failure f) {
            // The body may be unread (refused before parsing): the container then drops the connection, so say
            // so, or a client reusing it finds it closed under its next request.
            resp.setHeader("Connection", "close");
            f.answer(resp);
        }
    }

    private AttachmentRef upload(HttpServletRequest req) throws Json.Failure, IOException {
        // Who is asking is settled before a byte of the body is parsed.
        auth.require(req);
        String contentType = req.getContentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new Json.Failure(415, "unsupported_media_type", "send multipart/form-data with a file part and a tableId field", null);
        }
        if (req.getContentLengthLong() > MAX_FILE_BYTES + 64 * 1024) {
            throw tooLarge();
        }
        Part tablePart;
        Part file;
        try {
            tablePart = req.getPart("tableId");
            file = req.getPart("file");
        } catch (IllegalStateException e) {
            throw tooLarge();
        } catch (ServletException | IOException e) {
            throw new Json.Failure(400, "validation_error", "the multipart body cannot be read: " + e.getMessage(), null);
        }
        long tableId = tableId(tablePart);
        DemoWorld.Table table = auth.requireTable(req, tableId, "tableId");
        if (file == null || file.getSubmittedFileName() == null) {
            throw new Json.Failure(400, "validation_error", "a file part named 'file' is required", "file");
        }
        if (file.getSize() > MAX_FILE_BYTES) {
            throw tooLarge();
        }
        String name = displayName(file.getSubmittedFileName());
        String path = world.account().spaceId() + "-" + table.id() + "-" + Tokens.randomHex(8) + "-" + safeFileName(name);
        long size;
        try (InputStream in = file.getInputStream()) {
            size = attachments.write(path, in);
        } finally {
            file.delete();
        }
        return new AttachmentRef(name, path, mediaType(file.getContentType()), size, host);
    }

    private static long tableId(Part part) throws Json.Failure, IOException {
        if (part == null) {
            throw new Json.Failure(400, "validation_error", "tableId is required", "tableId");
        }
        String text;
        try (InputStream in = part.getInputStream()) {
            text = new String(in.readNBytes(32), StandardCharsets.UTF_8).strip();
        }
        try {
            long id = Long.parseLong(text);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new Json.Failure(400, "validation_error", "tableId must be a positive number, got '" + text + "'", "tableId");
    }

    private static Json.Failure tooLarge() {
        return new Json.Failure(413, "payload_too_large", "a file may have at most " + MAX_FILE_BYTES / (1024 * 1024) + " MB", "file");
    }

    /** The name as the user sees it: the last path segment, without control characters. */
    static String displayName(String submitted) {
        String name = submitted.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1);
        name = name.codePoints().filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().strip();
        if (name.length() > MAX_NAME) {
            name = name.substring(name.length() - MAX_NAME);
        }
        return name.isEmpty() ? "file" : name;
    }

    /** The name as stored: letters, digits, '.', '_' and '-' only, no leading dots. */
    static String safeFileName(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("_{2,}", "_").replaceAll("^[._]+", "").replaceAll("\\.{2,}", ".");
        return safe.isEmpty() ? "file" : safe;
    }

    private static String mediaType(String given) {
        if (given == null) {
            return "application/octet-stream";
        }
        String bare = given.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return MEDIA_TYPE.matcher(bare).matches() ? bare : "application/octet-stream";
    }
}
