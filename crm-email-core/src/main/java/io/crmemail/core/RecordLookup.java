package io.crmemail.core;

import io.crmemail.core.record.RecordDirectory;
import io.crmemail.core.record.TableInfo;
import java.util.Map;

/** Table and record lookups that turn "no such thing" into a not_found error naming the field. */
final class RecordLookup {

    private RecordLookup() {
    }

    static TableInfo table(RecordDirectory records, Caller caller, Long tableId) {
        return table(records, caller, tableId, "tableId");
    }

    static TableInfo table(RecordDirectory records, Caller caller, Long tableId, String field) {
        if (tableId == null) {
            throw EmailException.validation(field, field + " is required");
        }
        return records.table(caller.accountId(), tableId)
                .orElseThrow(() -> EmailException.notFound(field, "unknown table " + tableId));
    }

    static Map<String, Object> record(RecordDirectory records, Caller caller, TableInfo table, Long recordId) {
        return record(records, caller, table, recordId, "recordId");
    }

    static Map<String, Object> record(RecordDirectory records, Caller caller, TableInfo table, Long recordId,
                                      String field) {
        if (recordId == null) {
            throw EmailException.validation(field, field + " is required");
        }
        return records.record(caller.accountId(), table.id(), recordId)
                .orElseThrow(() -> EmailException.notFound(field,
                        "unknown record " + recordId + " in table " + table.id()));
    }
}
