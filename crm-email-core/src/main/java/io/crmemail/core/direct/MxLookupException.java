package io.crmemail.core.direct;

/** A domain's mail hosts could not be found: for good (no such domain, null MX) or for now (DNS trouble). */
public final class MxLookupException extends Exception {

    private final boolean permanent;

    private MxLookupException(String message, boolean permanent, Throwable cause) {
        super(message, cause);
        this.permanent = permanent;
    }

    /** The domain does not take mail and never will as it is: its recipients bounce. */
    public static MxLookupException permanent(String message) {
        return new MxLookupException(message, true, null);
    }

    /** The answer may be different later (timeout, server failure): its recipients are retried. */
    public static MxLookupException temporary(String message, Throwable cause) {
        return new MxLookupException(message, false, cause);
    }

    public boolean isPermanent() {
        return permanent;
    }
}
