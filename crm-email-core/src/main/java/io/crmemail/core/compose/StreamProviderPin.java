package io.crmemail.core.compose;

import jakarta.mail.util.StreamProvider;

/**
 * Pins Jakarta Mail's {@link StreamProvider} to the one it finds, once per JVM. Jakarta Mail 2.1 looks the
 * provider up again — a {@code ServiceLoader} scan of the class path — every time it creates or writes a body
 * part or encodes a header (jakartaee/mail-api#699, #861): about 15 % of the engine's CPU per message in our
 * benchmarks. Naming the provider in the system property {@code jakarta.mail.util.StreamProvider} makes every
 * later lookup load that class by name instead; it is the same provider, so nothing else changes.
 * <p>
 * A property the host set is left alone, and {@code -Dcrmemail.pinStreamProvider=false} turns this off (for a
 * container whose applications bring different Jakarta Mail implementations: the property is JVM-wide).
 */
final class StreamProviderPin {

    static final String PROPERTY = "jakarta.mail.util.StreamProvider";
    static final String OPT_OUT = "crmemail.pinStreamProvider";

    private static volatile boolean done;

    private StreamProviderPin() {
    }

    static void pin() {
        if (done) {
            return;
        }
        synchronized (StreamProviderPin.class) {
            if (done) {
                return;
            }
            done = true;
            try {
                String pinned = choose(System.getProperty(PROPERTY), System.getProperty(OPT_OUT),
                        () -> StreamProvider.provider().getClass().getName());
                if (pinned != null) {
                    System.setProperty(PROPERTY, pinned);
                }
            } catch (RuntimeException e) {
                // No provider found, or no permission to set properties: Jakarta Mail keeps looking it up itself.
            }
        }
    }

    /** The provider class to pin, or null to leave the property as it is. */
    static String choose(String current, String optOut, java.util.function.Supplier<String> found) {
        if (current != null || "false".equalsIgnoreCase(optOut)) {
            return null;
        }
        return found.get();
    }
}
