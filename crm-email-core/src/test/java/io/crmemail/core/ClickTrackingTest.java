package io.crmemail.core;

import static io.crmemail.core.testsupport.TestWorld.CALLER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.InMemoryEmailStore;
import io.crmemail.core.store.NewEmail;
import io.crmemail.core.store.NewToken;
import io.crmemail.core.store.TokenKind;
import io.crmemail.core.testsupport.FailingStore;
import io.crmemail.core.testsupport.TestWorld;
import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.EventType;
import io.crmemail.core.tracking.Tokens;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The click redirect: where a token may lead, and what a click records. */
class ClickTrackingTest {

    static final String HUMAN = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/122.0 Safari/537.36";
    static final String SCANNER = "Mozilla/5.0 (compatible; Barracuda Sentinel)";
    static final String OFFER = "https://shop.example/offer?a=1&b=2";

    @TempDir
    Path temp;

    final AtomicBoolean lookupsFail = new AtomicBoolean();
    final AtomicBoolean recordingFails = new AtomicBoolean();
    TestWorld world;
    EmailService service;
    EmailMessage message;
    String click;

    @BeforeEach
    void setUp() {
        EmailStore store = FailingStore.failing(FailingStore.failing(new InMemoryEmailStore(), recordingFails,
                "recordClick"), lookupsFail, "findToken");
        world = new TestWorld(temp, 1, store);
        service = world.service();
        click = Tokens.clickToken();
        message = enqueue(new NewToken(click, TokenKind.CLICK, OFFER),
                new NewToken(Tokens.clickToken(), TokenKind.CLICK, "javascript:alert(1)"),
                NewToken.of(Tokens.pixelToken(), TokenKind.PIXEL), NewToken.of(Tokens.replyToken(), TokenKind.REPLY));
    }

    @AfterEach
    void tearDown() {
        service.close();
    }

    private EmailMessage enqueue(NewToken... tokens) {
        Instant now = world.clock.instant();
        EmailMetadata metadata = EmailMetadata.builder().status(EmailStatus.QUEUED)
                .smtpIntegrationId(world.integration.id()).fromIdentity(Mailbox.of("sales@acme.com"))
                .to(List.of("lead@example.org")).subject("Offer").body("<a href=\"" + OFFER + "\">offer</a>")
                .messageId(Tokens.messageId("acme.com")).build();
        return world.store.enqueue(new NewEmail(TestWorld.ACCOUNT, RecordRef.NONE, CommentType.EMAIL_OUT, null,
                TestWorld.USER, now, metadata, now, List.of(tokens)));
    }

    private List<EmailEvent> clicks() {
        return service.events(CALLER, message.id()).stream().filter(e -> e.type() == EventType.CLICK).toList();
    }

    private String token(TokenKind kind, int index) {
        return world.store.tokens(message.id()).stream().filter(t -> t.kind() == kind).toList().get(index).token();
    }

    @Test
    void aKnownClickTokenLeadsToItsUrlAndRecordsTheClick() {
        assertThat(service.trackClick(click, HUMAN, "203.0.113.7")).contains(OFFER);

        assertThat(clicks()).singleElement().satisfies(e -> {
            assertThat(e.details()).containsEntry("url", OFFER);
            assertThat(e.userAgent()).isEqualTo(HUMAN);
            assertThat(e.ipAddress()).isEqualTo("203.0.113.7");
            assertThat(e.automated()).isFalse();
        });
    }

    @Test
    void onlyAPersonsFirstClickStampsFirstClickedAt() {
        assertThat(service.trackClick(click, SCANNER, "198.51.100.1")).contains(OFFER);
        assertThat(service.get(CALLER, message.id()).metadata().firstClickedAt()).isNull();

        world.clock.advance(Duration.ofMinutes(2));
        Instant human = world.clock.instant();
        service.trackClick(click, HUMAN, "203.0.113.7");
        world.clock.advance(Duration.ofMinutes(2));
        service.trackClick(click, HUMAN, "203.0.113.7");

        assertThat(service.get(CALLER, message.id()).metadata().firstClickedAt()).isEqualTo(human);
        assertThat(clicks()).extracting(EmailEvent::automated).containsExactly(true, false, false);
    }

    @Test
    void anythingButAKnownClickTokenLeadsNowhere() {
        for (String token : new String[] {null, "", "../../etc/passwd", Tokens.clickToken(),
                click.toUpperCase(java.util.Locale.ROOT), click + "x", token(TokenKind.PIXEL, 0),
                "c" + token(TokenKind.PIXEL, 0), token(TokenKind.REPLY, 0)}) {
            assertThat(service.trackClick(token, HUMAN, "203.0.113.7")).as(token).isEmpty();
        }
        assertThat(clicks()).isEmpty();
    }

    @Test
    void aStoredUrlThatIsNotHttpIsNeverARedirect() {
        assertThat(service.trackClick(token(TokenKind.CLICK, 1), HUMAN, "203.0.113.7")).isEmpty();
        assertThat(clicks()).isEmpty();
    }

    @Test
    void theReaderStillGetsToTheLinkWhenTheClickCannotBeRecorded() {
        recordingFails.set(true);
        assertThat(service.trackClick(click, HUMAN, "203.0.113.7")).contains(OFFER);
        assertThat(clicks()).isEmpty();
    }

    @Test
    void aStoreThatCannotLookTheTokenUpIsAnErrorNotAnUnknownLink() {
        lookupsFail.set(true);
        assertThatThrownBy(() -> service.trackClick(click, HUMAN, "203.0.113.7"))
                .isInstanceOf(IllegalStateException.class);
        lookupsFail.set(false);
        assertThat(service.trackClick(click, HUMAN, "203.0.113.7")).isEqualTo(Optional.of(OFFER));
    }
}
