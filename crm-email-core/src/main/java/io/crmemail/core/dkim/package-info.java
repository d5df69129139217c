/**
 * DKIM signing (RFC 6376, relaxed/relaxed; rsa-sha256 and ed25519-sha256 per RFC 8463). Keys are
 * {@link io.crmemail.core.integration.DkimKey}s on an integration; {@link MessageSigner} adds one
 * {@code DKIM-Signature} per key of the From address's domain (or a parent domain) to a composed message,
 * and {@link DkimKeys} checks keys and prints the DNS record to publish. The rest is internal.
 */
package io.crmemail.core.dkim;
