package io.crmemail.core.attachment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemAttachmentStoreTest {

    @TempDir
    Path temp;

    @Test
    void writesReadsSizesAndDeletes() throws Exception {
        FileSystemAttachmentStore store = new FileSystemAttachmentStore(temp.resolve("files"));
        assertThat(store.write("1-123-a.txt", in("hello"))).isEqualTo(5);
        assertThat(store.exists("1-123-a.txt")).isTrue();
        assertThat(store.exists("/1-123-a.txt")).as("a leading slash is the same key").isTrue();
        assertThat(store.size("1-123-a.txt")).isEqualTo(5);
        try (InputStream read = store.open("1-123-a.txt")) {
            assertThat(new String(read.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
        }
        store.write("1-123-a.txt", in("replaced"));
        assertThat(store.size("1-123-a.txt")).isEqualTo(8);
        assertThat(store.delete("1-123-a.txt")).isTrue();
        assertThat(store.delete("1-123-a.txt")).isFalse();
        assertThatThrownBy(() -> store.open("1-123-a.txt")).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> store.size("1-123-a.txt")).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void refusesPathsOutsideItsRoot() throws Exception {
        Files.writeString(temp.resolve("secret.txt"), "secret");
        FileSystemAttachmentStore store = new FileSystemAttachmentStore(temp.resolve("files"));
        for (String escape : new String[] {"../secret.txt", "a/../../secret.txt", "", " ", "a\0b", "."}) {
            assertThat(store.exists(escape)).as(escape).isFalse();
            assertThatThrownBy(() -> store.open(escape)).as(escape).isInstanceOf(NoSuchFileException.class);
            assertThatThrownBy(() -> store.write(escape, in("x"))).as(escape).isInstanceOf(NoSuchFileException.class);
        }
        assertThat(Files.readString(temp.resolve("secret.txt"))).isEqualTo("secret");
    }

    private static InputStream in(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
