package io.crmemail.core.delivery;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The byte level of an SMTP connection: commands are buffered until {@link #flush()}, so a pipelined
 * group leaves in one write; replies are read line by line from a buffered stream. Not thread-safe.
 */
final class SmtpWire {

    /** A reply line longer than this is no SMTP server talking (RFC 5321 allows 512). */
    private static final int MAX_LINE = 64 * 1024;
    private static final int BUFFER = 16 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final StringBuilder line = new StringBuilder(128);

    SmtpWire(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), BUFFER);
        this.out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
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

    /** True when the server has sent bytes nobody read yet (a protocol error after a complete reply). */
    boolean hasUnreadInput() throws IOException {
        return in.available() > 0;
    }

    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do with it
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
