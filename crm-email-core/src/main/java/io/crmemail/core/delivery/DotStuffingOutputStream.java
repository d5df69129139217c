package io.crmemail.core.delivery;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The DATA of an SMTP transaction on its way to the socket: line ends normalised to CRLF (a bare CR or
 * LF becomes CRLF) and a dot at the start of a line doubled (RFC 5321 4.5.2). Runs of ordinary bytes
 * go to the underlying stream in one write, so nothing is buffered here; {@link #finish()} ends the
 * data with the lone dot. Closing does not close the underlying stream.
 */
final class DotStuffingOutputStream extends FilterOutputStream {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] END = {'.', '\r', '\n'};

    /** True at the start of a line (also at the very start of the data). */
    private boolean atLineStart = true;
    /** The previous byte was a CR that has been written out as CRLF already. */
    private boolean afterCr;

    DotStuffingOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int end = off + len;
        int runStart = off;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if (c == '\n' && afterCr) {
                // the LF of a CRLF whose CR was already written as CRLF
                flushRun(b, runStart, i);
                runStart = i + 1;
                afterCr = false;
                continue;
            }
            afterCr = false;
            if (c == '\r' || c == '\n') {
                flushRun(b, runStart, i);
                out.write(CRLF);
                runStart = i + 1;
                afterCr = c == '\r';
                atLineStart = true;
            } else {
                if (c == '.' && atLineStart) {
                    flushRun(b, runStart, i);
                    out.write('.');
                    runStart = i; // the dot itself goes out with the run
                }
                atLineStart = false;
            }
        }
        flushRun(b, runStart, end);
    }

    private void flushRun(byte[] b, int from, int to) throws IOException {
        if (to > from) {
            out.write(b, from, to - from);
        }
    }

    /**
     * Does not flush the connection: the data goes out with its terminator in {@link #finish()}, not in pieces
     * whenever a writer (Jakarta Mail at the end of {@code writeTo}, a buffer in front) flushes.
     */
    @Override
    public void flush() {
    }

    /** Ends the data: a CRLF if the last line is unfinished, then the lone dot. Flushes. */
    void finish() throws IOException {
        if (!atLineStart) {
            out.write(CRLF);
        }
        out.write(END);
        out.flush();
    }

    @Override
    public void close() {
        // the socket stays open for the next transaction
    }
}
