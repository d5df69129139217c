package io.crmemail.core.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.crmemail.core.json.WireEnum;

/** The comment types an email appears as on a record's timeline. */
public enum CommentType implements WireEnum {
    EMAIL_OUT,
    EMAIL_IN;

    /** Parses the wire form (any case). */
    @JsonCreator
    public static CommentType fromWire(String wire) {
        return WireEnum.parse(values(), wire);
    }
}
