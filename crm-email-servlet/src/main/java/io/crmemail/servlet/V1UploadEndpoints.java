package io.crmemail.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmemail.core.Caller;
import io.crmemail.core.EmailService;
import io.crmemail.core.StoredUpload;
import io.crmemail.core.message.EmailMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The multipart v1 endpoints: {@code POST /api/v1/emails/send/multipart} (a {@code payload} JSON field plus file
 * parts, whatever their names, as attachments) and {@code POST /api/v1/uploads} (one file, for later
 * {@code storage_key} attachments). Files stream to temporary files, then into the attachment store.
 */
final class V1UploadEndpoints {

    /** Form fields that carry lists when a multipart send spells its fields out instead of a payload. */
    private static final Set<String> LIST_FIELDS = Set.of("to", "cc", "bcc", "reply_to", "tags");
    /** Form fields whose value is JSON (objects) in that case. */
    private static final Set<String> JSON_FIELDS = Set.of("variables", "metadata", "headers", "record", "attachments");

    private final EmailService email;
    private final V1Gate gate;
    private final V1Idempotency idempotency;
    private final JsonBodies bodies;
    private final V1EmailEndpoints emails;
    private final MultipartLimits limits;
    private final Path tempDir;

    V1UploadEndpoints(EmailService email, V1Gate gate, V1Idempotency idempotency, JsonBodies bodies,
                      V1EmailEndpoints emails, MultipartLimits limits, Path tempDir) {
        this.email = email;
        this.gate = gate;
        this.idempotency = idempotency;
        this.bodies = bodies;
        this.emails = emails;
        this.limits = limits;
        this.tempDir = tempDir;
    }

    void register(Router router) {
        router.route("POST", "/api/v1/emails/send/multipart", this::sendMultipart)
                .route("POST", "/api/v1/uploads", this::upload);
    }

    private void sendMultipart(Exchange ex) throws IOException {
        Caller caller = gate.enter(ex, V1Gate.SEND);
        try (MultipartForm form = MultipartForm.parse(ex.request(), limits, tempDir)) {
            byte[] payload = payload(form);
            idempotency.run(ex, caller, fingerprint(payload, form.files()), e -> {
                V1SendBody body = bodies.strict(payload, V1SendBody.class);
                if (body == null) {
                    throw ApiException.validation("payload", "the payload field must hold the JSON send body");
                }
                List<V1SendBody.V1Attachment> files = new ArrayList<>();
                V1SendBody withFiles;
                EmailMessage accepted;
                try {
                    for (UploadedFile file : form.files()) {
                        StoredUpload stored = store(caller, file);
                        files.add(new V1SendBody.V1Attachment(stored.filename(), stored.contentType(), null,
                                stored.storageKey()));
                    }
                    withFiles = body.withAttachments(files);
                    accepted = emails.accept(e, caller, withFiles);
                } catch (IOException | RuntimeException refused) {
                    // Not accepted: the files stored for it belong to nothing.
                    files.forEach(f -> email.deleteUpload(caller, f.storageKey()));
                    throw refused;
                }
                emails.answer(e, caller, withFiles, accepted);
            });
        }
    }

    private void upload(Exchange ex) throws IOException {
        Caller caller = gate.enter(ex, V1Gate.SEND);
        try (MultipartForm form = MultipartForm.parse(ex.request(), limits, tempDir)) {
            if (form.files().size() != 1) {
                throw ApiException.validation("file", "send exactly one file part, got " + form.files().size());
            }
            UploadedFile file = form.files().get(0);
            idempotency.run(ex, caller, fingerprint(new byte[0], form.files()), e -> {
                StoredUpload stored = store(caller, file);
                e.json(201, V1Envelope.ok(new V1Views.Upload(stored.storageKey(), stored.filename(), stored.size(),
                        stored.contentType())));
            });
        }
    }

    private StoredUpload store(Caller caller, UploadedFile file) throws IOException {
        try (InputStream in = Files.newInputStream(file.path())) {
            return email.upload(caller, file.filename(), file.contentType(), in);
        }
    }

    /** The JSON send body: the {@code payload} field, or one built from fields named like its members. */
    private byte[] payload(MultipartForm form) throws IOException {
        String payload = form.field("payload");
        if (payload != null) {
            if (form.fields().size() > 1 || form.fields().get("payload").size() > 1) {
                throw ApiException.validation("payload", "give one payload field and no other form fields");
            }
            return payload.getBytes(StandardCharsets.UTF_8);
        }
        ObjectNode body = bodies.mapper().createObjectNode();
        for (Map.Entry<String, List<String>> field : form.fields().entrySet()) {
            String name = field.getKey();
            List<String> values = field.getValue();
            if (LIST_FIELDS.contains(name)) {
                values.forEach(body.withArray(name)::add);
            } else if (values.size() > 1) {
                throw ApiException.validation(name, name + " was given " + values.size() + " times");
            } else if (JSON_FIELDS.contains(name)) {
                body.set(name, json(name, values.get(0)));
            } else {
                body.put(name, values.get(0));
            }
        }
        return bodies.mapper().writeValueAsBytes(body);
    }

    private JsonNode json(String name, String value) {
        try {
            return bodies.mapper().readTree(value);
        } catch (IOException e) {
            throw ApiException.validation(name, name + " must hold JSON");
        }
    }

    /** The payload and every file's name, type and content digest: a repeat must be the same upload. */
    private static byte[] fingerprint(byte[] payload, List<UploadedFile> files) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(payload);
            for (UploadedFile file : files) {
                sha.update(("\n" + file.fieldName() + "\n" + file.filename() + "\n" + file.contentType() + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                try (InputStream in = new DigestInputStream(Files.newInputStream(file.path()), sha)) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
            }
            return HexFormat.of().formatHex(sha.digest()).getBytes(StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
