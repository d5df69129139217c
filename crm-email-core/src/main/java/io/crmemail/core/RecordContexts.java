package io.crmemail.core;

import io.crmemail.core.record.FieldInfo;
import io.crmemail.core.record.FieldType;
import io.crmemail.core.record.RecordContext;
import io.crmemail.core.record.RecordDirectory;
import io.crmemail.core.record.TableInfo;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds the compose modal's {@link RecordContext}. */
final class RecordContexts {

    private RecordContexts() {
    }

    static RecordContext of(RecordDirectory records, Caller caller, Long tableId, Long recordId) {
        TableInfo table = RecordLookup.table(records, caller, tableId);
        Map<String, Object> values = RecordLookup.record(records, caller, table, recordId);
        Set<String> emails = new LinkedHashSet<>();
        for (FieldInfo field : table.fields()) {
            if (field.type() == FieldType.EMAIL) {
                collectAddresses(values.get(field.id()), emails);
            }
        }
        List<RecordContext.Field> fields = table.fields().stream()
                .filter(f -> f.type() != FieldType.KEY && f.type() != FieldType.CALC)
                .map(f -> new RecordContext.Field(f.id(), f.name()))
                .toList();
        return new RecordContext(List.copyOf(emails), fields);
    }

    /** An email field may hold one address, a comma/semicolon separated list, or a collection. */
    private static void collectAddresses(Object value, Set<String> into) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> many) {
            many.forEach(v -> collectAddresses(v, into));
            return;
        }
        for (String part : value.toString().split("[,;]")) {
            String address = part.strip();
            if (!address.isEmpty()) {
                into.add(address);
            }
        }
    }
}
