package io.crmemail.servlet;

import java.nio.file.Path;

/**
 * A file part of a multipart request, spooled to a temp file that lives until its {@link MultipartForm} is
 * closed.
 *
 * @param fieldName   the part's form field name, whatever it is ({@code attachments}, {@code file}, {@code files[]})
 * @param filename    the name the client gave, without any path, never blank, no control characters
 * @param contentType the part's Content-Type as sent, {@code application/octet-stream} when absent
 * @param path        the temp file holding the bytes
 * @param size        bytes
 */
record UploadedFile(String fieldName, String filename, String contentType, Path path, long size) {
}
