package io.crmemail.core.delivery;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The byte level of an SMTP connection: commands are buffered until {@link #flush()}, so a pipelined
 * group leaves in one write; replies are read line by line from a buffered stream. Reads time out by
 * the socket's SO_TIMEOUT; a write that does not complete within the write timeout (a server that
 * stopped reading) closes the TCP socket, failing the write. Not thread-safe.
 */
final class SmtpWire {

    /** Closes the sockets of writes that take too long; one daemon thread for all connections. */
    private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

    /** A reply line longer than this is no SMTP server talking (RFC 5321 allows 512). */
    private static final int MAX_LINE = 64 * 1024;
    private static final int BUFFER = 16 * 1024;

    private final Socket socket;
    private final Socket tcp;
    private final InputStream in;
    private final OutputStream out;
    private final StringBuilder line = new StringBuilder(128);

    /**
     * @param socket             the socket to talk through (TLS or plain)
     * @param tcp                the TCP socket under it, closed when a write times out
     * @param writeTimeoutMillis how long one write to the socket may block
     */
    SmtpWire(Socket socket, Socket tcp, int writeTimeoutMillis) throws IOException {
        this.socket = socket;
        this.tcp = tcp;
        this.in = new BufferedInputStream(socket.getInputStream(), BUFFER);
        this.out = new BufferedOutputStream(new TimedOutputStream(socket.getOutputStream(), writeTimeoutMillis),
                BUFFER);
    }

    Socket tcp() {
        return tcp;
    }

    Socket socket() {
        return socket;
    }

    /** The buffered stream to the server; DATA goes through it. */
    OutputStream out() {
        return out;
    }

    /** Buffers one command line (CRLF appended); nothing is sent before {@link #flush()}. */
    void command(String command) throws IOException {
        int n = command.length();
        for (int i = 0; i < n; i++) {
            out.write(command.charAt(i));
        }
        out.write('\r');
        out.write('\n');
    }

    void flush() throws IOException {
        out.flush();
    }

    /** Sends one command and reads its reply. */
    SmtpReply exchange(String command) throws IOException {
        command(command);
        flush();
        return read();
    }

    /** Reads one (possibly multi-line) reply. End of stream and a malformed reply are I/O errors. */
    SmtpReply read() throws IOException {
        StringBuilder text = new StringBuilder(64);
        String l;
        do {
            l = readLine();
            if (l == null) {
                throw new EOFException(text.length() == 0 ? "connection closed by the server"
                        : "connection closed inside the reply " + text.toString().strip());
            }
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(l);
        } while (l.length() > 3 && l.charAt(3) == '-');
        return new SmtpReply(code(l, text), text.toString().strip());
    }

    private static int code(String last, CharSequence all) throws IOException {
        if (last.length() < 3 || !Character.isDigit(last.charAt(0)) || !Character.isDigit(last.charAt(1))
                || !Character.isDigit(last.charAt(2))) {
            throw new IOException("malformed SMTP reply: " + all);
        }
        return (last.charAt(0) - '0') * 100 + (last.charAt(1) - '0') * 10 + (last.charAt(2) - '0');
    }

    /** One line without CRLF (a bare LF ends it too), ISO-8859-1; null at end of stream. */
    private String readLine() throws IOException {
        line.setLength(0);
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (line.length() >= MAX_LINE) {
                throw new IOException("SMTP reply line longer than " + MAX_LINE + " bytes");
            }
            line.append((char) b);
        }
        if (b == -1 && line.length() == 0) {
            return null;
        }
        int len = line.length();
        if (len > 0 && line.charAt(len - 1) == '\r') {
            line.setLength(len - 1);
        }
        return line.toString();
    }

    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do with it
        }
    }

    private static ScheduledThreadPoolExecutor watchdog() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "crm-email-smtp-write-timeout");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /** Socket output whose every write is bounded in time: a stuck write gets its TCP socket closed. */
    private final class TimedOutputStream extends FilterOutputStream {
        private final long timeoutMillis;
        private volatile boolean timedOut;

        TimedOutputStream(OutputStream out, long timeoutMillis) {
            super(out);
            this.timeoutMillis = timeoutMillis;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ScheduledFuture<?> alarm = WATCHDOG.schedule(this::expire, timeoutMillis, TimeUnit.MILLISECONDS);
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw timedOut ? new SocketTimeoutException("write timed out after " + timeoutMillis + " ms") : e;
            } finally {
                alarm.cancel(false);
            }
        }

        private void expire() {
            timedOut = true;
            try {
                tcp.close();
            } catch (IOException e) {
                // closing is all we can do
            }
        }
    }
}
