package io.crmemail.core.delivery;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * At most {@code max} connections in use or idle at once. A lease is a permit plus a connection: an
 * idle one when there is one (most recently used first, the likeliest to be alive), else a new,
 * not yet opened one.
 */
final class SmtpConnectionPool<C extends SmtpConnectionPool.Pooled> {

    /** What the pool needs of a connection. */
    interface Pooled {
        /** True when the socket is open as far as we know, without talking to the server. */
        boolean isOpen();

        void close();
    }

    private final Semaphore permits;
    private final Supplier<C> factory;
    private final Deque<C> idle = new ArrayDeque<>();
    private boolean closed;

    SmtpConnectionPool(int max, Supplier<C> factory) {
        this.permits = new Semaphore(max, true);
        this.factory = factory;
    }

    /**
     * A connection for the caller's exclusive use, or null when none became free within the timeout
     * or the pool is closed. Every non-null lease must be given back with {@link #release}.
     */
    C acquire(Duration timeout) throws InterruptedException {
        if (!permits.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return null;
        }
        synchronized (this) {
            if (closed) {
                permits.release();
                return null;
            }
            C c = idle.pollFirst();
            if (c != null) {
                return c;
            }
        }
        try {
            return factory.get();
        } catch (RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    /**
     * Runs {@code send} on a leased connection and gives it back afterwards (kept when the lease says it is
     * reusable); when none can be had, the transient failure that says why.
     */
    TransportResult withLease(Duration timeout, String hostPort, Function<Lease<C>, TransportResult> send) {
        if (isClosed()) {
            return TransportResult.transientFailure(0, "transport closed");
        }
        C connection;
        try {
            connection = acquire(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return TransportResult.transientFailure(0, "interrupted while waiting for a connection");
        }
        if (connection == null) {
            return TransportResult.transientFailure(0, isClosed() ? "transport closed"
                    : "no connection available to " + hostPort + " within " + timeout);
        }
        Lease<C> lease = new Lease<>(connection);
        try {
            return send.apply(lease);
        } finally {
            release(lease.connection, lease.reusable);
        }
    }

    /** The connection a sender holds, possibly swapped for a fresh one along the way. */
    static final class Lease<C extends Pooled> {
        C connection;
        boolean reusable;

        Lease(C connection) {
            this.connection = connection;
        }

        void replace(C fresh) {
            connection.close();
            connection = fresh;
        }
    }

    /** A new connection in place of a broken one, under the same lease. */
    C replacement() {
        return factory.get();
    }

    /** Ends a lease: keeps the connection for the next sender when reusable, else closes it. */
    void release(C connection, boolean reusable) {
        boolean keep;
        synchronized (this) {
            keep = reusable && !closed && connection.isOpen();
            if (keep) {
                idle.addFirst(connection);
            }
        }
        if (!keep) {
            connection.close();
        }
        permits.release();
    }

    boolean isClosed() {
        synchronized (this) {
            return closed;
        }
    }

    /** Closes the idle connections now; leased ones are closed when given back. */
    void close() {
        List<C> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayList<>(idle);
            idle.clear();
        }
        toClose.forEach(Pooled::close);
    }
}
