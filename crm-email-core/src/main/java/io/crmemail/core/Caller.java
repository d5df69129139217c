package io.crmemail.core;

/**
 * Who is asking: the account (tenant) and the signed-in user. The host authenticates; the library
 * scopes every read and write to the caller's account, and signatures to the user.
 */
public record Caller(long accountId, long userId) {
}
