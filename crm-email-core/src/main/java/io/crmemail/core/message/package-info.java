/**
 * The timeline model a host reads: an {@link EmailMessage} is an email as a comment on a record
 * ({@link RecordRef}), and its {@link EmailMetadata} holds status, content and delivery facts, using
 * {@link EmailStatus}, {@link CommentType}, {@link Mailbox}, {@link AttachmentRef} and
 * {@link RecipientResult}. All are public, immutable values that store implementations persist as they are.
 */
package io.crmemail.core.message;
