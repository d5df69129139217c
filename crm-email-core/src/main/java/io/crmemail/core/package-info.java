/**
 * The entry point for hosts: {@link EmailService}, built with its builder from the SPIs of the
 * sub-packages, is the one façade to send, list, cancel, track and receive mail. Its inputs and outputs
 * live here too ({@link Caller}, {@link SendRequest}, {@link SendResult}, {@link EmailSettings},
 * {@link Limits}), as does the one exception type, {@link EmailException}, with its stable {@link ErrorCode}
 * and {@link FieldError}s. The package-private classes (validation, enqueueing, record lookups, attachment
 * path rules) are the service's internals.
 */
package io.crmemail.core;
