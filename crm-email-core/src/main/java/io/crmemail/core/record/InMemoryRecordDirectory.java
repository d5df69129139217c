package io.crmemail.core.record;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A thread-safe {@link RecordDirectory} held in memory, for tests, demos and small hosts. */
public final class InMemoryRecordDirectory implements RecordDirectory {

    private record TableKey(long accountId, long tableId) {
    }

    private record RecordKey(long accountId, long tableId, long recordId) {
    }

    private final Map<TableKey, TableInfo> tables = new ConcurrentHashMap<>();
    private final Map<RecordKey, Map<String, Object>> records = new ConcurrentHashMap<>();

    /** Adds or replaces a table of an account. */
    public InMemoryRecordDirectory putTable(long accountId, TableInfo table) {
        tables.put(new TableKey(accountId, table.id()), table);
        return this;
    }

    /** Adds or replaces a record's values (a copy is kept; null values allowed). */
    public InMemoryRecordDirectory putRecord(long accountId, long tableId, long recordId, Map<String, ?> values) {
        records.put(new RecordKey(accountId, tableId, recordId), new LinkedHashMap<>(values));
        return this;
    }

    /** Changes one field of an existing record, as a host edit would. */
    public InMemoryRecordDirectory updateField(long accountId, long tableId, long recordId, String field, Object value) {
        records.computeIfPresent(new RecordKey(accountId, tableId, recordId), (k, v) -> {
            Map<String, Object> copy = new LinkedHashMap<>(v);
            copy.put(field, value);
            return copy;
        });
        return this;
    }

    public InMemoryRecordDirectory removeRecord(long accountId, long tableId, long recordId) {
        records.remove(new RecordKey(accountId, tableId, recordId));
        return this;
    }

    @Override
    public Optional<TableInfo> table(long accountId, long tableId) {
        return Optional.ofNullable(tables.get(new TableKey(accountId, tableId)));
    }

    @Override
    public Optional<Map<String, Object>> record(long accountId, long tableId, long recordId) {
        Map<String, Object> values = records.get(new RecordKey(accountId, tableId, recordId));
        return values == null ? Optional.empty() : Optional.of(new HashMap<>(values));
    }
}
