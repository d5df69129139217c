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
            HeaderBlockCheck headers = new HeaderBlockCheck(limits.maxHeaderBytes());
            DelimiterCount delimiters = new DelimiterCount(2L * limits.maxParts());
            for (int n; (n = in.read(buffer)) != -1; ) {
                headers.scan(buffer, n, total);
                delimiters.scan(buffer, n);
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

    /** Finds the end of the header block (the first empty line) and enforces the header cap on the way. */
    private static final class HeaderBlockCheck {
        private final int max;
        private int lineLength;
        private boolean done;

        HeaderBlockCheck(int max) {
            this.max = max;
        }

        void scan(byte[] buffer, int n, long offset) throws TooLargeException {
            for (int i = 0; i < n && !done; i++) {
                byte b = buffer[i];
                if (b == '\n') {
                    done = lineLength == 0;
                    lineLength = 0;
                } else if (b != '\r') {
                    lineLength++;
                }
                if (!done && offset + i >= max) {
                    throw new TooLargeException("headers exceed " + max + " bytes");
                }
            }
        }
    }

    /**
     * Counts lines that could be MIME boundary delimiters ({@code --} then no space). Jakarta Mail parses
     * every part of a multipart before the walker can count them, so a message with a huge number of
     * tiny parts must be refused here, while streaming. Twice the part cap leaves room for dashed lines
     * in text; base64 never starts a line with a dash.
     */
    private static final class DelimiterCount {
        private final long max;
        private long count;
        private int column;
        private int dashes;

        DelimiterCount(long max) {
            this.max = max;
        }

        void scan(byte[] buffer, int n) throws TooLargeException {
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (b == '\n') {
                    column = 0;
                    dashes = 0;
                    continue;
                }
                if (column < 2) {
                    dashes = b == '-' ? dashes + 1 : -1;
                } else if (column == 2 && dashes == 2 && b != ' ' && b != '\t' && b != '\r'
                        && ++count > max) {
                    throw new TooLargeException("more than " + max + " possible MIME boundaries");
                }
                column++;
            }
        }
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
