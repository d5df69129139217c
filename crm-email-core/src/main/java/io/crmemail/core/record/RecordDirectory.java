package io.crmemail.core.record;

import java.util.Map;
import java.util.Optional;

/**
 * The host CRM's records, as the library sees them. Implement this over your own tables; the library
 * only reads. Both methods are called on the request path and again by delivery workers, which merge
 * fields against the record as it is at transmission.
 */
public interface RecordDirectory {

    /** The table with its fields, or empty when the account has no such table. */
    Optional<TableInfo> table(long accountId, long tableId);

    /**
     * The record's current field values keyed by field id, or empty when it does not exist. A value may
     * be a String, a Number, a Collection (joined with ", " when merged) or null.
     */
    Optional<Map<String, Object>> record(long accountId, long tableId, long recordId);
}
