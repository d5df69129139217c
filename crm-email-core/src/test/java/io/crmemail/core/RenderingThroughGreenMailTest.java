package io.crmemail.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.crmemail.core.compose.ClickLinks;
import io.crmemail.core.message.AttachmentRef;
import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.store.NewEmail;
import io.crmemail.core.store.NewToken;
import io.crmemail.core.store.TokenKind;
import io.crmemail.core.store.TrackingToken;
import io.crmemail.core.testsupport.TestWorld;
import io.crmemail.core.tracking.Tokens;
import jakarta.mail.Address;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the v1 message fields look like on the wire: text-only and explicit text alternatives, messages on no
 * record, custom headers, Reply-To, threading headers and rewritten links, read back from a real SMTP server.
 * Messages are stored directly, as the v1 acceptance path would store them.
 */
class RenderingThroughGreenMailTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    static final RecordRef ON_RECORD = new RecordRef(TestWorld.TABLE, TestWorld.RECORD);

    @TempDir
    Path temp;

    TestWorld world;
    EmailService service;

    @BeforeEach
    void setUp() {
        world = new TestWorld(temp, greenMail.getSmtp().getPort());
        service = world.service();
    }

    @AfterEach
    void tearDown() {
        service.close();
    }

    /** Stores a queued message from sales@acme.com to Jane, changed by {@code change}, and delivers it. */
    private Delivered send(RecordRef record, UnaryOperator<EmailMetadata.Builder> change, NewToken... tokens)
            throws Exception {
        Instant now = world.clock.instant();
        EmailMetadata.Builder metadata = EmailMetadata.builder()
                .status(EmailStatus.QUEUED).smtpIntegrationId(world.integration.id())
                .fromIdentity(new Mailbox("Sales", "sales@acme.com")).to(List.of("Jane Doe <lead@example.org>"))
                .subject("Hello").messageId(Tokens.messageId("acme.com"));
        EmailMessage stored = world.store.enqueue(new NewEmail(TestWorld.ACCOUNT, record, CommentType.EMAIL_OUT, null,
                TestWorld.USER, now, change.apply(metadata).build(), now, List.of(tokens)));
        assertThat(service.deliverDue()).isEqualTo(1);
        EmailMessage after = world.store.find(stored.id()).orElseThrow();
        assertThat(after.status()).as(String.valueOf(after.metadata().error())).isEqualTo(EmailStatus.SENT);
        MimeMessage[] received = greenMail.getReceivedMessages();
        return new Delivered(after, received[received.length - 1]);
    }

    record Delivered(EmailMessage message, MimeMessage mail) {
    }

    @Test
    void aTextOnlyMessageOnNoRecordGoesOutAsWrittenInOneTextPart() throws Exception {
        Delivered d = send(RecordRef.NONE, m -> m.subject("Plain {{field:title}}").body(null)
                        .text("Hello {{field:title}}\nSecond line"),
                NewToken.of(Tokens.pixelToken(), TokenKind.PIXEL), NewToken.of(Tokens.replyToken(), TokenKind.REPLY));

        MimeMessage mail = d.mail();
        assertThat(mail.getContentType()).startsWith("text/plain");
        assertThat(mail.getContent()).isEqualTo("Hello {{field:title}}\r\nSecond line");
        assertThat(mail.getSubject()).isEqualTo("Plain {{field:title}}");
        assertThat(d.message().metadata().renderedSubject()).isEqualTo("Plain {{field:title}}");
        assertThat(raw(mail)).doesNotContain("/email/pixel/");
        assertThat(addresses(mail.getReplyTo()))
                .containsExactly("reply-" + token(d.message(), TokenKind.REPLY) + "@" + TestWorld.REPLY_DOMAIN);
    }

    @Test
    void aTextOnlyMessageWithAnAttachmentIsMixedAroundItsTextPart() throws Exception {
        String path = world.upload("terms.txt", "Terms\n");
        Delivered d = send(RecordRef.NONE, m -> m.body("").text("See the attachment.")
                .attachments(List.of(new AttachmentRef("terms.txt", path, "text/plain", 6, null))));

        assertThat(d.mail().getContentType()).startsWith("multipart/mixed");
        Multipart mixed = (Multipart) d.mail().getContent();
        assertThat(mixed.getCount()).isEqualTo(2);
        assertThat(mixed.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(mixed.getBodyPart(0).getContent()).isEqualTo("See the attachment.");
        assertThat(mixed.getBodyPart(1).getFileName()).isEqualTo("terms.txt");
    }

    @Test
    void anExplicitTextIsTheAlternativeAndIsMergedUnescaped() throws Exception {
        world.records.updateField(TestWorld.ACCOUNT, TestWorld.TABLE, TestWorld.RECORD, "title", "<Jane & Co>");
        Delivered d = send(ON_RECORD, m -> m.subject("For {{field:title}}")
                .body("<p>Hi {{field:title}}, this is <b>HTML</b></p>").text("Hi {{field:title}}, this is the text"));

        assertThat(d.mail().getContentType()).startsWith("multipart/alternative");
        Multipart alternative = (Multipart) d.mail().getContent();
        assertThat(alternative.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(alternative.getBodyPart(0).getContent()).isEqualTo("Hi <Jane & Co>, this is the text");
        assertThat(alternative.getBodyPart(1).getContentType()).startsWith("text/html");
        assertThat((String) alternative.getBodyPart(1).getContent())
                .contains("<p>Hi &lt;Jane &amp; Co&gt;, this is <b>HTML</b></p>");
        assertThat(d.mail().getSubject()).isEqualTo("For <Jane & Co>");
    }

    @Test
    void anHtmlMessageOnNoRecordNeedsNoRecordAndKeepsItsBraces() throws Exception {
        Delivered d = send(RecordRef.NONE, m -> m.body("<p>Literally {{field:title}}</p>"),
                NewToken.of(Tokens.pixelToken(), TokenKind.PIXEL));

        Multipart alternative = (Multipart) d.mail().getContent();
        String html = (String) alternative.getBodyPart(1).getContent();
        assertThat(html).contains("<p>Literally {{field:title}}</p>")
                .contains(TestWorld.BASE_URL + "/email/pixel/" + token(d.message(), TokenKind.PIXEL) + ".png");
        assertThat(alternative.getBodyPart(0).getContent()).isEqualTo("Literally {{field:title}}");
    }

    @Test
    void customHeadersReplyToAndThreadingHeadersGoOut() throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Campaign", "spring-2026");
        headers.put("X-Crm-Note", "Grüße");
        String parent = "<parent-1@acme.com>";
        String references = "<root-0@example.org> " + parent;
        Delivered d = send(ON_RECORD, m -> m.body("<p>x</p>").headers(headers)
                        .replyTo(List.of("Support <support@acme.com>", "sales@acme.com"))
                        .inReplyTo(parent).references(references),
                NewToken.of(Tokens.replyToken(), TokenKind.REPLY));

        MimeMessage mail = d.mail();
        // The caller's Reply-To wins over the reply-token address.
        assertThat(addresses(mail.getReplyTo())).containsExactly("Support <support@acme.com>", "sales@acme.com");
        assertThat(mail.getHeader("In-Reply-To")).containsExactly(parent);
        assertThat(MimeUtility.unfold(mail.getHeader("References", " "))).isEqualTo(references);
        assertThat(mail.getHeader("X-Campaign")).containsExactly("spring-2026");
        assertThat(MimeUtility.decodeText(mail.getHeader("X-Crm-Note")[0])).isEqualTo("Grüße");
    }

    @Test
    void noThreadingHeadersOnAMessageThatStartsAConversation() throws Exception {
        Delivered d = send(ON_RECORD, m -> m.body("<p>x</p>"));
        assertThat(d.mail().getHeader("In-Reply-To")).isNull();
        assertThat(d.mail().getHeader("References")).isNull();
    }

    @Test
    void trackedLinksPointAtTheirClickTokensAndTheRestStayAsWritten() throws Exception {
        String body = "<p><a href=\"https://shop.example/offer?a=1&amp;b=2\">offer</a> "
                + "<a href=\"mailto:sales@acme.com\">mail</a> <a href=\"tel:+15551234\">call</a> "
                + "<a href=\"#top\">top</a> <a href=\"https://docs.example/\" data-notrack>docs</a> "
                + "<a href=\"https://shop.example/unsubscribe?u=1\">unsubscribe</a> "
                + "<a href=\"https://crm.example/r/{{field:id}}\">yours</a> "
                + "<a href=\"https://blog.example/post\">{{field:company}} blog</a></p>";
        List<NewToken> clicks = ClickLinks.trackableUrls(body).stream()
                .map(url -> new NewToken(Tokens.clickToken(), TokenKind.CLICK, url)).toList();
        assertThat(clicks).hasSize(2);
        Delivered d = send(ON_RECORD, m -> m.body(body), clicks.toArray(NewToken[]::new));

        Multipart alternative = (Multipart) d.mail().getContent();
        String html = (String) alternative.getBodyPart(1).getContent();
        List<String> hrefs = Jsoup.parse(html).select("a[href]").stream().map(a -> a.attr("href")).toList();
        List<String> tokens = world.store.tokens(d.message().id()).stream()
                .filter(t -> t.kind() == TokenKind.CLICK).map(TrackingToken::token).toList();
        assertThat(hrefs).containsExactly(
                TestWorld.BASE_URL + "/email/click/" + tokens.get(0), "mailto:sales@acme.com", "tel:+15551234",
                "#top", "https://docs.example/", "https://shop.example/unsubscribe?u=1",
                "https://crm.example/r/" + TestWorld.RECORD, TestWorld.BASE_URL + "/email/click/" + tokens.get(1));
        assertThat(html).contains("Initech blog");
        assertThat(world.store.findToken(tokens.get(0)).orElseThrow().url()).isEqualTo("https://shop.example/offer?a=1&b=2");
        assertThat(world.store.findToken(tokens.get(1)).orElseThrow().url()).isEqualTo("https://blog.example/post");
        // Plain-text readers see the real addresses, not the redirects.
        assertThat((String) alternative.getBodyPart(0).getContent())
                .contains("offer (https://shop.example/offer?a=1&b=2)").doesNotContain("/email/click/");
    }

    @Test
    void withoutClickTokensNoLinkIsRewritten() throws Exception {
        String body = "<p><a href=\"https://shop.example/offer?a=1&amp;b=2\">offer</a></p>";
        Delivered d = send(ON_RECORD, m -> m.body(body));
        String html = (String) ((Multipart) d.mail().getContent()).getBodyPart(1).getContent();
        assertThat(html).contains(body).doesNotContain("/email/click/");
    }

    private String token(EmailMessage message, TokenKind kind) {
        return world.store.tokens(message.id()).stream().filter(t -> t.kind() == kind)
                .map(TrackingToken::token).findFirst().orElseThrow();
    }

    private static List<String> addresses(Address[] addresses) {
        List<String> out = new ArrayList<>();
        Arrays.stream(addresses).forEach(a -> out.add(((jakarta.mail.internet.InternetAddress) a).toUnicodeString()));
        return out;
    }

    private static String raw(Part message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
