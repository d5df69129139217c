package io.crmemail.core;

import io.crmemail.core.record.RecordDirectory;
import io.crmemail.core.record.TableInfo;
import java.util.Map;

/** Table and record lookups that turn "no such thing" into a not_found error naming the field. */
final class RecordLookup {

    private RecordLookup() {
    }

    static TableInfo table(RecordDirectory records, Caller caller, Long tableId) {
        if (tableId == null) {
            throw EmailException.validation("tableId", "tableId is required");
        }
        return records.table(caller.accountId(), tableId)
                .orElseThrow(() -> EmailException.notFound("tableId", "unknown table " + tableId));
    }

    static Map<String, Object> record(RecordDirectory records, Caller caller, TableInfo table, Long recordId) {
        if (recordId == null) {
            throw EmailException.validation("recordId", "recordId is required");
        }
        return records.record(caller.accountId(), table.id(), recordId)
                .orElseThrow(() -> EmailException.notFound("recordId",
                        "unknown record " + recordId + " in table " + table.id()));
    }
}
