package io.crmemail.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal, fast SMTP server on loopback that accepts every message and throws it away. It announces
 * PIPELINING and answers a whole pipelined group with one write (it flushes only when no more input is
 * waiting). It counts a message when it has read the end of DATA and answered 250, so a count is a
 * message the sender got acceptance for. One thread per connection.
 */
public final class SmtpSink implements AutoCloseable {

    private static final byte[] GREETING = ascii("220 sink ESMTP ready\r\n");
    private static final byte[] EHLO = ascii("250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n");
    private static final byte[] OK = ascii("250 2.0.0 OK\r\n");
    private static final byte[] DATA_GO = ascii("354 End data with <CR><LF>.<CR><LF>\r\n");
    private static final byte[] QUEUED = ascii("250 2.0.0 Ok: queued\r\n");
    private static final byte[] BYE = ascii("221 2.0.0 Bye\r\n");
    private static final byte[] UNKNOWN = ascii("500 5.5.2 Error: command not recognized\r\n");

    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private volatile boolean closed;

    private SmtpSink(ServerSocket server) {
        this.server = server;
        this.acceptor = new Thread(this::acceptLoop, "smtp-sink-accept");
        this.acceptor.setDaemon(true);
    }

    /** Starts a sink on a free loopback port. */
    public static SmtpSink start() throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
        SmtpSink sink = new SmtpSink(server);
        sink.acceptor.start();
        return sink;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Messages accepted (end of DATA read and answered 250) since start or the last reset. */
    public long messages() {
        return messages.get();
    }

    /** DATA bytes received (without the terminating dot line). */
    public long bytes() {
        return bytes.get();
    }

    /** Connections accepted since start or the last reset. */
    public long connections() {
        return connections.get();
    }

    public void reset() {
        messages.set(0);
        bytes.set(0);
        connections.set(0);
    }

    /** Waits until at least {@code count} messages were accepted; false on timeout. */
    public boolean awaitMessages(long count, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (messages.get() < count) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                open.add(socket);
                Thread t = new Thread(() -> serve(socket), "smtp-sink-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("smtp-sink: accept failed: " + e);
                }
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            new Session(socket.getInputStream(), socket.getOutputStream()).run();
        } catch (SocketException e) {
            // The client went away (close without QUIT is common when a pool shuts down).
        } catch (IOException e) {
            if (!closed) {
                System.err.println("smtp-sink: connection failed: " + e);
            }
        } finally {
            open.remove(socket);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** One SMTP conversation over a hand-rolled buffer (no per-line allocation beyond the command verb). */
    private final class Session {
        private final InputStream in;
        private final OutputStream out;
        private final byte[] buf = new byte[64 * 1024];
        private int pos;
        private int limit;
        private final byte[] wbuf = new byte[8 * 1024];
        private int wpos;

        Session(InputStream in, OutputStream out) {
            this.in = in;
            this.out = out;
        }

        void run() throws IOException {
            write(GREETING);
            flush();
            byte[] line = new byte[1024];
            while (true) {
                int n = readLine(line);
                if (n < 0) {
                    return;
                }
                String verb = n >= 4 ? new String(line, 0, 4, StandardCharsets.US_ASCII).toUpperCase(java.util.Locale.ROOT) : "";
                switch (verb) {
                    case "EHLO" -> write(EHLO);
                    case "HELO", "MAIL", "RCPT", "RSET", "NOOP" -> write(OK);
                    case "DATA" -> {
                        write(DATA_GO);
                        flush();
                        if (!readData()) {
                            return;
                        }
                        messages.incrementAndGet();
                        write(QUEUED);
                    }
                    case "QUIT" -> {
                        write(BYE);
                        flush();
                        return;
                    }
                    default -> write(UNKNOWN);
                }
                // Pipelining: answer a whole group of commands with one write.
                if (pos == limit && in.available() == 0) {
                    flush();
                }
            }
        }

        /** Reads one line into {@code line} (truncated to its size, CRLF dropped); -1 at end of stream. */
        private int readLine(byte[] line) throws IOException {
            int n = 0;
            while (true) {
                if (pos == limit && !fill()) {
                    return n == 0 ? -1 : n;
                }
                byte b = buf[pos++];
                if (b == '\n') {
                    return n > 0 && line[n - 1] == '\r' ? n - 1 : n;
                }
                if (n < line.length) {
                    line[n++] = b;
                }
            }
        }

        /** Skips message data up to and including CRLF.CRLF; false if the stream ended first. */
        private boolean readData() throws IOException {
            // State: 0 mid-line, 1 saw CR, 2 at line start (after CRLF), 3 saw "." at line start, 4 saw ".\r".
            int state = 2;
            long count = 0;
            while (true) {
                if (pos == limit && !fill()) {
                    return false;
                }
                int start = pos;
                while (pos < limit) {
                    byte b = buf[pos++];
                    switch (state) {
                        case 0 -> state = b == '\r' ? 1 : 0;
                        case 1 -> state = b == '\n' ? 2 : b == '\r' ? 1 : 0;
                        case 2 -> state = b == '.' ? 3 : b == '\r' ? 1 : 0;
                        case 3 -> state = b == '\r' ? 4 : 0;
                        case 4 -> {
                            if (b == '\n') {
                                bytes.addAndGet(count + (pos - start) - 3);
                                return true;
                            }
                            state = b == '\r' ? 1 : 0;
                        }
                        default -> throw new IllegalStateException();
                    }
                }
                count += pos - start;
            }
        }

        private boolean fill() throws IOException {
            flush(); // never wait for input with answers still unsent
            int n = in.read(buf, 0, buf.length);
            if (n <= 0) {
                return false;
            }
            pos = 0;
            limit = n;
            return true;
        }

        private void write(byte[] b) throws IOException {
            if (wpos + b.length > wbuf.length) {
                flush();
            }
            System.arraycopy(b, 0, wbuf, wpos, b.length);
            wpos += b.length;
        }

        private void flush() throws IOException {
            if (wpos > 0) {
                out.write(wbuf, 0, wpos);
                out.flush();
                wpos = 0;
            }
        }
    }
}
