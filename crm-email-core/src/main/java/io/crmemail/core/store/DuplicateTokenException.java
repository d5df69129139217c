package io.crmemail.core.store;

/**
 * A token of a new message already exists. Thrown by {@link EmailStore#enqueue} with nothing stored;
 * the caller draws fresh tokens and tries again.
 */
public class DuplicateTokenException extends IllegalStateException {

    public DuplicateTokenException(String message) {
        super(message);
    }
}
