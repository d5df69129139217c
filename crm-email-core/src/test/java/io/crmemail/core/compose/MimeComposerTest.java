package io.crmemail.core.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crmemail.core.attachment.AttachmentStore;
import io.crmemail.core.attachment.FileSystemAttachmentStore;
import io.crmemail.core.message.AttachmentRef;
import io.crmemail.core.message.Mailbox;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MimeComposerTest {

    private static final String MESSAGE_ID = "<0123456789abcdef.42@crm.example>";
    private static final Instant DATE = Instant.parse("2024-05-06T07:08:09Z");
    private static final String SMUGGLE = "line1\rline2\nline3\r\n.\r\nMAIL FROM:<x@y>";

    private final Session session = Session.getInstance(new Properties());

    @TempDir
    Path dir;

    private CountingStore store;
    private MimeComposer composer;

    @BeforeEach
    void setUp() {
        store = new CountingStore(new FileSystemAttachmentStore(dir));
        composer = new MimeComposer(session, store);
    }

    private static OutgoingEmail email(String subject, String html, String text, List<AttachmentRef> attachments,
            Map<String, String> headers) {
        return new OutgoingEmail(MESSAGE_ID, new Mailbox("Jürgen Müller", "juergen@crm.example"),
                List.of(new Mailbox("Ann", "ann@example.org"), Mailbox.of("bob@example.org")),
                List.of(Mailbox.of("carol@example.org")), List.of(Mailbox.of("reply-0123456789abcdef@in.crm.example")),
                subject, html, text, attachments, null, null, headers, DATE);
    }

    private static OutgoingEmail simple(String html, String text) {
        return email("Hello", html, text, List.of(), Map.of());
    }

    private byte[] bytes(MimeMessage message) throws IOException, MessagingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    private MimeMessage roundTrip(OutgoingEmail email) throws Exception {
        return new MimeMessage(session, new ByteArrayInputStream(bytes(composer.compose(email))));
    }

    @Test
    void htmlAndTextBecomeAlternative() throws Exception {
        MimeMessage parsed = roundTrip(simple("<p>Hi <b>Ann</b></p>", "Hi Ann"));

        assertThat(parsed.getContentType()).startsWith("multipart/alternative");
        Multipart alternative = (Multipart) parsed.getContent();
        assertThat(alternative.getCount()).isEqualTo(2);
        BodyPart text = alternative.getBodyPart(0);
        BodyPart html = alternative.getBodyPart(1);
        assertThat(text.getContentType()).isEqualToIgnoringCase("text/plain; charset=UTF-8");
        assertThat(html.getContentType()).isEqualToIgnoringCase("text/html; charset=UTF-8");
        assertThat(text.getHeader("Content-Transfer-Encoding")).containsExactly("quoted-printable");
        assertThat(html.getHeader("Content-Transfer-Encoding")).containsExactly("quoted-printable");
        assertThat(text.getContent()).isEqualTo("Hi Ann");
        assertThat(html.getContent()).isEqualTo("<p>Hi <b>Ann</b></p>");
    }

    @Test
    void addressHeadersDateAndMimeVersion() throws Exception {
        MimeMessage parsed = roundTrip(simple("<p>x</p>", null));

        InternetAddress from = (InternetAddress) parsed.getFrom()[0];
        assertThat(from.getAddress()).isEqualTo("juergen@crm.example");
        assertThat(from.getPersonal()).isEqualTo("Jürgen Müller");
        assertThat(parsed.getHeader("From")[0]).startsWith("=?UTF-8?").doesNotContain("ü");
        assertThat(Arrays.stream(parsed.getRecipients(Message.RecipientType.TO)).map(Object::toString))
                .containsExactly("Ann <ann@example.org>", "bob@example.org");
        assertThat(parsed.getRecipients(Message.RecipientType.CC)[0].toString()).isEqualTo("carol@example.org");
        assertThat(parsed.getRecipients(Message.RecipientType.BCC)).isNull();
        assertThat(parsed.getReplyTo()[0].toString()).isEqualTo("reply-0123456789abcdef@in.crm.example");
        assertThat(parsed.getSentDate().toInstant()).isEqualTo(DATE);
        assertThat(parsed.getHeader("MIME-Version")).containsExactly("1.0");
    }

    @Test
    void nonAsciiSubjectIsEncoded() throws Exception {
        MimeMessage composed = composer.compose(email("Grüße 日本", "<p>x</p>", "x", List.of(), Map.of()));
        byte[] raw = bytes(composed);
        String headerBlock = new String(raw, StandardCharsets.ISO_8859_1).split("\r\n\r\n", 2)[0];
        assertThat(headerBlock).contains("Subject: =?UTF-8?");
        for (byte b : headerBlock.getBytes(StandardCharsets.ISO_8859_1)) {
            assertThat(b & 0xff).as("header bytes are ASCII").isLessThan(0x80);
        }
        MimeMessage parsed = new MimeMessage(session, new ByteArrayInputStream(raw));
        assertThat(parsed.getSubject()).isEqualTo("Grüße 日本");
    }

    @Test
    void longSubjectIsFolded() throws Exception {
        String subject = "Ünïcödé ".repeat(30).strip();
        MimeMessage composed = composer.compose(email(subject, null, "x", List.of(), Map.of()));
        String raw = new String(bytes(composed), StandardCharsets.US_ASCII);
        for (String line : raw.split("\r\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(998);
        }
        assertThat(raw).contains("Subject: =?UTF-8?").containsPattern("\r\n =\\?UTF-8\\?");
        assertThat(new MimeMessage(session, new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)))
                .getSubject()).isEqualTo(subject);
    }

    @Test
    void messageIdIsStable() throws Exception {
        MimeMessage composed = composer.compose(simple("<p>x</p>", null));
        assertThat(composed.getMessageID()).isEqualTo(MESSAGE_ID);
        composed.saveChanges();
        assertThat(composed.getMessageID()).isEqualTo(MESSAGE_ID);
        byte[] raw = bytes(composed);
        composed.saveChanges();
        assertThat(composed.getMessageID()).isEqualTo(MESSAGE_ID);
        assertThat(composed.getHeader("Message-ID")).containsExactly(MESSAGE_ID);
        assertThat(new MimeMessage(session, new ByteArrayInputStream(raw)).getMessageID()).isEqualTo(MESSAGE_ID);
    }

    @Test
    void noBareCarriageReturnOrLineFeedReachesTheWire() throws Exception {
        List<AttachmentRef> refs = List.of(attachment("a.txt", SMUGGLE.getBytes(StandardCharsets.US_ASCII), "text/plain"));
        for (OutgoingEmail email : List.of(
                email("s", "<p>" + SMUGGLE + "</p>", SMUGGLE, List.of(), Map.of()),
                email("s", null, SMUGGLE, List.of(), Map.of()),
                email("s", "<p>" + SMUGGLE + "</p>", null, refs, Map.of()))) {
            byte[] raw = bytes(composer.compose(email));
            assertOnlyCrlf(raw);
        }
        MimeMessage parsed = roundTrip(email("s", null, SMUGGLE, List.of(), Map.of()));
        assertThat(parsed.getContent()).isEqualTo("line1\r\nline2\r\nline3\r\n.\r\nMAIL FROM:<x@y>");
    }

    private static void assertOnlyCrlf(byte[] raw) {
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\r') {
                assertThat(i + 1 < raw.length && raw[i + 1] == '\n').as("CR at %d followed by LF", i).isTrue();
            }
            if (raw[i] == '\n') {
                assertThat(i > 0 && raw[i - 1] == '\r').as("LF at %d preceded by CR", i).isTrue();
            }
        }
    }

    @Test
    void textOnlyIsASingleTextPart() throws Exception {
        MimeMessage parsed = roundTrip(simple(null, "Just text ünïcödé"));
        assertThat(parsed.getContentType()).isEqualToIgnoringCase("text/plain; charset=UTF-8");
        assertThat(parsed.getHeader("Content-Transfer-Encoding")).containsExactly("quoted-printable");
        assertThat(parsed.getContent()).isEqualTo("Just text ünïcödé");
    }

    @Test
    void missingTextIsDerivedFromHtml() throws Exception {
        String html = HtmlDocument.build("<p>Hello <a href=\"https://x.org\">site</a></p>", "<p>Ann</p>",
                "https://crm.example/email/pixel/t.png");
        MimeMessage parsed = roundTrip(simple(html, null));
        Multipart alternative = (Multipart) parsed.getContent();
        assertThat(alternative.getBodyPart(0).getContent()).isEqualTo("Hello site (https://x.org)\r\n\r\nAnn");
        assertThat((String) alternative.getBodyPart(1).getContent()).contains("pixel/t.png");
    }

    @Test
    void attachmentsGoIntoMixed() throws Exception {
        byte[] pdf = "%PDF-1.4 fake".getBytes(StandardCharsets.US_ASCII);
        byte[] bin = {0, 1, 2, (byte) 0xff, '\r', '\n', '\r'};
        List<AttachmentRef> refs = List.of(
                attachment("Übersicht 日本.pdf", pdf, "application/pdf"),
                attachment("data.bin", bin, null),
                attachment("weird.dat", bin, "not a type"));
        MimeMessage parsed = roundTrip(email("s", "<p>x</p>", "x", refs, Map.of()));

        assertThat(parsed.getContentType()).startsWith("multipart/mixed");
        Multipart mixed = (Multipart) parsed.getContent();
        assertThat(mixed.getCount()).isEqualTo(4);
        assertThat(mixed.getBodyPart(0).getContentType()).startsWith("multipart/alternative");

        BodyPart first = mixed.getBodyPart(1);
        assertThat(first.getFileName()).isEqualTo("Übersicht 日本.pdf");
        assertThat(first.getDisposition()).isEqualTo(Part.ATTACHMENT);
        assertThat(first.getContentType()).startsWith("application/pdf");
        assertThat(first.getHeader("Content-Transfer-Encoding")).containsExactly("base64");
        assertThat(first.getInputStream().readAllBytes()).isEqualTo(pdf);
        assertThat(first.getHeader("Content-Disposition")[0]).contains("filename*");

        BodyPart second = mixed.getBodyPart(2);
        assertThat(second.getFileName()).isEqualTo("data.bin");
        assertThat(second.getContentType()).startsWith("application/octet-stream");
        assertThat(second.getInputStream().readAllBytes()).isEqualTo(bin);
        assertThat(mixed.getBodyPart(3).getContentType()).startsWith("application/octet-stream");
    }

    @Test
    void longAndQuotedFileNamesStayWithinLineLimits() throws Exception {
        byte[] content = "abc".getBytes(StandardCharsets.US_ASCII);
        String longName = "日本語のファイル名".repeat(40) + ".pdf";
        String quoted = "a \"quoted\" \\ name; with=specials and a length well beyond sixty characters.txt";
        List<AttachmentRef> refs = List.of(attachment(longName, content, "application/pdf"),
                attachment(quoted, content, "text/plain"), attachment("x\r\nBcc: e@x.org", content, "text/plain"),
                new AttachmentRef(null, "1-2-" + Math.abs(quoted.hashCode()) + ".bin", null, 3, "h"));
        byte[] raw = bytes(composer.compose(email("s", null, "x", refs, Map.of())));
        for (String line : new String(raw, StandardCharsets.US_ASCII).split("\r\n")) {
            if (!line.matches("[A-Za-z0-9+/=]*")) {
                assertThat(line.length()).as(line).isLessThanOrEqualTo(78);
            }
        }
        assertOnlyCrlf(raw);
        Multipart mixed = (Multipart) new MimeMessage(session, new ByteArrayInputStream(raw)).getContent();
        assertThat(mixed.getBodyPart(1).getFileName()).isEqualTo(longName);
        assertThat(new ContentType(mixed.getBodyPart(1).getContentType()).getParameter("name")).isEqualTo(longName);
        assertThat(mixed.getBodyPart(2).getFileName()).isEqualTo(quoted);
        assertThat(mixed.getBodyPart(3).getFileName()).isEqualTo("x  Bcc: e@x.org");
        assertThat(mixed.getBodyPart(3).getHeader("Bcc")).isNull();
        assertThat(mixed.getBodyPart(4).getFileName()).isEqualTo("1-2-" + Math.abs(quoted.hashCode()) + ".bin");
    }

    @Test
    void textOnlyWithAttachment() throws Exception {
        List<AttachmentRef> refs = List.of(attachment("a.txt", "abc".getBytes(StandardCharsets.US_ASCII), "text/plain"));
        MimeMessage parsed = roundTrip(email("s", null, "body", refs, Map.of()));
        Multipart mixed = (Multipart) parsed.getContent();
        assertThat(mixed.getCount()).isEqualTo(2);
        assertThat(mixed.getBodyPart(0).getContentType()).isEqualToIgnoringCase("text/plain; charset=UTF-8");
        assertThat(mixed.getBodyPart(0).getContent()).isEqualTo("body");
        assertThat(mixed.getBodyPart(1).getFileName()).isEqualTo("a.txt");
    }

    @Test
    void largeAttachmentIsStreamedAndOpenedOnce() throws Exception {
        long size = 20L * 1024 * 1024;
        store.write("1-2-big.bin", new PatternStream(size));
        store.opens.set(0);
        AttachmentRef ref = new AttachmentRef("big.bin", "1-2-big.bin", "application/zip", size, "h");

        MimeMessage composed = composer.compose(email("s", "<p>x</p>", "x", List.of(ref), Map.of()));
        assertThat(store.opens).hasValue(0);
        CountingOutputStream out = new CountingOutputStream();
        composed.writeTo(out);

        assertThat(store.opens).hasValue(1);
        assertThat(out.count).isGreaterThan(size * 4 / 3);
    }

    private static OutgoingEmail threaded(String inReplyTo, String references) {
        return new OutgoingEmail(MESSAGE_ID, Mailbox.of("f@x.org"), List.of(Mailbox.of("a@x.org")), null, null, "s",
                null, "x", null, inReplyTo, references, null, DATE);
    }

    @Test
    void threadHeadersAreWrittenFoldedAndInOrder() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add("<message-" + i + "-0123456789@crm.example>");
        }
        byte[] raw = bytes(composer.compose(threaded(ids.get(9), String.join("  ", ids))));
        String text = new String(raw, StandardCharsets.US_ASCII);
        assertThat(text).containsPattern("References: <message-0[^\r]*\r\n\t?\\s<message-");
        assertOnlyCrlf(raw);

        MimeMessage parsed = new MimeMessage(session, new ByteArrayInputStream(raw));
        assertThat(MimeUtility.unfold(parsed.getHeader("References", " "))).isEqualTo(String.join(" ", ids));
        assertThat(parsed.getHeader("In-Reply-To")).containsExactly(ids.get(9));
    }

    @Test
    void noThreadHeadersWithoutIdsAndMalformedIdsAreRefused() throws Exception {
        MimeMessage plain = roundTrip(threaded(null, " "));
        assertThat(plain.getHeader("In-Reply-To")).isNull();
        assertThat(plain.getHeader("References")).isNull();
        for (String bad : List.of("no-brackets@x.org", "<a@x.org> junk", "<a@x.org>\r\nBcc: e@x.org")) {
            assertThatThrownBy(() -> composer.compose(threaded(bad, null))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> composer.compose(threaded(null, bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void replyToMayHoldSeveralAddresses() throws Exception {
        OutgoingEmail email = new OutgoingEmail(MESSAGE_ID, Mailbox.of("f@x.org"), List.of(Mailbox.of("a@x.org")),
                null, List.of(new Mailbox("Support", "support@x.org"), Mailbox.of("sales@x.org")), "s", null, "x",
                null, null, null, null, DATE);
        MimeMessage parsed = roundTrip(email);
        assertThat(Arrays.stream(parsed.getReplyTo()).map(Object::toString))
                .containsExactly("Support <support@x.org>", "sales@x.org");
    }

    @Test
    void customHeadersAreEncodedAndKeptInOrder() throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Campaign", "spring-2026");
        headers.put("X-Crm-Note", "Grüße");
        headers.put("List-Unsubscribe", "<https://x.org/u?id=1>");
        byte[] raw = bytes(composer.compose(email("s", null, "x", List.of(), headers)));
        String text = new String(raw, StandardCharsets.US_ASCII);
        assertThat(text.indexOf("X-Campaign:")).isLessThan(text.indexOf("X-Crm-Note:"));
        assertThat(text.indexOf("X-Crm-Note:")).isLessThan(text.indexOf("List-Unsubscribe:"));

        MimeMessage parsed = new MimeMessage(session, new ByteArrayInputStream(raw));
        assertThat(parsed.getHeader("X-Campaign")).containsExactly("spring-2026");
        assertThat(MimeUtility.decodeText(parsed.getHeader("X-Crm-Note")[0])).isEqualTo("Grüße");
        assertThat(parsed.getHeader("List-Unsubscribe")).containsExactly("<https://x.org/u?id=1>");
    }

    @Test
    void rejectsMalformedMessageId() {
        for (String id : Arrays.asList(null, "abc@x", "<abc>", "<a b@x>", "<a@x>\r\nBcc: e@x")) {
            OutgoingEmail email = new OutgoingEmail(id, Mailbox.of("a@x.org"), List.of(), List.of(), null, "s",
                    null, "x", List.of(), null, null, Map.of(), DATE);
            assertThatThrownBy(() -> composer.compose(email)).as(String.valueOf(id))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void outgoingEmailCopiesCollections() {
        List<Mailbox> to = new ArrayList<>(List.of(Mailbox.of("a@x.org")));
        OutgoingEmail email = new OutgoingEmail(MESSAGE_ID, Mailbox.of("f@x.org"), to, null, null, "s", null,
                null, null, null, null, null, null);
        to.clear();
        assertThat(email.to()).hasSize(1);
        assertThat(email.cc()).isEmpty();
        assertThat(email.replyTo()).isEmpty();
        assertThat(email.attachments()).isEmpty();
        assertThat(email.headers()).isEmpty();
    }

    @Test
    void nullTextAndHtmlGiveEmptyTextPartAndNullDateMeansNow() throws Exception {
        OutgoingEmail email = new OutgoingEmail(MESSAGE_ID, Mailbox.of("f@x.org"), List.of(Mailbox.of("a@x.org")),
                null, null, null, null, null, null, null, null, null, null);
        Instant before = Instant.now().minusSeconds(2);
        MimeMessage parsed = roundTrip(email);
        assertThat(parsed.getContent()).isEqualTo("");
        assertThat(parsed.getSentDate().toInstant()).isAfter(before);
    }

    private AttachmentRef attachment(String name, byte[] content, String type) throws IOException {
        String path = "1-2-" + Math.abs(name.hashCode()) + ".bin";
        store.write(path, new ByteArrayInputStream(content));
        return new AttachmentRef(name, path, type, content.length, "host");
    }

    /** Counts how often attachment bytes are opened. */
    private static final class CountingStore implements AttachmentStore {
        final AtomicInteger opens = new AtomicInteger();
        private final AttachmentStore delegate;

        CountingStore(AttachmentStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public InputStream open(String path) throws IOException {
            opens.incrementAndGet();
            return delegate.open(path);
        }

        @Override
        public boolean exists(String path) {
            return delegate.exists(path);
        }

        @Override
        public long size(String path) throws IOException {
            return delegate.size(path);
        }

        @Override
        public long write(String path, InputStream content) throws IOException {
            return delegate.write(path, content);
        }

        @Override
        public boolean delete(String path) throws IOException {
            return delegate.delete(path);
        }
    }

    /** {@code size} generated bytes, so the test never holds the file in memory either. */
    private static final class PatternStream extends InputStream {
        private long remaining;

        PatternStream(long size) {
            remaining = size;
        }

        @Override
        public int read() {
            return remaining-- > 0 ? (int) (remaining * 31 & 0xff) : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (remaining <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, remaining);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) read();
            }
            return n;
        }
    }

    private static final class CountingOutputStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
