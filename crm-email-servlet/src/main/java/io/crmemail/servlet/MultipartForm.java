package io.crmemail.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A multipart/form-data request body (RFC 7578), read without the container's multipart support: text
 * fields in memory, every file part (any part with a {@code filename}, whatever its field name) streamed to
 * a temp file as it arrives. Close it to delete the temp files:
 *
 * <pre>{@code
 * try (MultipartForm form = MultipartForm.parse(request, MultipartLimits.defaults(), tempDir)) {
 *     String payload = form.field("payload");
 *     for (UploadedFile file : form.files()) { ... }
 * }
 * }</pre>
 *
 * Client errors are {@link ApiException}s: 415 unless {@code multipart/form-data}; 400 for a missing or
 * invalid boundary, a malformed or truncated body, a header block over 8 KB, more files or fields than
 * allowed, a bad file name; 413 for a file or field over its size. Reading stops at the first error, and on
 * any failure every temp file is already deleted.
 */
final class MultipartForm implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MultipartForm.class);
    /** RFC 2046 bchars, at most 70, not ending in a space. */
    private static final Pattern BOUNDARY = Pattern.compile("[0-9A-Za-z'()+_,\\-./:=? ]{0,69}[0-9A-Za-z'()+_,\\-./:=?]");
    private static final int MAX_FILENAME_CHARS = 255;
    static final String DEFAULT_FILE_TYPE = "application/octet-stream";

    private final Map<String, List<String>> fields = new LinkedHashMap<>();
    private final List<UploadedFile> files = new ArrayList<>();
    /** Every temp file created, including one being written when reading failed. */
    private final List<Path> temps = new ArrayList<>();
    private final MultipartLimits limits;
    private final Path tempDir;
    private int fieldCount;

    private MultipartForm(MultipartLimits limits, Path tempDir) {
        this.limits = limits;
        this.tempDir = tempDir;
    }

    /**
     * Reads the request's multipart/form-data body to its close delimiter.
     *
     * @param tempDir where file parts are spooled (must exist)
     * @throws ApiException for the client's errors
     * @throws IOException  when a temp file cannot be written
     */
    static MultipartForm parse(HttpServletRequest request, MultipartLimits limits, Path tempDir) throws IOException {
        String boundary = boundary(request.getContentType());
        return parse(request.getInputStream(), boundary, limits, tempDir);
    }

    /** As {@link #parse(HttpServletRequest, MultipartLimits, Path)} for a body and its boundary. */
    static MultipartForm parse(InputStream body, String boundary, MultipartLimits limits, Path tempDir)
            throws IOException {
        MultipartForm form = new MultipartForm(Objects.requireNonNull(limits, "limits"),
                Objects.requireNonNull(tempDir, "tempDir"));
        boolean complete = false;
        try {
            MultipartStream stream = new MultipartStream(body, boundary);
            stream.skipPreamble();
            while (stream.nextPart()) {
                PartHeaders part = PartHeaders.parse(stream.headerBlock());
                if (part.isFile()) {
                    form.readFile(stream, part);
                } else {
                    form.readField(stream, part);
                }
            }
            complete = true;
            return form;
        } finally {
            if (!complete) {
                form.close();
            }
        }
    }

    /**
     * The boundary of a {@code multipart/form-data} Content-Type.
     *
     * @throws ApiException 415 for another media type, 400 for a missing or invalid boundary
     */
    static String boundary(String contentType) {
        HeaderValue type;
        try {
            type = HeaderValue.parse(contentType);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation(null, "the Content-Type is invalid: " + e.getMessage());
        }
        if (!type.value().equals("multipart/form-data")) {
            throw ApiException.unsupportedMediaType("this endpoint accepts multipart/form-data, not "
                    + (contentType == null ? "a body without Content-Type" : type.value()));
        }
        String boundary = type.param("boundary");
        if (boundary == null || boundary.isEmpty()) {
            throw ApiException.validation(null, "the multipart/form-data Content-Type has no boundary");
        }
        if (!BOUNDARY.matcher(boundary).matches()) {
            throw ApiException.validation(null, "the multipart boundary is invalid (RFC 2046: 1 to 70 characters "
                    + "of letters, digits and '()+_,-./:=? and space, not ending in a space)");
        }
        return boundary;
    }

    private void readField(MultipartStream stream, PartHeaders part) throws IOException {
        String name = part.name();
        if (++fieldCount > limits.maxFields()) {
            throw ApiException.validation(name, "at most " + limits.maxFields() + " form fields are allowed");
        }
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        stream.content((bytes, offset, length) -> {
            if (value.size() + (long) length > limits.maxFieldBytes()) {
                throw new ApiException(413, "payload_too_large", name,
                        "form field " + name + " exceeds the limit of " + limits.maxFieldBytes() + " bytes");
            }
            value.write(bytes, offset, length);
        });
        fields.computeIfAbsent(name, k -> new ArrayList<>()).add(value.toString(part.charset()));
    }

    private void readFile(MultipartStream stream, PartHeaders part) throws IOException {
        String name = part.name();
        if (part.filename().isEmpty()) {
            // A browser's file input with no file chosen: filename="" and no content.
            if (++fieldCount > limits.maxFields()) {
                throw ApiException.validation(name, "at most " + limits.maxFields() + " form fields are allowed");
            }
            stream.content((bytes, offset, length) -> {
                throw ApiException.validation(name, "a file in field " + name + " has an empty filename");
            });
            return;
        }
        if (files.size() >= limits.maxFiles()) {
            throw ApiException.validation(name, "at most " + limits.maxFiles() + " files are allowed per request");
        }
        String filename = filename(part.filename(), name);
        String contentType = part.contentType() == null || part.contentType().isBlank()
                ? DEFAULT_FILE_TYPE : part.contentType();
        Path path = Files.createTempFile(tempDir, "upload-", ".part");
        temps.add(path);
        long[] size = {0};
        try (OutputStream out = Files.newOutputStream(path)) {
            stream.content((bytes, offset, length) -> {
                if (size[0] + length > limits.maxFileBytes()) {
                    throw new ApiException(413, "payload_too_large", name, "file \"" + filename + "\" exceeds the limit of "
                            + limits.maxFileBytes() + " bytes per file");
                }
                out.write(bytes, offset, length);
                size[0] += length;
            });
        }
        files.add(new UploadedFile(name, filename, contentType, path, size[0]));
    }

    /** The name without any path (/ or \); control characters, blank names, "." and ".." are refused. */
    static String filename(String raw, String field) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                throw ApiException.validation(field, "the filename in field " + field + " contains a control character");
            }
        }
        String name = raw.substring(Math.max(raw.lastIndexOf('/'), raw.lastIndexOf('\\')) + 1).strip();
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw ApiException.validation(field, "the filename in field " + field + " is not a file name");
        }
        if (name.length() > MAX_FILENAME_CHARS) {
            throw ApiException.validation(field, "the filename in field " + field + " is longer than "
                    + MAX_FILENAME_CHARS + " characters");
        }
        return name;
    }

    /** Text fields by name, each with its values in the order sent. */
    Map<String, List<String>> fields() {
        Map<String, List<String>> view = new LinkedHashMap<>();
        fields.forEach((name, values) -> view.put(name, Collections.unmodifiableList(values)));
        return Collections.unmodifiableMap(view);
    }

    /** The first value of a text field, null when absent. */
    String field(String name) {
        List<String> values = fields.get(name);
        return values == null ? null : values.get(0);
    }

    /** The file parts in the order sent. */
    List<UploadedFile> files() {
        return Collections.unmodifiableList(files);
    }

    /** Deletes the temp files; safe to call more than once. */
    @Override
    public void close() {
        for (Path path : temps) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                log.warn("could not delete upload temp file {}", path, e);
            }
        }
        temps.clear();
    }
}
