package io.crmemail.core;

import static io.crmemail.core.testsupport.TestWorld.CALLER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crmemail.core.message.AttachmentRef;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.testsupport.Messages;
import io.crmemail.core.testsupport.TestWorld;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uploads ahead of a send, and a message's attachments by upload key or inline bytes. */
class UploadsAndAttachmentsTest {

    @TempDir
    Path temp;

    TestWorld world;
    EmailService service;

    @BeforeEach
    void setUp() {
        world = new TestWorld(temp, 2525);
        service = world.serviceBuilder()
                .limits(new Limits(100, 998, 1_000_000, 3, 100, 1024, Duration.ofDays(365))).build();
    }

    private static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageRequest.Attachment inline(String name, String type, String content) {
        return new MessageRequest.Attachment(name, type, null, content == null ? null
                : content.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageRequest.Attachment upload(String key) {
        return new MessageRequest.Attachment(null, null, key, null);
    }

    private List<Path> v1Files() throws IOException {
        Path root = world.attachments.root().resolve("v1");
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private static void fails(ThrowingCallable call, ErrorCode code, String field, String text) {
        assertThatThrownBy(call).isInstanceOfSatisfying(EmailException.class, e -> {
            assertThat(e.code()).as(e.errors().toString()).isEqualTo(code);
            assertThat(e.field()).as(e.errors().toString()).isEqualTo(field);
            assertThat(e.getMessage()).contains(text);
        });
    }

    @Test
    void anUploadIsStoredUnderTheAccountWithItsNameAndAGuessedType() throws Exception {
        StoredUpload up = service.upload(CALLER, "C:\\Users\\ann\\report.pdf", null, bytes("%PDF-1"));
        assertThat(up.storageKey()).matches("v1/1/[0-9a-f]{32}/report\\.pdf");
        assertThat(up.filename()).isEqualTo("report.pdf");
        assertThat(up.size()).isEqualTo(6);
        assertThat(up.contentType()).isEqualTo("application/pdf");
        assertThat(new String(world.attachments.open(up.storageKey()).readAllBytes())).isEqualTo("%PDF-1");

        assertThat(service.upload(CALLER, "notes", null, bytes("x")).contentType())
                .isEqualTo("application/octet-stream");
        assertThat(service.upload(CALLER, "data.bin", "text/csv; charset=utf-8", bytes("x")).contentType())
                .isEqualTo("text/csv; charset=utf-8");
    }

    @Test
    void uploadRefusals() throws Exception {
        fails(() -> service.upload(CALLER, null, null, bytes("x")), ErrorCode.VALIDATION_ERROR, "filename",
                "required");
        fails(() -> service.upload(CALLER, "dir/", null, bytes("x")), ErrorCode.VALIDATION_ERROR, "filename",
                "required");
        fails(() -> service.upload(CALLER, "a\r\nb.txt", null, bytes("x")), ErrorCode.VALIDATION_ERROR, "filename",
                "one line");
        fails(() -> service.upload(CALLER, "n".repeat(256), null, bytes("x")), ErrorCode.VALIDATION_ERROR,
                "filename", "at most 255");
        fails(() -> service.upload(CALLER, "a.txt", "not a type", bytes("x")), ErrorCode.VALIDATION_ERROR,
                "content_type", "not a valid content type");
        fails(() -> service.upload(CALLER, "big.txt", null, bytes("x".repeat(101))), ErrorCode.PAYLOAD_TOO_LARGE,
                "file", "larger than the limit of 100 bytes");
        assertThat(v1Files()).as("no partial file is kept").isEmpty();
        assertThat(service.upload(CALLER, "exact.txt", null, bytes("x".repeat(100))).size()).isEqualTo(100);
    }

    @Test
    void anUploadIsAttachedUnderItsUploadedNameUnlessRenamed() {
        StoredUpload up = service.upload(CALLER, "Broschüre 2026.pdf", null, bytes("pdf"));
        assertThat(up.storageKey()).endsWith("/Brosch%C3%BCre+2026.pdf");

        EmailMessage m = service.sendMessage(CALLER, Messages.basic().attach(upload(up.storageKey()))
                .attach(new MessageRequest.Attachment("Offer.pdf", "application/x-offer", up.storageKey(), null))
                .build());
        assertThat(m.metadata().attachments()).containsExactly(
                new AttachmentRef("Broschüre 2026.pdf", up.storageKey(), "application/pdf", 3, null),
                new AttachmentRef("Offer.pdf", up.storageKey(), "application/x-offer", 3, null));
    }

    @Test
    void inlineBytesAreWrittenOnlyOnceTheMessageIsAccepted() throws Exception {
        fails(() -> service.sendMessage(CALLER, Messages.basic().to("bad").attach(inline("a.txt", null, "hello"))
                .build()), ErrorCode.VALIDATION_ERROR, "to[1]", "to[1]");
        assertThat(v1Files()).isEmpty();

        EmailMessage m = service.sendMessage(CALLER, Messages.basic().attach(inline("a.txt", null, "hello")).build());
        AttachmentRef ref = m.metadata().attachments().get(0);
        assertThat(ref.name()).isEqualTo("a.txt");
        assertThat(ref.type()).isEqualTo("text/plain");
        assertThat(ref.size()).isEqualTo(5);
        assertThat(ref.path()).matches("v1/1/[0-9a-f]{32}/a\\.txt");
        assertThat(new String(world.attachments.open(ref.path()).readAllBytes())).isEqualTo("hello");
    }

    @Test
    void attachmentRefusals() {
        StoredUpload theirs = service.upload(new Caller(2, 5), "theirs.txt", null, bytes("secret"));
        world.upload("crm.txt", "crm file");

        List<Object[]> cases = List.of(
                new Object[] {new MessageRequest.Attachment("x.txt", null, theirs.storageKey(), new byte[1]),
                    "attachments[0]", "exactly one of storage_key and content"},
                new Object[] {new MessageRequest.Attachment("x.txt", null, null, null),
                    "attachments[0]", "exactly one of storage_key and content"},
                new Object[] {upload(theirs.storageKey()), "attachments[0].storage_key",
                    "not an upload of this account"},
                new Object[] {upload("1-123-crm.txt"), "attachments[0].storage_key", "not a storage key of an upload"},
                new Object[] {upload("v1/1/" + "a".repeat(32) + "/.."), "attachments[0].storage_key",
                    "not a storage key"},
                new Object[] {upload("v1/1/" + "a".repeat(32) + "/gone.txt"), "attachments[0].storage_key",
                    "does not exist"},
                new Object[] {inline(null, null, "x"), "attachments[0].filename", "required"},
                new Object[] {inline("a\nb", null, "x"), "attachments[0].filename", "one line"},
                new Object[] {inline("a.txt", "text/", "x"), "attachments[0].content_type",
                    "not a valid content type"});
        for (Object[] c : cases) {
            fails(() -> service.sendMessage(CALLER, Messages.basic().attach((MessageRequest.Attachment) c[0]).build()),
                    ErrorCode.VALIDATION_ERROR, (String) c[1], (String) c[2]);
        }
        fails(() -> service.sendMessage(CALLER, Messages.basic().attach(inline("1", null, "x"))
                .attach(inline("2", null, "x")).attach(inline("3", null, "x")).attach(inline("4", null, "x")).build()),
                ErrorCode.VALIDATION_ERROR, "attachments", "at most 3 attachments");
        fails(() -> service.sendMessage(CALLER, Messages.basic().attach(inline("1", null, "x".repeat(60)))
                .attach(inline("2", null, "x".repeat(41))).build()),
                ErrorCode.PAYLOAD_TOO_LARGE, "attachments", "more than the limit of 100");
    }
}
