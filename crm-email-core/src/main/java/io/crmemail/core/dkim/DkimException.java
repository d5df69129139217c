package io.crmemail.core.dkim;

/** A message could not be signed: a key of its integration does not parse, or the message could not be read. */
public final class DkimException extends Exception {

    DkimException(String message, Throwable cause) {
        super(message, cause);
    }
}
