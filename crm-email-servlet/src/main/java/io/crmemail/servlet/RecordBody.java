package io.crmemail.servlet;

/** The body of recordContext: {@code {tableId, recordId}}. */
record RecordBody(Long tableId, Long recordId) {
}
