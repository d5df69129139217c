package io.crmemail.core;

import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.store.EmailStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An existing conversation a {@code /api/v1} message continues, and what a reply takes from it: the
 * In-Reply-To and References headers that thread it in the recipients' clients, a default subject, and the
 * record whose timeline it belongs on.
 *
 * @param id       the conversation's id
 * @param messages its messages, oldest first (never empty)
 */
record Conversation(String id, List<EmailMessage> messages) {

    /** RFC 5322 msg-id as we accept it from callers: {@code <left@right>}, printable ASCII, no brackets inside. */
    static final Pattern MESSAGE_ID = Pattern.compile("<[!-;=?-~]+@[!-;=?-~]+>");

    private static final int MAX_THREAD_ID = 200;
    /** References grow by one id per reply; past this they keep the first id and the latest ones. */
    private static final int MAX_REFERENCES_CHARS = 900;

    Conversation {
        messages = List.copyOf(messages);
    }

    /**
     * The account's conversation {@code threadId}, or null when none is asked for or after reporting it
     * (validation_error when malformed, not_found when the account has no such conversation).
     */
    static Conversation find(EmailStore store, Caller caller, String threadId, List<FieldError> errors) {
        if (threadId == null) {
            return null;
        }
        if (threadId.isBlank() || threadId.length() > MAX_THREAD_ID || !FieldChecks.oneLine(threadId)) {
            errors.add(FieldChecks.invalid("thread_id", "thread_id must be one line of 1 to " + MAX_THREAD_ID
                    + " characters"));
            return null;
        }
        List<EmailMessage> messages = store.thread(caller.accountId(), threadId);
        if (messages.isEmpty()) {
            errors.add(new FieldError(ErrorCode.NOT_FOUND, "thread_id", "unknown thread " + threadId));
            return null;
        }
        return new Conversation(threadId, messages);
    }

    EmailMessage latest() {
        return messages.get(messages.size() - 1);
    }

    /** The record of the latest message that is on one; {@link RecordRef#NONE} when none is. */
    RecordRef record() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            RecordRef record = messages.get(i).record();
            if (record != null && !record.isNone()) {
                return record;
            }
        }
        return RecordRef.NONE;
    }

    /** "Re: " and the latest subject (as it went out, when it did), unless that already starts with "Re:". */
    String replySubject(int maxChars) {
        var meta = latest().metadata();
        String subject = meta.renderedSubject() != null ? meta.renderedSubject() : meta.subject();
        subject = subject == null ? "" : subject.strip();
        String reply = subject.toLowerCase(Locale.ROOT).startsWith("re:") ? subject : "Re: " + subject;
        return reply.length() > maxChars ? reply.substring(0, maxChars) : reply;
    }

    /** The latest message's Message-ID: what this reply answers. Null when it has none. */
    String inReplyTo() {
        return latest().metadata().messageId();
    }

    /**
     * The latest message's References (or, lacking them, its In-Reply-To) followed by its Message-ID, trimmed to
     * a sane length.
     */
    String references() {
        // Stored references of inbound mail are as received: only well-formed ids are carried on.
        var meta = latest().metadata();
        // RFC 5322 3.6.4: a parent without References (many clients send only In-Reply-To) contributes its
        // In-Reply-To instead, so the chain back to our own message is not lost.
        String chain = meta.references() != null && !meta.references().isBlank() ? meta.references() : meta.inReplyTo();
        List<String> ids = new ArrayList<>(split(chain).stream()
                .filter(id -> MESSAGE_ID.matcher(id).matches()).toList());
        if (inReplyTo() != null && MESSAGE_ID.matcher(inReplyTo()).matches()) {
            ids.add(inReplyTo());
        }
        return ids.isEmpty() ? null : trim(ids);
    }

    /**
     * Keeps the first id (the conversation's root, which clients thread by) and as many of the latest as fit,
     * as RFC 5322 section 3.6.4 suggests for long chains.
     */
    static String trim(List<String> ids) {
        if (String.join(" ", ids).length() <= MAX_REFERENCES_CHARS) {
            return String.join(" ", ids);
        }
        List<String> kept = new ArrayList<>();
        int length = ids.get(0).length();
        for (int i = ids.size() - 1; i > 0 && length + 1 + ids.get(i).length() <= MAX_REFERENCES_CHARS; i--) {
            kept.add(0, ids.get(i));
            length += 1 + ids.get(i).length();
        }
        kept.add(0, ids.get(0));
        return String.join(" ", kept);
    }

    /** Space-separated Message-IDs; none for null or blank. */
    static List<String> split(String references) {
        if (references == null || references.isBlank()) {
            return List.of();
        }
        return Arrays.stream(references.strip().split("\\s+")).toList();
    }
}
