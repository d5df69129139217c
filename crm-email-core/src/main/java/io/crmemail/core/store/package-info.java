/**
 * Persistence. {@link EmailStore} is the SPI a host implements (or takes from {@code crm-email-jdbc}) to
 * keep messages, the outbox, tokens, events, signatures and integrations, every operation atomic; the
 * records here ({@link NewEmail}, {@link DeliveryJob}, {@link DeliveryUpdate}, {@link TrackingToken}, …)
 * are its inputs and outputs. {@link InMemoryEmailStore} is the shipped implementation for tests, demos
 * and single-node hosts; its package-private {@code InMemory*} collaborators are internal.
 */
package io.crmemail.core.store;
