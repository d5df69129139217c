package io.crmemail.core.compose;

import jakarta.mail.util.StreamProvider;

/**
 * Pins Jakarta Mail's {@link StreamProvider} to the one it finds, once per JVM. Jakarta Mail 2.1 looks the
 * provider up again — a {@code ServiceLoader} scan of the class path — every time it creates or writes a body
 * part or encodes a header (jakartaee/mail-api#699, #861): about 15 % of the engine's CPU per message in our
 * benchmarks. Naming the provider in the system property {@code jakarta.mail.util.StreamProvider} makes every
 * later lookup load that class by name instead; it is the same provider, so nothing else changes.
 * <p>
 * Only pinned when the system class loader sees the provider class. Jakarta Mail loads the named class through each
 * thread's context class loader and fails (it does not fall back) where that loader cannot see it: in a Spring Boot
 * fat jar, a servlet container's web application or a module system the property would break mail on threads
 * whose context loader is another one. There the host may set the property itself where its class loaders allow.
 * A property the host set is left alone, and {@code -Dcrmemail.pinStreamProvider=false} turns this off.
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
                        () -> visibleToAll(StreamProvider.provider().getClass()));
                if (pinned != null) {
                    System.setProperty(PROPERTY, pinned);
                }
            } catch (RuntimeException e) {
                // No provider found, or no permission to set properties: Jakarta Mail keeps looking it up itself.
            }
        }
    }

    /** The class's name when every class loader that delegates to the system loader can load it; else null. */
    static String visibleToAll(Class<?> provider) {
        try {
            return Class.forName(provider.getName(), false, ClassLoader.getSystemClassLoader()) == provider
                    ? provider.getName() : null;
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
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
