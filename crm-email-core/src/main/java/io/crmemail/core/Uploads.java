package io.crmemail.core;

import io.crmemail.core.attachment.AttachmentStore;
import io.crmemail.core.attachment.LimitedInputStream;
import io.crmemail.core.tracking.Tokens;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLConnection;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Files of the {@code /api/v1} surface in the attachment store, under {@code v1/{accountId}/{random}/{name}}:
 * uploads ahead of a send and a message's inline attachments. The account in the key is what makes an upload
 * usable by that account only; the random part keeps keys unguessable and names from colliding; the name,
 * percent-encoded, is the default attachment name.
 */
final class Uploads {

    static final int MAX_FILENAME = 255;
    /** Encoded names longer than this are shortened: a path segment must stay within file system limits. */
    private static final int MAX_KEY_NAME = 180;
    private static final Pattern KEY = Pattern.compile("v1/([0-9]+)/([0-9a-f]{32})/([^/]+)");

    private final AttachmentStore store;
    private final Limits limits;

    Uploads(AttachmentStore store, Limits limits) {
        this.store = store;
        this.limits = limits;
    }

    /**
     * Streams an upload into the store, never more than {@link Limits#maxAttachmentBytes()} of it.
     *
     * @throws EmailException validation_error on {@code filename} or {@code content_type}, payload_too_large on
     *                        {@code file}
     */
    StoredUpload upload(Caller caller, String filename, String contentType, InputStream content) {
        List<FieldError> errors = new ArrayList<>();
        String name = fileName("filename", filename, errors);
        String type = AttachmentChecks.type("content_type", contentType,
                name == null ? AttachmentChecks.DEFAULT_TYPE : guessType(name), errors);
        if (content == null) {
            errors.add(FieldChecks.invalid("file", "file is required"));
        }
        if (!errors.isEmpty()) {
            throw new EmailException(errors);
        }
        String key = newKey(caller.accountId(), name);
        long size;
        LimitedInputStream capped = new LimitedInputStream(content, limits.maxAttachmentBytes());
        try {
            size = store.write(key, capped);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(key);
            // The stream remembers crossing the limit, however the store wrapped the exception.
            if (capped.exceeded()) {
                throw new EmailException(ErrorCode.PAYLOAD_TOO_LARGE, "file", "file is larger than the limit of "
                        + limits.maxAttachmentBytes() + " bytes");
            }
            throw e instanceof IOException io ? new UncheckedIOException("cannot store upload " + key, io)
                    : (RuntimeException) e;
        }
        return new StoredUpload(key, name, size, type);
    }

    /** A fresh key for a file of the account. */
    static String newKey(long accountId, String name) {
        return "v1/" + accountId + "/" + Tokens.pixelToken() + "/" + keyName(name);
    }

    /** Why {@code key} cannot be one of the account's uploads, or null when it can. */
    static String keyProblem(String key, long accountId) {
        Matcher m = key == null ? null : KEY.matcher(key);
        if (m == null || !m.matches() || m.group(3).equals(".") || m.group(3).equals("..")) {
            return "is not a storage key of an upload";
        }
        if (!m.group(1).equals(String.valueOf(accountId))) {
            return "is not an upload of this account";
        }
        return null;
    }

    /** The name an upload was stored under (the key's last segment, decoded). */
    static String nameOf(String key) {
        String encoded = key.substring(key.lastIndexOf('/') + 1);
        try {
            return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return encoded;
        }
    }

    /**
     * The file name a client gave, without any directory part (browsers on Windows send {@code C:\…\x.pdf}):
     * one line, at most {@link #MAX_FILENAME} characters. Null after reporting a problem.
     */
    static String fileName(String field, String given, List<FieldError> errors) {
        String name = given == null ? "" : given.substring(Math.max(given.lastIndexOf('/'), given.lastIndexOf('\\'))
                + 1).strip();
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            errors.add(FieldChecks.invalid(field, field + " is required"));
            return null;
        }
        if (!FieldChecks.oneLine(name) || name.length() > MAX_FILENAME) {
            errors.add(FieldChecks.invalid(field, field + " must be one line of at most " + MAX_FILENAME
                    + " characters"));
            return null;
        }
        return name;
    }

    /** The type a file's name suggests, else {@code application/octet-stream}. */
    static String guessType(String name) {
        String guessed = URLConnection.guessContentTypeFromName(name);
        return guessed == null ? AttachmentChecks.DEFAULT_TYPE : guessed;
    }

    void deleteQuietly(String key) {
        try {
            store.delete(key);
        } catch (IOException | RuntimeException ignored) {
            // Best effort: an orphaned file costs space, not correctness.
        }
    }

    private static String keyName(String name) {
        int dot = name.lastIndexOf('.');
        String extension = dot > 0 && name.length() - dot <= 16 ? name.substring(dot) : "";
        String stem = name.substring(0, name.length() - extension.length());
        String encoded = encode(name);
        while (encoded.length() > MAX_KEY_NAME && !stem.isEmpty()) {
            stem = stem.substring(0, stem.offsetByCodePoints(stem.length(), -1));
            encoded = encode(stem + extension);
        }
        return encoded;
    }

    private static String encode(String name) {
        // URLEncoder leaves '*' alone, which some file systems refuse.
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("*", "%2A");
    }
}
