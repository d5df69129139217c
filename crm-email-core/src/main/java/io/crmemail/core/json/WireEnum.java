package io.crmemail.core.json;

/** An enum with a lower-case wire form, as it appears in JSON and in the spec. */
public interface WireEnum {

    String wire();

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
