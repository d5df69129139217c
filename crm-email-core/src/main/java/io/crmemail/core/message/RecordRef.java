package io.crmemail.core.message;

/**
 * A record of the host CRM: its table and its id. {@link #NONE} marks a message sent through the
 * {@code /api/v1} surface without a record: it is on no timeline (ids start at 1 in every CRM we know).
 */
public record RecordRef(long tableId, long recordId) {

    /** No record: table 0, record 0. */
    public static final RecordRef NONE = new RecordRef(0, 0);

    /** True for {@link #NONE}. */
    public boolean isNone() {
        return tableId == 0 && recordId == 0;
    }
}
