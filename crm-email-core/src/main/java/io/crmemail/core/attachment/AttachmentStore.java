package io.crmemail.core.attachment;

import java.io.IOException;
import java.io.InputStream;

/**
 * Attachment bytes by path. Implementations stream: the library never asks for a whole file in
 * memory. Paths are relative keys such as {@code 1-123-brochure.pdf}; implementations must refuse
 * paths that would escape their root.
 */
public interface AttachmentStore {

    /** Opens the file for reading. @throws java.nio.file.NoSuchFileException when it does not exist */
    InputStream open(String path) throws IOException;

    boolean exists(String path);

    /** Size in bytes. @throws java.nio.file.NoSuchFileException when it does not exist */
    long size(String path) throws IOException;

    /** Writes (or replaces) a file from a stream, returning the number of bytes written. */
    long write(String path, InputStream content) throws IOException;

    /** Deletes a file; false when there was none. */
    boolean delete(String path) throws IOException;
}
