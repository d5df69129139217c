package io.crmemail.core.record;

import java.util.List;

/**
 * What the compose modal needs: the record's email-field values (To suggestions) and its mergeable
 * fields (non-key, non-calculated).
 */
public record RecordContext(List<String> emails, List<Field> fields) {

    public RecordContext {
        emails = List.copyOf(emails);
        fields = List.copyOf(fields);
    }

    /** A field offered in the {@code {{field:}}} picker. */
    public record Field(String id, String name) {
    }
}
