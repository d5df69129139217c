package io.crmemail.core.record;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

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
    OTHER;

    /** Lower-case wire form. */
    @JsonValue
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses the wire form (any case). */
    @JsonCreator
    public static FieldType fromWire(String wire) {
        for (FieldType value : values()) {
            if (value.wire().equalsIgnoreCase(wire)) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown FieldType: " + wire);
    }
}
