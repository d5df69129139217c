package io.crmemail.core;

import io.crmemail.core.attachment.AttachmentStore;
import io.crmemail.core.message.AttachmentRef;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The attachments of a {@code /api/v1} message: uploads of the account ({@code storage_key}) and bytes given
 * inline ({@code content}). Inline bytes get their key during validation but are written only once the whole
 * message (or batch) is accepted, so a refused request leaves no files behind.
 */
final class MessageAttachments {

    /** Inline bytes to write under {@code path}. */
    record Pending(String path, byte[] content) {
    }

    /** The attachments to store with the message, in request order, and the inline ones still to write. */
    record Resolved(List<AttachmentRef> refs, List<Pending> pending) {
        static final Resolved NONE = new Resolved(List.of(), List.of());
    }

    private final AttachmentStore store;
    private final Uploads uploads;
    private final Limits limits;

    MessageAttachments(AttachmentStore store, Uploads uploads, Limits limits) {
        this.store = store;
        this.uploads = uploads;
        this.limits = limits;
    }

    Resolved resolve(Caller caller, List<MessageRequest.Attachment> given, List<FieldError> errors) {
        if (given.isEmpty() || !AttachmentChecks.countFits(given.size(), limits, errors)) {
            return Resolved.NONE;
        }
        List<AttachmentRef> refs = new ArrayList<>();
        List<Pending> pending = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < given.size(); i++) {
            String field = "attachments[" + i + "]";
            MessageRequest.Attachment a = given.get(i);
            if (a == null || (a.storageKey() == null) == (a.content() == null)) {
                errors.add(FieldChecks.invalid(field, field + " needs exactly one of storage_key and content"));
                continue;
            }
            boolean inline = a.content() != null;
            String key = a.storageKey();
            if (!inline && !uploaded(field + ".storage_key", caller, key, errors)) {
                continue;
            }
            // An upload is shown under its uploaded name unless the message names it otherwise.
            String requested = a.filename() != null && !a.filename().isBlank() ? a.filename()
                    : inline ? null : Uploads.nameOf(key);
            String name = Uploads.fileName(field + ".filename", requested, errors);
            String type = name == null ? null
                    : AttachmentChecks.type(field + ".content_type", a.contentType(), Uploads.guessType(name), errors);
            if (name == null || type == null) {
                continue;
            }
            long size;
            if (inline) {
                key = Uploads.newKey(caller.accountId(), name);
                size = a.content().length;
                pending.add(new Pending(key, a.content()));
            } else {
                try {
                    size = store.size(key);
                } catch (IOException e) {
                    errors.add(FieldChecks.invalid(field + ".storage_key", field + ".storage_key cannot be read"));
                    continue;
                }
            }
            total += size;
            refs.add(new AttachmentRef(name, key, type, size, null));
        }
        AttachmentChecks.totalFits(total, limits, errors);
        return new Resolved(refs, pending);
    }

    /** Writes the inline bytes; on failure removes what was written and fails (our side, not the caller's). */
    void write(List<Pending> pending) {
        List<String> written = new ArrayList<>();
        try {
            for (Pending p : pending) {
                store.write(p.path(), new ByteArrayInputStream(p.content()));
                written.add(p.path());
            }
        } catch (IOException | RuntimeException e) {
            discard(written);
            throw e instanceof IOException io ? new UncheckedIOException("cannot store an attachment", io)
                    : (RuntimeException) e;
        }
    }

    /** Removes inline files of a message that was not stored after all. */
    void discard(List<String> paths) {
        paths.forEach(uploads::deleteQuietly);
    }

    private boolean uploaded(String field, Caller caller, String key, List<FieldError> errors) {
        String problem = Uploads.keyProblem(key, caller.accountId());
        if (problem == null && !store.exists(key)) {
            problem = "does not exist";
        }
        if (problem != null) {
            errors.add(FieldChecks.invalid(field, field + " " + problem));
            return false;
        }
        return true;
    }
}
