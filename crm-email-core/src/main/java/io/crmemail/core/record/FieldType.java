package io.crmemail.core.record;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.crmemail.core.json.WireEnum;

/** The kinds of record fields the library cares about. */
public enum FieldType implements WireEnum {
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

    /** Parses the wire form (any case). */
    @JsonCreator
    public static FieldType fromWire(String wire) {
        return WireEnum.parse(values(), wire);
    }
}
