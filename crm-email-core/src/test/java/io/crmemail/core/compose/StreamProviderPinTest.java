package io.crmemail.core.compose;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Session;
import jakarta.mail.util.StreamProvider;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class StreamProviderPinTest {

    @Test
    void aComposerPinsTheProviderJakartaMailFinds() {
        new MimeComposer(Session.getInstance(new Properties()), null);

        String pinned = System.getProperty(StreamProviderPin.PROPERTY);
        assertThat(pinned).isEqualTo("org.eclipse.angus.mail.util.MailStreamProvider");
        // Lookups now go through the property and still give the same provider.
        assertThat(StreamProvider.provider().getClass().getName()).isEqualTo(pinned);
    }

    @Test
    void onlyAProviderTheSystemClassLoaderSeesIsPinned() throws Exception {
        assertThat(StreamProviderPin.visibleToAll(org.eclipse.angus.mail.util.MailStreamProvider.class))
                .isEqualTo("org.eclipse.angus.mail.util.MailStreamProvider");
        // The same class name loaded by another loader (as in a fat jar or a web application): not pinned.
        java.net.URL angus = org.eclipse.angus.mail.util.MailStreamProvider.class.getProtectionDomain()
                .getCodeSource().getLocation();
        java.net.URL api = StreamProvider.class.getProtectionDomain().getCodeSource().getLocation();
        try (java.net.URLClassLoader isolated = new java.net.URLClassLoader(new java.net.URL[] {angus, api},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> elsewhere = Class.forName("org.eclipse.angus.mail.util.MailStreamProvider", false, isolated);
            assertThat(StreamProviderPin.visibleToAll(elsewhere)).isNull();
        }
    }

    @Test
    void aPropertyTheHostSetOrAnOptOutIsRespected() {
        assertThat(StreamProviderPin.choose("com.example.Provider", null, () -> "found")).isNull();
        assertThat(StreamProviderPin.choose(null, "false", () -> "found")).isNull();
        assertThat(StreamProviderPin.choose(null, "FALSE", () -> "found")).isNull();
        assertThat(StreamProviderPin.choose(null, null, () -> "found")).isEqualTo("found");
        assertThat(StreamProviderPin.choose(null, "true", () -> "found")).isEqualTo("found");
    }
}
