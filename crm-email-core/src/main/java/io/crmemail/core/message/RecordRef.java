package io.crmemail.core.message;

/** A record of the host CRM: its table and its id. */
public record RecordRef(long tableId, long recordId) {
}
