package io.crmemail.core;

import static io.crmemail.core.testsupport.TestWorld.CALLER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.store.InMemoryEmailStore;
import io.crmemail.core.store.Suppression;
import io.crmemail.core.store.TokenKind;
import io.crmemail.core.store.TrackingToken;
import io.crmemail.core.testsupport.FailingStore;
import io.crmemail.core.testsupport.Messages;
import io.crmemail.core.testsupport.TestWorld;
import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.EventType;
import io.crmemail.core.tracking.Tokens;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One-click unsubscribe (RFC 8058): which messages get a link, the headers that reach the recipient, and what
 * using the link does.
 */
class OneClickUnsubscribeTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    static final String UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/122.0 Safari/537.36";

    @TempDir
    Path temp;

    final AtomicBoolean storeDown = new AtomicBoolean();
    TestWorld world;
    EmailService service;

    @BeforeEach
    void setUp() {
        world = new TestWorld(temp, greenMail.getSmtp().getPort(),
                FailingStore.failing(new InMemoryEmailStore(), storeDown, "findToken", "suppress"));
        service = world.service();
    }

    @AfterEach
    void tearDown() {
        service.close();
    }

    private void optIn(boolean on) {
        world.integration = world.store.saveIntegration(world.integration.toBuilder().listUnsubscribe(on).build());
    }

    private Optional<String> unsubscribeToken(long messageId) {
        return world.store.tokens(messageId).stream().filter(t -> t.kind() == TokenKind.UNSUBSCRIBE)
                .map(TrackingToken::token).findFirst();
    }

    private MimeMessage deliverOne() {
        int before = greenMail.getReceivedMessages().length;
        assertThat(service.deliverDue()).isEqualTo(1);
        MimeMessage[] received = greenMail.getReceivedMessages();
        assertThat(received).hasSize(before + 1);
        return received[before];
    }

    private static List<String> header(MimeMessage mail, String name) throws Exception {
        String[] values = mail.getHeader(name);
        return values == null ? List.of() : Arrays.asList(values);
    }

    private List<EmailEvent> unsubscribedEvents(long messageId) {
        return service.events(CALLER, messageId).stream().filter(e -> e.type() == EventType.UNSUBSCRIBED).toList();
    }

    @Test
    void anOptedInSingleRecipientMessageCarriesBothHeadersPointingAtItsToken() throws Exception {
        optIn(true);
        EmailMessage accepted = service.send(CALLER, world.request().build()).comment();

        String token = unsubscribeToken(accepted.id()).orElseThrow();
        assertThat(Tokens.isUnsubscribeToken(token)).isTrue();
        MimeMessage mail = deliverOne();
        assertThat(header(mail, "List-Unsubscribe"))
                .containsExactly("<" + TestWorld.BASE_URL + "/email/unsubscribe/" + token + ">");
        assertThat(header(mail, "List-Unsubscribe-Post")).containsExactly("List-Unsubscribe=One-Click");
        assertThat(service.get(CALLER, accepted.id()).status()).isEqualTo(EmailStatus.SENT);
    }

    @Test
    void withoutTheIntegrationsOptInThereIsNoLinkAndNoHeader() throws Exception {
        EmailMessage accepted = service.send(CALLER, world.request().build()).comment();

        assertThat(unsubscribeToken(accepted.id())).isEmpty();
        MimeMessage mail = deliverOne();
        assertThat(header(mail, "List-Unsubscribe")).isEmpty();
        assertThat(header(mail, "List-Unsubscribe-Post")).isEmpty();
    }

    @Test
    void aMessageToSeveralRecipientsGetsNoLinkBecauseOneLinkCannotSayWhoClicked() throws Exception {
        optIn(true);
        EmailMessage withCc = service.send(CALLER, world.request().cc("boss@example.org").build()).comment();
        EmailMessage withBcc = service.sendMessage(CALLER, Messages.basic().bcc("audit@example.org").build());
        EmailMessage twoTo = service.sendMessage(CALLER, Messages.basic().to("second@example.org").build());

        for (EmailMessage m : List.of(withCc, withBcc, twoTo)) {
            assertThat(unsubscribeToken(m.id())).as("message %d", m.id()).isEmpty();
        }
        assertThat(service.deliverDue()).isEqualTo(3);
        for (MimeMessage mail : greenMail.getReceivedMessages()) {
            assertThat(header(mail, "List-Unsubscribe")).isEmpty();
            assertThat(header(mail, "List-Unsubscribe-Post")).isEmpty();
        }
    }

    @Test
    void aV1MessageFollowsTheIntegrationUnlessItSaysOtherwise() throws Exception {
        optIn(true);
        EmailMessage byDefault = service.sendMessage(CALLER, Messages.basic().build());
        EmailMessage optedOut = service.sendMessage(CALLER, Messages.basic().listUnsubscribe(false).build());
        assertThat(unsubscribeToken(byDefault.id())).isPresent();
        assertThat(unsubscribeToken(optedOut.id())).isEmpty();

        optIn(false);
        EmailMessage optedIn = service.sendMessage(CALLER, Messages.basic().listUnsubscribe(true).build());
        EmailMessage off = service.sendMessage(CALLER, Messages.basic().build());
        String token = unsubscribeToken(optedIn.id()).orElseThrow();
        assertThat(unsubscribeToken(off.id())).isEmpty();

        assertThat(service.deliverDue()).isEqualTo(4);
        MimeMessage mail = Arrays.stream(greenMail.getReceivedMessages())
                .filter(m -> messageId(m).equals(optedIn.metadata().messageId())).findFirst().orElseThrow();
        assertThat(header(mail, "List-Unsubscribe")).containsExactly(
                "<" + TestWorld.BASE_URL + "/email/unsubscribe/" + token + ">");
        assertThat(Arrays.stream(greenMail.getReceivedMessages()).filter(m -> {
            try {
                return m.getHeader("List-Unsubscribe") != null;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })).hasSize(2);
    }

    private static String messageId(MimeMessage m) {
        try {
            return m.getMessageID();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void ourHeadersReplaceTheCallersOwnListUnsubscribeWhenTheLinkIsOurs() throws Exception {
        optIn(true);
        service.sendMessage(CALLER, Messages.basic().header("list-unsubscribe", "<mailto:stop@acme.com>")
                .header("X-Campaign", "spring").build());

        MimeMessage mail = deliverOne();
        assertThat(header(mail, "List-Unsubscribe")).singleElement().asString().contains("/email/unsubscribe/u");
        assertThat(header(mail, "X-Campaign")).containsExactly("spring");

        optIn(false);
        service.sendMessage(CALLER, Messages.basic().header("List-Unsubscribe", "<mailto:stop@acme.com>").build());
        assertThat(header(deliverOne(), "List-Unsubscribe")).containsExactly("<mailto:stop@acme.com>");
    }

    @Test
    void lookingATokenUpChangesNothing() {
        optIn(true);
        EmailMessage accepted = service.send(CALLER, world.request().build()).comment();
        String token = unsubscribeToken(accepted.id()).orElseThrow();

        assertThat(service.unsubscribeRecipient(token)).contains("lead@example.org");
        assertThat(service.unsubscribeRecipient(token)).contains("lead@example.org");

        assertThat(service.suppressions(CALLER)).isEmpty();
        assertThat(unsubscribedEvents(accepted.id())).isEmpty();
    }

    @Test
    void unsubscribingSuppressesTheRecipientOnceAndRecordsOneEvent() {
        optIn(true);
        EmailMessage accepted = service.send(CALLER, world.request().build()).comment();
        service.deliverDue();
        String token = unsubscribeToken(accepted.id()).orElseThrow();

        assertThat(service.unsubscribe(token, UA, "203.0.113.7")).contains("lead@example.org");
        assertThat(service.unsubscribe(token, "GoogleOneClick/1.0", "198.51.100.2")).contains("lead@example.org");

        assertThat(service.suppressions(CALLER)).singleElement().satisfies(s -> {
            assertThat(s.email()).isEqualTo("lead@example.org");
            assertThat(s.reason()).isEqualTo("unsubscribe");
        });
        assertThat(unsubscribedEvents(accepted.id())).singleElement().satisfies(e -> {
            assertThat(e.details()).containsEntry("email", "lead@example.org");
            assertThat(e.userAgent()).isEqualTo(UA);
            assertThat(e.ipAddress()).isEqualTo("203.0.113.7");
        });
        // The message itself keeps its status: it was sent.
        assertThat(service.get(CALLER, accepted.id()).status()).isEqualTo(EmailStatus.SENT);
    }

    @Test
    void anAddressSuppressedBeforeKeepsItsReason() {
        optIn(true);
        service.suppress(CALLER, "lead@example.org", "manual");
        EmailMessage accepted = service.send(CALLER, world.request().build()).comment();

        assertThat(service.unsubscribe(unsubscribeToken(accepted.id()).orElseThrow(), UA, null)).isPresent();

        assertThat(service.suppressions(CALLER)).extracting(Suppression::reason).containsExactly("manual");
        assertThat(unsubscribedEvents(accepted.id())).hasSize(1);
    }

    @Test
    void laterSendsToAnUnsubscribedAddressAreDroppedAsSuppressed() throws Exception {
        optIn(true);
        EmailMessage first = service.send(CALLER, world.request().build()).comment();
        deliverOne();
        service.unsubscribe(unsubscribeToken(first.id()).orElseThrow(), UA, "203.0.113.7");

        EmailMessage crm = service.send(CALLER, world.request().build()).comment();
        EmailMessage v1 = service.sendMessage(CALLER, Messages.basic().to("LEAD@example.org").build());
        assertThat(service.deliverDue()).isEqualTo(2);

        for (EmailMessage m : List.of(crm, v1)) {
            EmailMessage after = service.get(CALLER, m.id());
            assertThat(after.status()).isEqualTo(EmailStatus.DROPPED);
            assertThat(after.metadata().error()).startsWith("suppressed");
        }
        assertThat(greenMail.getReceivedMessages()).hasSize(1);
    }

    @Test
    void onlyAKnownUnsubscribeTokenUnsubscribes() {
        optIn(true);
        EmailMessage accepted = service.send(CALLER, world.request().build()).comment();
        String token = unsubscribeToken(accepted.id()).orElseThrow();
        List<String> others = world.store.tokens(accepted.id()).stream()
                .filter(t -> t.kind() != TokenKind.UNSUBSCRIBE).map(TrackingToken::token).toList();
        assertThat(others).isNotEmpty();

        for (String bad : new java.util.ArrayList<>(List.of("", "u", token.toUpperCase(java.util.Locale.ROOT),
                token + "0", Tokens.unsubscribeToken(), "u" + others.get(0), "../" + token))) {
            assertThat(service.unsubscribeRecipient(bad)).as(bad).isEmpty();
            assertThat(service.unsubscribe(bad, UA, null)).as(bad).isEmpty();
        }
        for (String other : others) {
            assertThat(service.unsubscribe(other, UA, null)).as(other).isEmpty();
        }
        assertThat(service.unsubscribe(null, UA, null)).isEmpty();
        assertThat(service.suppressions(CALLER)).isEmpty();
    }

    @Test
    void aStoreOutageIsAnErrorNotAnUnknownLink() {
        optIn(true);
        EmailMessage accepted = service.send(CALLER, world.request().build()).comment();
        String token = unsubscribeToken(accepted.id()).orElseThrow();

        storeDown.set(true);
        assertThatThrownBy(() -> service.unsubscribeRecipient(token)).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> service.unsubscribe(token, UA, null)).isInstanceOf(RuntimeException.class);
        storeDown.set(false);

        assertThat(service.suppressions(CALLER)).isEmpty();
        assertThat(unsubscribedEvents(accepted.id())).isEmpty();
    }
}
