/**
 * Per-user HTML email signatures. {@link Signature} and {@link SignatureRequest} are the public values a
 * host reads and sends through {@code EmailService}. {@link SignatureService} (validation, sanitising, one
 * default per user, other users' signatures treated as missing) is public only so that service can wire it.
 */
package io.crmemail.core.signature;
