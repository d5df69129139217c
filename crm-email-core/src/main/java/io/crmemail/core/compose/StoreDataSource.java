package io.crmemail.core.compose;

import io.crmemail.core.attachment.AttachmentStore;
import jakarta.activation.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * An attachment read straight from the {@link AttachmentStore}: every {@link #getInputStream()} opens
 * the file anew, so a message can be written (and re-sent) without ever holding the file in memory.
 */
final class StoreDataSource implements DataSource {

    private final AttachmentStore store;
    private final String path;
    private final String contentType;
    private final String name;

    StoreDataSource(AttachmentStore store, String path, String contentType, String name) {
        this.store = store;
        this.path = path;
        this.contentType = contentType;
        this.name = name;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return store.open(path);
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        throw new IOException("attachments are read-only while composing");
    }

    @Override
    public String getContentType() {
        return contentType;
    }

    @Override
    public String getName() {
        return name;
    }
}
