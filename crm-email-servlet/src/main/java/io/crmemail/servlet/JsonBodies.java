package io.crmemail.servlet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmemail.core.attachment.LimitedInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.Locale;

/**
 * Reads a JSON request body: {@code application/json} only (a charset parameter is fine), at most
 * {@code maxBytes} judged by Content-Length up front and by counting while reading. An absent or blank
 * body reads as null, which the core reports as the missing fields it needs.
 */
final class JsonBodies {

    private final ObjectMapper mapper;
    private final long maxBytes;

    JsonBodies(ObjectMapper mapper, long maxBytes) {
        this.mapper = mapper;
        this.maxBytes = maxBytes;
    }

    <T> T read(HttpServletRequest request, Class<T> type) throws IOException {
        if (!hasBody(request)) {
            return null;
        }
        if (!MediaTypes.is(request.getContentType(), "application/json")) {
            throw ApiException.unsupportedMediaType("this endpoint accepts application/json, not "
                    + (request.getContentType() == null ? "a body without Content-Type" : request.getContentType()));
        }
        byte[] bytes = readLimited(request);
        if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return null;
        }
        try {
            // "{...} garbage" is malformed JSON too, not a valid object with something ignored after it.
            return mapper.readerFor(type).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValue(bytes);
        } catch (JsonProcessingException e) {
            throw JsonErrors.toApi(e);
        }
    }

    /**
     * The raw JSON body under the same rules as {@link #read} (content type, size), for callers that need the
     * bytes too (idempotency fingerprints). No body reads as an empty array.
     */
    byte[] raw(HttpServletRequest request) throws IOException {
        if (!hasBody(request)) {
            return new byte[0];
        }
        if (!MediaTypes.is(request.getContentType(), "application/json")) {
            throw ApiException.unsupportedMediaType("this endpoint accepts application/json, not "
                    + (request.getContentType() == null ? "a body without Content-Type" : request.getContentType()));
        }
        return readLimited(request);
    }

    /**
     * Parses a v1 body: unknown fields are refused (a misspelt field must not silently drop content); a blank
     * body is null.
     */
    <T> T strict(byte[] json, Class<T> type) {
        if (new String(json, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return null;
        }
        try {
            return mapper.readerFor(type)
                    .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(json);
        } catch (java.io.IOException e) {
            if (e instanceof JsonProcessingException jpe) {
                throw JsonErrors.toApi(jpe);
            }
            throw ApiException.validation(null, "malformed JSON");
        }
    }

    ObjectMapper mapper() {
        return mapper;
    }

    private byte[] readLimited(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() > maxBytes) {
            throw ApiException.payloadTooLarge(maxBytes);
        }
        // Content-Length may be absent (chunked) or a lie; count what actually arrives.
        LimitedInputStream in = new LimitedInputStream(request.getInputStream(), maxBytes);
        try {
            return in.readAllBytes();
        } catch (LimitedInputStream.LimitExceededException e) {
            throw ApiException.payloadTooLarge(maxBytes);
        }
    }

    static boolean hasBody(HttpServletRequest request) {
        long length = request.getContentLengthLong();
        return length > 0 || (length < 0 && request.getHeader("Transfer-Encoding") != null);
    }

    /** Media type comparison ignoring case and parameters. */
    static final class MediaTypes {
        private MediaTypes() {
        }

        static boolean is(String contentType, String expected) {
            if (contentType == null) {
                return false;
            }
            int semicolon = contentType.indexOf(';');
            String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
            return type.toLowerCase(Locale.ROOT).equals(expected);
        }
    }
}
