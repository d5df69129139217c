package io.crmemail.benchmarks;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Memory under large messages, each check in a JVM of its own with a small heap:
 * {@link BigAttachmentSends} (10 concurrent sends of a 50 MB attachment each, delivered to the SMTP sink)
 * under {@code -Xmx256m}, and {@link BigInboundReceive} (one 50 MB inbound message) under
 * {@code -Xmx128m}. Pass means the child finished its work and exited 0 (an OutOfMemoryError fails it).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.crmemail.benchmarks.MemoryCheck [--store h2]</pre>
 */
public final class MemoryCheck {

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String store = args.get("store", "h2");
        System.out.println("# MemoryCheck " + String.join(" ", argv));
        System.out.println("# " + Machine.describe());
        boolean ok;
        try (SmtpSink sink = SmtpSink.start()) {
            ok = child("-Xmx256m", BigAttachmentSends.class, store, Integer.toString(sink.port()));
        }
        ok &= child("-Xmx128m", BigInboundReceive.class, store, "0");
        System.exit(ok ? 0 : 1);
    }

    private static boolean child(String heap, Class<?> main, String store, String port) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), heap,
                "-XX:+ExitOnOutOfMemoryError", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), main.getName(), store, port));
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        boolean finished = p.waitFor(10, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly();
        }
        int exit = finished ? p.exitValue() : -1;
        System.out.printf("%s %s: %s (exit %d) in %.1f s wall, JVM start included%n", main.getSimpleName(), heap,
                exit == 0 ? "PASS" : "FAIL", exit, (System.nanoTime() - start) / 1e9);
        return exit == 0;
    }

    static File file(Path p) {
        return p.toFile();
    }
}
