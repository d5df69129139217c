/**
 * Getting queued mail onto the wire: {@link DeliveryEngine} workers claim due messages from the store,
 * render, compose and send them, and record the outcome, retrying per {@link RetryPolicy}.
 * {@link MailTransportFactory} and {@link MailTransport} (with {@link Envelope} and {@link TransportResult})
 * are the SPI for replacing SMTP, e.g. in tests; {@link SmtpTransportFactory} is the shipped, pooled one.
 * Hosts configure delivery through the {@code EmailService} builder; the engine is public only so that
 * service can wire it. The package-private classes (pooling, rate limiting, rendering, outcome mapping)
 * are internal.
 */
package io.crmemail.core.delivery;
