package io.crmemail.benchmarks;

import jakarta.mail.MessagingException;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A prototype of a leaner SMTP path, to see what it would gain: the MIME message encoded once to bytes
 * (dot-stuffed, CRLF), and RFC 2920 PIPELINING with the end of one message's data, the next MAIL FROM, RCPT
 * TO and DATA in one write, so each message costs one round trip instead of four. Optionally several
 * connections in parallel. Not production code: no error recovery, one recipient per message.
 */
final class LeanSmtp {

    private final int port;
    private final Baselines composer;

    LeanSmtp(int port) {
        this.port = port;
        this.composer = new Baselines(port);
    }

    /**
     * Messages/s over {@code count} messages split across {@code connections}; when {@code composeEach} the
     * message is composed and encoded per message inside the clock, else one encoding is sent repeatedly.
     */
    double run(int connections, int count, boolean composeEach) throws Exception {
        byte[] fixed = encode(0);
        runOnce(connections, 200, composeEach, fixed); // warm-up
        long start = System.nanoTime();
        runOnce(connections, count, composeEach, fixed);
        return Baselines.rate(count, start);
    }

    private void runOnce(int connections, int count, boolean composeEach, byte[] fixed) throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        List<Exception> errors = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Thread t = new Thread(() -> {
                try {
                    sendAll(next, count, composeEach, fixed);
                } catch (Exception e) {
                    synchronized (errors) {
                        errors.add(e);
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!errors.isEmpty()) {
            throw errors.get(0);
        }
    }

    private void sendAll(AtomicInteger next, int count, boolean composeEach, byte[] fixed)
            throws IOException, MessagingException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setTcpNoDelay(true);
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
            expect(in, 220);
            out.write(ascii("EHLO bench\r\n"));
            out.flush();
            expect(in, 250);
            int i = next.getAndIncrement();
            if (i >= count) {
                return;
            }
            byte[] envelope = ascii("MAIL FROM:<sales@acme.com>\r\nRCPT TO:<lead@example.org>\r\nDATA\r\n");
            out.write(envelope);
            out.flush();
            expect(in, 250);
            expect(in, 250);
            expect(in, 354);
            while (true) {
                byte[] data = composeEach ? encode(i) : fixed;
                out.write(data);
                out.write(ascii(".\r\n"));
                i = next.getAndIncrement();
                boolean more = i < count;
                if (more) {
                    out.write(envelope); // pipelined behind the data: one round trip per message
                }
                out.flush();
                expect(in, 250);
                if (!more) {
                    break;
                }
                expect(in, 250);
                expect(in, 250);
                expect(in, 354);
            }
            out.write(ascii("QUIT\r\n"));
            out.flush();
        }
    }

    /** The composed message as it goes on the wire: CRLF line ends, leading dots doubled. */
    byte[] encode(int i) throws IOException, MessagingException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream(4096);
        composer.compose(i).writeTo(raw);
        byte[] b = raw.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + 64);
        boolean lineStart = true;
        for (byte x : b) {
            if (lineStart && x == '.') {
                out.write('.');
            }
            out.write(x);
            lineStart = x == '\n';
        }
        if (!lineStart) {
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** Reads one (possibly multi-line) reply and checks its code. */
    private static void expect(InputStream in, int code) throws IOException {
        while (true) {
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                line.append((char) b);
            }
            if (line.length() < 4 || Integer.parseInt(line.substring(0, 3)) != code) {
                throw new IOException("expected " + code + ", got " + line);
            }
            if (line.charAt(3) != '-') {
                return;
            }
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
