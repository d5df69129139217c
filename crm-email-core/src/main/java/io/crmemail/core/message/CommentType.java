package io.crmemail.core.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.crmemail.core.json.WireEnum;

/** The comment types an email appears as on a record's timeline. */
public enum CommentType implements WireEnum {
    EMAIL_OUT("email_out"),
    EMAIL_IN("email_in");

    private final String wire;

    CommentType(String wire) {
        this.wire = wire;
    }

    @JsonValue
    @Override
    public String wire() {
        return wire;
    }

    /** Parses the wire form (any case). */
    @JsonCreator
    public static CommentType fromWire(String wire) {
        return WireEnum.parse(values(), wire);
    }
}
