package io.crmemail.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoStoresTest {

    @TempDir
    Path temp;

    @Test
    void aFreshDataDirGetsAnOwnerOnlyKeyThatTheNextStartReadsAgain() throws Exception {
        Path dataDir = temp.resolve("fresh-data");
        byte[] key = DemoStores.credentialKey(dataDir);
        Path file = dataDir.resolve("credential.key");

        assertThat(key).hasSize(32);
        assertThat(Files.readAllBytes(file)).isEqualTo(key);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        assertThat(DemoStores.credentialKey(dataDir)).isEqualTo(key);
    }

    @Test
    void aKeyFileOfTheWrongSizeIsRefused() throws Exception {
        Files.write(temp.resolve("credential.key"), new byte[5]);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DemoStores.credentialKey(temp))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("must hold 32 bytes");
    }
}
