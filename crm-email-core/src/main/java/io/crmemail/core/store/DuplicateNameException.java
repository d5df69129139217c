package io.crmemail.core.store;

/** A name that must be unique within an account (a template's) is taken; nothing was stored. */
public class DuplicateNameException extends RuntimeException {

    public DuplicateNameException(String message) {
        super(message);
    }
}
