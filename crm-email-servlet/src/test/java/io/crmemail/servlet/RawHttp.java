package io.crmemail.servlet;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 request over a raw socket, its body written by a thread of its own while the response is read.
 * For requests the server answers before it has read them (a 413 mid-upload): the JDK HttpClient then sometimes
 * reports its writer's broken pipe ("header parser received no bytes") instead of the response it was sent.
 */
final class RawHttp {

    /** Writes the request body; an IOException there means the server closed early, which is expected. */
    @FunctionalInterface
    interface BodyWriter {
        void write(OutputStream out) throws IOException;
    }

    private RawHttp() {
    }

    /**
     * Sends {@code head} (request line and headers, each ending in CRLF, without the blank line) and the body,
     * and returns the whole response as text (status line, headers, body).
     */
    static String exchange(URI base, String head, BodyWriter body) throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write((head + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    body.write(out);
                    out.flush();
                } catch (IOException expected) {
                    // the server closed the connection after answering
                }
            });
            writer.start();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            writer.join();
            return response;
        }
    }
}
