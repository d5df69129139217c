package io.crmemail.core.record;

/** The kinds of record fields the library cares about. */
public enum FieldType {
    /** The record's key; not offered for merging in the compose picker. */
    KEY,
    TEXT,
    /** Holds one or more email addresses; offered as To suggestions. */
    EMAIL,
    NUMBER,
    /** Calculated by the host; not offered in the compose picker. */
    CALC,
    /** Anything else the host has. */
    OTHER
}
