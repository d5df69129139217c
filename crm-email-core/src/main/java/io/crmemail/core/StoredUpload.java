package io.crmemail.core;

/**
 * A file uploaded ahead of a send; pass {@code storageKey} as an attachment's {@code storage_key}.
 *
 * @param storageKey  the key in the attachment store, scoped to the account
 * @param filename    the file's name as uploaded (sanitised)
 * @param size        bytes
 * @param contentType MIME type as given or guessed
 */
public record StoredUpload(String storageKey, String filename, long size, String contentType) {
}
