package io.crmemail.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The SMTP server the delivery benchmark talks to: our {@link SmtpSink}, or Postfix's {@code smtp-sink}
 * (Debian package postfix) when asked for and installed. Counting is done by the senders, so both work.
 */
final class Sinks {

    static final Path POSTFIX_SMTP_SINK = Path.of("/usr/sbin/smtp-sink");

    /** A running sink. */
    interface Sink extends AutoCloseable {
        int port();

        String describe();

        /** What the sink saw, when it can tell (ours counts messages and bytes). */
        default String stats() {
            return "";
        }

        @Override
        void close() throws IOException;
    }

    private Sinks() {
    }

    static boolean postfixAvailable() {
        return Files.isExecutable(POSTFIX_SMTP_SINK);
    }

    /** {@code builtin}, {@code postfix}, or {@code auto} (Postfix's when installed, else ours). */
    static Sink start(String which) throws IOException {
        boolean postfix = switch (which) {
            case "postfix" -> true;
            case "builtin" -> false;
            case "auto" -> postfixAvailable();
            default -> throw new IllegalArgumentException("--sink builtin|postfix|auto");
        };
        return postfix ? postfix() : builtin();
    }

    static Sink builtin() throws IOException {
        SmtpSink sink = SmtpSink.start();
        return new Sink() {
            public int port() {
                return sink.port();
            }

            public String describe() {
                return "built-in SmtpSink (PIPELINING, discards data)";
            }

            public String stats() {
                long n = sink.messages();
                return String.format("sink accepted %,d messages over %,d connections, %,d bytes of DATA on"
                        + " average", n, sink.connections(), n == 0 ? 0 : sink.bytes() / n);
            }

            public void close() throws IOException {
                sink.close();
            }
        };
    }

    /** Postfix's smtp-sink on a free loopback port; {@code -u nobody} because it refuses to run as root. */
    static Sink postfix() throws IOException {
        if (!postfixAvailable()) {
            throw new IOException(POSTFIX_SMTP_SINK + " not found (apt-get install postfix)");
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(POSTFIX_SMTP_SINK.toString(), "-u", "nobody",
                "127.0.0.1:" + port, "512").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process process = pb.start();
        int finalPort = port;
        waitForPort(port, process);
        return new Sink() {
            public int port() {
                return finalPort;
            }

            public String describe() {
                return "Postfix smtp-sink (" + POSTFIX_SMTP_SINK + ")";
            }

            public void close() {
                process.destroy();
            }
        };
    }

    private static void waitForPort(int port, Process process) throws IOException {
        long deadline = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("smtp-sink exited with " + process.exitValue());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException(ie);
                }
            }
        }
        process.destroy();
        throw new IOException("smtp-sink did not listen on " + port);
    }
}
