package io.crmemail.core.json;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** An enum with a lower-case wire form, as it appears in JSON and in the spec. */
public interface WireEnum {

    /** The constant's name in lower case, e.g. {@code email_out}. */
    @JsonValue
    default String wire() {
        return ((Enum<?>) this).name().toLowerCase(Locale.ROOT);
    }

    /**
     * The constant whose wire form equals {@code wire} ignoring case.
     *
     * @throws IllegalArgumentException naming the type and the unknown value
     */
    static <E extends Enum<E> & WireEnum> E parse(E[] values, String wire) {
        for (E value : values) {
            if (value.wire().equalsIgnoreCase(wire)) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown " + values.getClass().getComponentType().getSimpleName() + ": "
                + wire);
    }
}
