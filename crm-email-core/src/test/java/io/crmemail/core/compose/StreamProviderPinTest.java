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
    void aPropertyTheHostSetOrAnOptOutIsRespected() {
        assertThat(StreamProviderPin.choose("com.example.Provider", null, () -> "found")).isNull();
        assertThat(StreamProviderPin.choose(null, "false", () -> "found")).isNull();
        assertThat(StreamProviderPin.choose(null, "FALSE", () -> "found")).isNull();
        assertThat(StreamProviderPin.choose(null, null, () -> "found")).isEqualTo("found");
        assertThat(StreamProviderPin.choose(null, "true", () -> "found")).isEqualTo("found");
    }
}
