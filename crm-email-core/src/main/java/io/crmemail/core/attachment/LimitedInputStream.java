package io.crmemail.core.attachment;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes at most {@code limit} bytes through and fails on the next one, remembering that it did, so a
 * caller can tell "too large" from other I/O trouble even when a consumer (an attachment store, a parser)
 * swallowed or wrapped the exception. Uploads in core and request bodies in the servlet module both use it.
 */
public final class LimitedInputStream extends FilterInputStream {

    /** Thrown when the limit is crossed. */
    public static final class LimitExceededException extends IOException {
        LimitExceededException(long limit) {
            super("body exceeds " + limit + " bytes");
        }
    }

    private final long limit;
    private long count;
    private boolean exceeded;

    public LimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    /** True once more than the limit was offered. */
    public boolean exceeded() {
        return exceeded;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        count(skipped);
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void count(long n) throws LimitExceededException {
        count += n;
        if (count > limit) {
            exceeded = true;
            throw new LimitExceededException(limit);
        }
    }
}
