package io.crmemail.core.dkim;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The relaxed body canonicalisation of RFC 6376 §3.4.4, streamed: runs of spaces and tabs become one space,
 * white space at line ends goes, empty lines at the end go, and a non-empty body ends with CRLF. Line ends are
 * read the way Angus's SMTP stream writes them (CRLF, or a lone CR or LF, each one line end), so the hash is
 * over what reaches the wire. Call {@link #finish()} after the last byte.
 */
final class RelaxedBody extends OutputStream {

    private static final byte[] CRLF = {'\r', '\n'};

    private final OutputStream out;
    private final byte[] buffer = new byte[8192];
    private int buffered;
    private int pendingEmptyLines;
    private boolean pendingSpace;
    private boolean lineHasContent;
    private boolean lastWasCr;

    RelaxedBody(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        if (b == '\n' && lastWasCr) {
            lastWasCr = false;
            return;
        }
        lastWasCr = b == '\r';
        if (b == '\r' || b == '\n') {
            endLine();
        } else if (b == ' ' || b == '\t') {
            pendingSpace = true;
        } else {
            if (!lineHasContent) {
                for (; pendingEmptyLines > 0; pendingEmptyLines--) {
                    put(CRLF);
                }
                lineHasContent = true;
            }
            if (pendingSpace) {
                put(' ');
                pendingSpace = false;
            }
            put(b);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    /** Ends the body: completes a last line without CRLF, drops trailing empty lines, flushes. */
    void finish() throws IOException {
        if (lineHasContent) {
            put(CRLF);
        }
        lineHasContent = false;
        pendingSpace = false;
        pendingEmptyLines = 0;
        flush();
    }

    @Override
    public void flush() throws IOException {
        out.write(buffer, 0, buffered);
        buffered = 0;
        out.flush();
    }

    private void endLine() throws IOException {
        pendingSpace = false;
        if (lineHasContent) {
            put(CRLF);
            lineHasContent = false;
        } else {
            pendingEmptyLines++;
        }
    }

    private void put(byte[] bytes) throws IOException {
        for (byte b : bytes) {
            put(b);
        }
    }

    private void put(int b) throws IOException {
        if (buffered == buffer.length) {
            out.write(buffer, 0, buffered);
            buffered = 0;
        }
        buffer[buffered++] = (byte) b;
    }
}
