package io.crmemail.core;

import io.crmemail.core.compose.ExtraHeaders;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The caller-chosen extras of a {@code /api/v1} message: custom headers, tags, its own metadata, links to a
 * contact or deal, and threading headers. Each is bounded, and whatever ends up in a header is one line.
 */
final class MessageExtras {

    static final int MAX_HEADERS = 50;
    static final int MAX_TAGS = 20;
    static final int MAX_TAG = 100;
    static final int MAX_METADATA = 50;
    static final int MAX_METADATA_KEY = 100;
    static final int MAX_METADATA_VALUE = 1000;
    static final int MAX_LINK_ID = 200;


    private MessageExtras() {
    }

    static Map<String, String> headers(Map<String, String> given, List<FieldError> errors) {
        if (given.size() > MAX_HEADERS) {
            errors.add(FieldChecks.invalid("headers", "at most " + MAX_HEADERS + " headers are allowed, got "
                    + given.size()));
            return Map.of();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        given.forEach((name, value) -> {
            // The composer applies the same rule again at transmission: one rule, named once.
            String problem = ExtraHeaders.problem(name, value);
            if (problem == null) {
                headers.put(name, value.strip());
            } else if (!ExtraHeaders.validName(name)) {
                errors.add(FieldChecks.invalid("headers", "header name " + printable(name) + ": " + problem));
            } else {
                errors.add(FieldChecks.invalid("headers." + name, problem));
            }
        });
        return headers;
    }

    static List<String> tags(List<String> given, List<FieldError> errors) {
        if (given.size() > MAX_TAGS) {
            errors.add(FieldChecks.invalid("tags", "at most " + MAX_TAGS + " tags are allowed, got " + given.size()));
            return List.of();
        }
        List<String> tags = new ArrayList<>(given.size());
        for (int i = 0; i < given.size(); i++) {
            String tag = given.get(i);
            if (tag == null || tag.isBlank() || tag.length() > MAX_TAG || !FieldChecks.oneLine(tag)) {
                errors.add(FieldChecks.invalid("tags[" + i + "]", "tags[" + i + "] must be 1 to " + MAX_TAG
                        + " printable characters"));
            } else {
                tags.add(tag);
            }
        }
        return tags;
    }

    static Map<String, String> metadata(Map<String, String> given, List<FieldError> errors) {
        if (given.size() > MAX_METADATA) {
            errors.add(FieldChecks.invalid("metadata", "at most " + MAX_METADATA + " metadata keys are allowed, got "
                    + given.size()));
            return Map.of();
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        given.forEach((key, value) -> {
            if (key == null || key.isEmpty() || key.length() > MAX_METADATA_KEY || !FieldChecks.oneLine(key)) {
                errors.add(FieldChecks.invalid("metadata", "metadata key " + printable(key) + " must be 1 to "
                        + MAX_METADATA_KEY + " characters without control characters"));
            } else if (value == null || value.length() > MAX_METADATA_VALUE || FieldChecks.hasControl(value)) {
                errors.add(FieldChecks.invalid("metadata." + key, "metadata." + key + " must be a value of at most "
                        + MAX_METADATA_VALUE + " characters without control characters"));
            } else {
                metadata.put(key, value);
            }
        });
        return metadata;
    }

    /** A contact or deal id, stored as given: one line, bounded. Null stays null. */
    static String linkId(String field, String id, List<FieldError> errors) {
        if (id != null && (id.isBlank() || id.length() > MAX_LINK_ID || !FieldChecks.oneLine(id))) {
            errors.add(FieldChecks.invalid(field, field + " must be one line of 1 to " + MAX_LINK_ID + " characters"));
            return null;
        }
        return id;
    }

    /** One Message-ID with angle brackets, or null after reporting it. */
    static String messageId(String field, String value, List<FieldError> errors) {
        if (value == null) {
            return null;
        }
        String id = value.strip();
        if (!Conversation.MESSAGE_ID.matcher(id).matches()) {
            errors.add(FieldChecks.invalid(field, field + " must be a Message-ID like <id@domain>"));
            return null;
        }
        return id;
    }

    /** Space-separated Message-IDs, normalised to single spaces and trimmed like a reply's own; null for none. */
    static String references(String value, List<FieldError> errors) {
        if (value == null) {
            return null;
        }
        List<String> ids = Conversation.split(value);
        if (ids.isEmpty() || ids.stream().anyMatch(id -> !Conversation.MESSAGE_ID.matcher(id).matches())) {
            errors.add(FieldChecks.invalid("references",
                    "references must be Message-IDs like <id@domain> separated by spaces"));
            return null;
        }
        return Conversation.trim(ids);
    }

    private static String printable(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("\"");
        value.codePoints().limit(60).forEach(c -> out.append(Character.isISOControl(c) ? "?" : Character.toString(c)));
        return out.append(value.length() > 60 ? "…\"" : "\"").toString();
    }
}
