package io.crmemail.core.message;

/**
 * An attachment as comment attachments describe it: a display name, the path of the already uploaded
 * file in the {@link io.crmemail.core.attachment.AttachmentStore}, its content type and size, and the
 * host that serves it (opaque to the library).
 */
public record AttachmentRef(String name, String path, String type, long size, String host) {
}
