package io.crmemail.core.record;

import java.util.List;
import java.util.Optional;

/**
 * A host table: its id, name, the space it lives in (attachment paths begin {@code {spaceId}-{tableId}-})
 * and its fields.
 */
public record TableInfo(long id, String name, String spaceId, List<FieldInfo> fields) {

    public TableInfo {
        fields = List.copyOf(fields);
    }

    public Optional<FieldInfo> field(String id) {
        return fields.stream().filter(f -> f.id().equals(id)).findFirst();
    }

    /** The prefix every attachment path of this table must start with. */
    public String attachmentPrefix() {
        return spaceId + "-" + id + "-";
    }
}
