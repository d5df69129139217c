package io.crmemail.servlet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Walks a multipart body (RFC 2046 §5.1) through one rolling buffer: the preamble, then for each part its
 * header block and its content, handed to a {@link Sink} in chunks as it arrives, up to the close delimiter.
 * The epilogue is not read. Delimiters are {@code CRLF--boundary}; the body is read as if it began with a
 * CRLF, so that a body opening with {@code --boundary} needs no special case.
 *
 * <p>Malformed or truncated input is an {@link ApiException} (400); a failure to read the stream too, since
 * it means the client stopped sending.
 */
final class MultipartStream {

    /** Receives a part's content in order. */
    @FunctionalInterface
    interface Sink {
        void write(byte[] bytes, int offset, int length) throws IOException;
    }

    static final int BUFFER_SIZE = 64 * 1024;
    /** Largest header block of one part. */
    static final int HEADER_BLOCK_LIMIT = 8 * 1024;
    /** How much may come before the first delimiter. */
    static final int PREAMBLE_LIMIT = BUFFER_SIZE;
    private static final int PADDING_LIMIT = 1024;
    private static final byte[] CRLFCRLF = {'\r', '\n', '\r', '\n'};

    private final InputStream in;
    private final byte[] delimiter;
    private final int[] skip = new int[256];
    private final byte[] buf;
    private int pos;
    private int limit;
    private boolean eof;

    MultipartStream(InputStream in, String boundary) {
        this(in, boundary, BUFFER_SIZE);
    }

    MultipartStream(InputStream in, String boundary, int bufferSize) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        if (bufferSize < delimiter.length + HEADER_BLOCK_LIMIT + 8) {
            throw new IllegalArgumentException("buffer too small");
        }
        this.buf = new byte[bufferSize];
        buf[0] = '\r';
        buf[1] = '\n';
        limit = 2;
        // Boyer-Moore-Horspool shifts: content is scanned without a method call per byte.
        int last = delimiter.length - 1;
        Arrays.fill(skip, delimiter.length);
        for (int i = 0; i < last; i++) {
            skip[delimiter[i] & 0xff] = last - i;
        }
    }

    /** Skips the preamble and the first delimiter. */
    void skipPreamble() {
        long discarded = 0;
        while (true) {
            int at = indexOfDelimiter(pos, limit);
            if (at >= 0) {
                pos = at + delimiter.length;
                return;
            }
            int keep = Math.min(limit - pos, delimiter.length - 1);
            discarded += limit - keep - pos;
            pos = limit - keep;
            if (discarded > PREAMBLE_LIMIT) {
                throw ApiException.validation(null, "the multipart boundary does not appear in the first "
                        + PREAMBLE_LIMIT + " bytes of the body");
            }
            if (!fill()) {
                throw truncated();
            }
        }
    }

    /**
     * Reads what follows a delimiter: true and the end of the boundary line when a part follows, false at
     * the close delimiter ({@code --}).
     */
    boolean nextPart() {
        if (!ensure(2)) {
            throw truncated();
        }
        if (buf[pos] == '-' && buf[pos + 1] == '-') {
            pos += 2;
            return false;
        }
        int padding = 0;
        while (true) {
            if (!ensure(2)) {
                throw truncated();
            }
            byte b = buf[pos];
            if (b == ' ' || b == '\t') {
                pos++;
                if (++padding > PADDING_LIMIT) {
                    throw malformedBoundaryLine();
                }
                continue;
            }
            if (b == '\r' && buf[pos + 1] == '\n') {
                pos += 2;
                return true;
            }
            throw malformedBoundaryLine();
        }
    }

    /** The part's header block without its closing empty line; empty when the part has no headers. */
    byte[] headerBlock() {
        if (!ensure(2)) {
            throw truncated();
        }
        if (buf[pos] == '\r' && buf[pos + 1] == '\n') {
            pos += 2;
            return new byte[0];
        }
        int scanned = 0;
        while (true) {
            int at = indexOf(CRLFCRLF, pos + scanned, limit);
            if (at >= 0) {
                if (at - pos > HEADER_BLOCK_LIMIT) {
                    throw headerBlockTooLarge();
                }
                byte[] block = Arrays.copyOfRange(buf, pos, at);
                pos = at + CRLFCRLF.length;
                return block;
            }
            if (limit - pos > HEADER_BLOCK_LIMIT + CRLFCRLF.length) {
                throw headerBlockTooLarge();
            }
            scanned = Math.max(0, limit - pos - (CRLFCRLF.length - 1));
            if (!fill()) {
                throw truncated();
            }
        }
    }

    /** Hands the part's content to the sink, up to and including the next delimiter. */
    void content(Sink sink) throws IOException {
        while (true) {
            int at = indexOfDelimiter(pos, limit);
            if (at >= 0) {
                if (at > pos) {
                    sink.write(buf, pos, at - pos);
                }
                pos = at + delimiter.length;
                return;
            }
            // The last delimiter.length - 1 bytes may be the start of a delimiter: keep them.
            int safe = limit - (delimiter.length - 1);
            if (safe > pos) {
                sink.write(buf, pos, safe - pos);
                pos = safe;
            }
            if (!fill()) {
                throw truncated();
            }
        }
    }

    private int indexOfDelimiter(int from, int to) {
        byte[] d = delimiter;
        int last = d.length - 1;
        byte lastByte = d[last];
        byte[] b = buf;
        for (int i = from; i + last < to; ) {
            byte c = b[i + last];
            if (c == lastByte) {
                int j = last - 1;
                while (j >= 0 && b[i + j] == d[j]) {
                    j--;
                }
                if (j < 0) {
                    return i;
                }
            }
            i += skip[c & 0xff];
        }
        return -1;
    }

    private int indexOf(byte[] pattern, int from, int to) {
        outer:
        for (int i = from; i + pattern.length <= to; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (buf[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** True when at least n bytes are buffered, reading as needed. */
    private boolean ensure(int n) {
        while (limit - pos < n) {
            if (!fill()) {
                return false;
            }
        }
        return true;
    }

    /** Moves the unread rest to the front and reads once more; false at the end of the stream. */
    private boolean fill() {
        if (eof) {
            return false;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        int n;
        try {
            n = in.read(buf, limit, buf.length - limit);
        } catch (IOException e) {
            ApiException failure = ApiException.validation(null, "the request body could not be read to its end");
            failure.initCause(e);
            throw failure;
        }
        if (n < 0) {
            eof = true;
            return false;
        }
        limit += n;
        return true;
    }

    private static ApiException truncated() {
        return ApiException.validation(null, "the multipart body ends before its closing boundary");
    }

    private static ApiException malformedBoundaryLine() {
        return ApiException.validation(null, "a multipart boundary line is malformed");
    }

    private static ApiException headerBlockTooLarge() {
        return ApiException.validation(null, "a multipart part's header block exceeds "
                + HEADER_BLOCK_LIMIT + " bytes");
    }
}
