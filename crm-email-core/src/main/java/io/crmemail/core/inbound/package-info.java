/**
 * Receiving replies: {@link InboundProcessor} spools raw RFC 822 mail within {@link InboundLimits}, routes
 * it by reply token or In-Reply-To/References and stores it as an {@code email_in} comment with its
 * attachments, in its parent's conversation; delivery reports (bounces and delivery confirmations) are applied
 * to the message they report on instead. Hosts call {@code EmailService.receive} and read {@link InboundResult} and
 * {@link InboundCounts}; the processor is public only so that service can wire it. The package-private
 * classes (spooling, MIME walking, lenient headers, routing, quoted-history and auto-reply detection) are
 * internal.
 */
package io.crmemail.core.inbound;
