package io.crmemail.core.inbound;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Copies a raw message to a temp file, enforcing the size and header caps while it streams, so that
 * parsing can read it through a file-backed stream instead of holding it in memory.
 */
final class Spool implements AutoCloseable {

    /** The message broke a cap; the reason says which. */
    static final class TooLargeException extends IOException {
        TooLargeException(String message) {
            super(message);
        }
    }

    private final Path file;

    private Spool(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    static Spool of(InputStream in, Path directory, InboundLimits limits) throws IOException {
        Path file = Files.createTempFile(directory, "crm-email-in-", ".eml");
        Spool spool = new Spool(file);
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            // Tracks the end of the header block: the first empty line (CRLF CRLF or LF LF).
            int lineLength = 0;
            boolean headersDone = false;
            for (int n; (n = in.read(buffer)) != -1; ) {
                for (int i = 0; i < n && !headersDone; i++) {
                    byte b = buffer[i];
                    long position = total + i;
                    if (b == '\n') {
                        if (lineLength == 0) {
                            headersDone = true;
                        }
                        lineLength = 0;
                    } else if (b != '\r') {
                        lineLength++;
                    }
                    if (!headersDone && position >= limits.maxHeaderBytes()) {
                        throw new TooLargeException("headers exceed " + limits.maxHeaderBytes() + " bytes");
                    }
                }
                total += n;
                if (total > limits.maxMessageBytes()) {
                    throw new TooLargeException("message exceeds " + limits.maxMessageBytes() + " bytes");
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException | RuntimeException e) {
            spool.close();
            throw e;
        }
        return spool;
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A leftover temp file is harmless; the OS cleans the temp directory.
        }
    }
}
