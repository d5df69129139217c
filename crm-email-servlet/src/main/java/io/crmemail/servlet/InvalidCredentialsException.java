package io.crmemail.servlet;

/**
 * Thrown by a {@link RequestAuthenticator} when a request carries credentials of its kind that are not
 * valid (unknown or expired token, say). Answered with 401 {@code invalid_key}.
 */
public final class InvalidCredentialsException extends RuntimeException {

    public InvalidCredentialsException(String message) {
        super(message);
    }
}
