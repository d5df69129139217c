/**
 * The host CRM's tables and records as the library sees them. {@link RecordDirectory} is the SPI every
 * host implements over its own data: read-only, called on the request path and again at transmission to
 * merge fields. {@link TableInfo}, {@link FieldInfo} and {@link FieldType} describe what it returns;
 * {@link RecordContext} is what {@code EmailService.recordContext} gives the compose modal.
 * {@link InMemoryRecordDirectory} is a shipped implementation for tests, demos and small hosts.
 */
package io.crmemail.core.record;
