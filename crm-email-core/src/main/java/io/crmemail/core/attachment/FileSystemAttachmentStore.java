package io.crmemail.core.attachment;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;

/** Stores attachments as files under one root directory. */
public final class FileSystemAttachmentStore implements AttachmentStore {

    private final Path root;

    public FileSystemAttachmentStore(Path root) {
        this.root = Objects.requireNonNull(root).toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create attachment directory " + this.root, e);
        }
    }

    public Path root() {
        return root;
    }

    /** Resolves a key under the root, refusing anything that would leave it. */
    Path resolve(String path) throws NoSuchFileException {
        if (path == null || path.isBlank() || path.indexOf('\0') >= 0) {
            throw new NoSuchFileException(String.valueOf(path));
        }
        String relative = path.startsWith("/") ? path.substring(1) : path;
        Path resolved = root.resolve(relative).normalize();
        if (!resolved.startsWith(root) || resolved.equals(root)) {
            throw new NoSuchFileException(path);
        }
        return resolved;
    }

    @Override
    public InputStream open(String path) throws IOException {
        Path file = resolve(path);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(path);
        }
        return Files.newInputStream(file);
    }

    @Override
    public boolean exists(String path) {
        try {
            return Files.isRegularFile(resolve(path));
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    @Override
    public long size(String path) throws IOException {
        Path file = resolve(path);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(path);
        }
        return Files.size(file);
    }

    @Override
    public long write(String path, InputStream content) throws IOException {
        Path file = resolve(path);
        Files.createDirectories(file.getParent());
        // Write to a sibling temp file first so a reader never sees half a file.
        Path temp = Files.createTempFile(file.getParent(), ".upload-", ".tmp");
        try {
            long written = Files.copy(content, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return written;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public boolean delete(String path) throws IOException {
        return Files.deleteIfExists(resolve(path));
    }
}
