package io.crmemail.core;

import static io.crmemail.core.testsupport.TestWorld.CALLER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.crmemail.core.integration.IntegrationKind;
import io.crmemail.core.integration.OAuthSettings;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.integration.SmtpOption;
import io.crmemail.core.integration.SmtpSecurity;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.testsupport.Messages;
import io.crmemail.core.testsupport.TestWorld;
import io.crmemail.core.testsupport.TokenServer;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connected Gmail / Office 365 mailboxes end to end: GreenMail checks the XOAUTH2 token (against the user's
 * password), a local endpoint issues tokens, and the service picks the mailbox from the sender.
 */
class ConnectedMailboxTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    static final Caller OTHER_USER = new Caller(TestWorld.ACCOUNT, 43);

    @TempDir
    Path temp;

    TestWorld world;
    EmailService service;
    TokenServer tokens;

    @BeforeEach
    void setUp() {
        tokens = TokenServer.start();
        world = new TestWorld(temp, greenMail.getSmtp().getPort()); // account-wide: acme.com, "Sales <sales@acme.com>"
        service = world.service();
    }

    @AfterEach
    void tearDown() {
        service.close();
        tokens.close();
    }

    private SmtpIntegration connect(long user, IntegrationKind kind, String address) {
        return world.store.saveIntegration(SmtpIntegration.builder().accountId(TestWorld.ACCOUNT).kind(kind)
                .ownerUserId(user).host("127.0.0.1").port(greenMail.getSmtp().getPort()).security(SmtpSecurity.NONE)
                .credentials(address, null)
                .oauth(new OAuthSettings(tokens.endpoint(), "client-1", "secret-1", "refresh-1", null))
                .connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(5)).build());
    }

    private EmailMessage sendAs(Caller caller, String from, Consumer<MessageRequest.Builder> more) {
        MessageRequest.Builder request = Messages.basic().from(from);
        more.accept(request);
        return service.sendMessage(caller, request.build());
    }

    private EmailMessage deliver(EmailMessage accepted) {
        service.deliverDue();
        return service.get(CALLER, accepted.id());
    }

    // ---- delivery -------------------------------------------------------------------------------

    @Test
    void sendsAsTheMailboxOverXOAuth2WithOneTokenForManyMessages() throws Exception {
        greenMail.setUser("rep@acme.com", "access-1");
        SmtpIntegration gmail = connect(TestWorld.USER, IntegrationKind.GMAIL, "rep@acme.com");

        EmailMessage first = sendAs(CALLER, "Rep <rep@acme.com>", r -> { });
        EmailMessage second = sendAs(CALLER, "rep@acme.com", r -> { });
        assertThat(first.metadata().smtpIntegrationId()).isEqualTo(gmail.id());
        service.deliverDue();

        assertThat(service.get(CALLER, first.id()).status()).isEqualTo(EmailStatus.SENT);
        assertThat(service.get(CALLER, second.id()).status()).isEqualTo(EmailStatus.SENT);
        assertThat(greenMail.waitForIncomingEmail(5000, 2)).isTrue();
        MimeMessage got = greenMail.getReceivedMessages()[0];
        assertThat(got.getFrom()[0].toString()).contains("rep@acme.com");
        assertThat(tokens.callCount()).isEqualTo(1);
        assertThat(tokens.calls().get(0).form()).containsEntry("refresh_token", "refresh-1")
                .containsEntry("grant_type", "refresh_token");
    }

    @Test
    void aTokenRefusedMidSendIsRefreshedOnceAndTheMessageDelivered() throws Exception {
        // The server only takes the second token: the first one "expired" before its time.
        greenMail.setUser("rep@acme.com", "access-2");
        connect(TestWorld.USER, IntegrationKind.OUTLOOK, "rep@acme.com");

        EmailMessage after = deliver(sendAs(CALLER, "rep@acme.com", r -> { }));

        assertThat(after.status()).as(String.valueOf(after.metadata().error())).isEqualTo(EmailStatus.SENT);
        assertThat(greenMail.waitForIncomingEmail(5000, 1)).isTrue();
        assertThat(tokens.callCount()).isEqualTo(2);
    }

    @Test
    void aSecondRefusalFailsWithAClearReasonAndIsRetriedLater() {
        greenMail.setUser("rep@acme.com", "a-token-the-endpoint-never-issues");
        connect(TestWorld.USER, IntegrationKind.GMAIL, "rep@acme.com");

        EmailMessage after = deliver(sendAs(CALLER, "rep@acme.com", r -> { }));

        assertThat(after.status()).isEqualTo(EmailStatus.QUEUED);
        assertThat(after.metadata().error()).contains("rep@acme.com")
                .contains("refused a freshly refreshed access token").contains("535");
        assertThat(tokens.callCount()).isEqualTo(2);
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void aRevokedGrantDropsTheMessageSayingTheMailboxMustBeReconnected() {
        greenMail.setUser("rep@acme.com", "access-1");
        connect(TestWorld.USER, IntegrationKind.GMAIL, "rep@acme.com");
        tokens.answer(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Token has been expired or revoked.\"}");

        EmailMessage after = deliver(sendAs(CALLER, "rep@acme.com", r -> { }));

        assertThat(after.status()).isEqualTo(EmailStatus.DROPPED);
        assertThat(after.metadata().error()).contains("the gmail mailbox rep@acme.com must be reconnected")
                .contains("invalid_grant").doesNotContain("refresh-1");
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void aTokenEndpointOutageIsRetriedLater() {
        greenMail.setUser("rep@acme.com", "access-1");
        connect(TestWorld.USER, IntegrationKind.GMAIL, "rep@acme.com");
        tokens.answer(503, "{\"error\":\"temporarily_unavailable\"}");

        EmailMessage after = deliver(sendAs(CALLER, "rep@acme.com", r -> { }));
        assertThat(after.status()).isEqualTo(EmailStatus.QUEUED);
        assertThat(after.metadata().error()).contains("no access token for the gmail mailbox rep@acme.com");

        world.clock.advance(Duration.ofMinutes(2));
        assertThat(deliver(after).status()).isEqualTo(EmailStatus.SENT);
    }

    // ---- sender resolution ----------------------------------------------------------------------

    @Test
    void theCallersOwnMailboxWinsAndNobodyElseSendsThroughIt() {
        SmtpIntegration mine = connect(TestWorld.USER, IntegrationKind.GMAIL, "sales@acme.com");

        // sales@ is also the account-wide integration's identity: the caller's own mailbox is preferred.
        assertThat(sendAs(CALLER, "sales@acme.com", r -> { }).metadata().smtpIntegrationId()).isEqualTo(mine.id());
        // Another user of the account gets the account-wide integration, never this mailbox.
        assertThat(sendAs(OTHER_USER, "sales@acme.com", r -> { }).metadata().smtpIntegrationId())
                .isEqualTo(world.integration.id());
        // Named explicitly by another user, it is refused as if it did not exist.
        assertThatThrownBy(() -> sendAs(OTHER_USER, "sales@acme.com", r -> r.integration(mine.id())))
                .isInstanceOfSatisfying(EmailException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_ERROR);
                    assertThat(e.field()).isEqualTo("integration_id");
                    assertThat(e.getMessage()).contains("unknown integration " + mine.id());
                });
        assertThatThrownBy(() -> service.send(OTHER_USER, world.request().integration(mine.id()).build()))
                .isInstanceOfSatisfying(EmailException.class, e -> {
                    assertThat(e.field()).isEqualTo("smtpIntegrationId");
                    assertThat(e.getMessage()).contains("unknown SMTP integration " + mine.id());
                });
    }

    @Test
    void aMailboxSendsAsItsOwnAddressOnly() {
        SmtpIntegration mine = connect(TestWorld.USER, IntegrationKind.GMAIL, "me@gmail.test");

        assertThat(sendAs(CALLER, "me@gmail.test", r -> { }).metadata().smtpIntegrationId()).isEqualTo(mine.id());
        assertThatThrownBy(() -> sendAs(CALLER, "someone-else@gmail.test", r -> { }))
                .isInstanceOfSatisfying(EmailException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_PERMISSIONS);
                    assertThat(e.field()).isEqualTo("from");
                });
        // The CRM surface: the record's compose modal sends through the mailbox as its address.
        SendResult crm = service.send(CALLER, world.request().integration(mine.id())
                .from("Me", "me@gmail.test").build());
        assertThat(crm.comment().metadata().smtpIntegrationId()).isEqualTo(mine.id());
        assertThatThrownBy(() -> service.send(CALLER, world.request().integration(mine.id())
                .from("Me", "someone-else@gmail.test").build()))
                .isInstanceOfSatisfying(EmailException.class, e -> {
                    assertThat(e.field()).isEqualTo("fromIdentity.email");
                    assertThat(e.getMessage()).contains("me@gmail.test");
                });
    }

    @Test
    void theProviderPicksBetweenTheSameAddressConnectedTwice() {
        SmtpIntegration gmail = connect(TestWorld.USER, IntegrationKind.GMAIL, "rep@acme.com");
        SmtpIntegration outlook = connect(TestWorld.USER, IntegrationKind.OUTLOOK, "rep@acme.com");

        // No provider: the lowest id, deterministically.
        assertThat(sendAs(CALLER, "rep@acme.com", r -> { }).metadata().smtpIntegrationId()).isEqualTo(gmail.id());
        assertThat(sendAs(CALLER, "rep@acme.com", r -> r.provider("outlook")).metadata().smtpIntegrationId())
                .isEqualTo(outlook.id());
        assertThat(sendAs(CALLER, "rep@acme.com", r -> r.provider("Office365")).metadata().smtpIntegrationId())
                .isEqualTo(outlook.id());
        assertThat(sendAs(CALLER, "rep@acme.com", r -> r.provider("gmail")).metadata().smtpIntegrationId())
                .isEqualTo(gmail.id());
    }

    @Test
    void aProviderThatMatchesNoUsableMailboxIsRefusedNamingTheField() {
        connect(TestWorld.USER, IntegrationKind.GMAIL, "rep@acme.com");
        connect(43, IntegrationKind.OUTLOOK, "rep@acme.com");

        // Only another user's Outlook mailbox has the address; the account-wide acme.com relay is no Outlook.
        assertThatThrownBy(() -> sendAs(CALLER, "rep@acme.com", r -> r.provider("outlook")))
                .isInstanceOfSatisfying(EmailException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_PERMISSIONS);
                    assertThat(e.field()).isEqualTo("provider");
                });
        assertThatThrownBy(() -> sendAs(CALLER, "rep@acme.com", r -> r.provider("yahoo")))
                .isInstanceOfSatisfying(EmailException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_ERROR);
                    assertThat(e.field()).isEqualTo("provider");
                });
        assertThatThrownBy(() -> sendAs(CALLER, "rep@acme.com", r -> r.provider("smtp")))
                .isInstanceOfSatisfying(EmailException.class, e -> assertThat(e.field()).isEqualTo("provider"));
        // An explicit integration of another provider.
        assertThatThrownBy(() -> sendAs(CALLER, "sales@acme.com",
                r -> r.integration(world.integration.id()).provider("gmail")))
                .isInstanceOfSatisfying(EmailException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_PERMISSIONS);
                    assertThat(e.field()).isEqualTo("provider");
                });
    }

    @Test
    void smtpOptionsListOnlyWhatTheCallerMayUse() {
        SmtpIntegration mine = connect(TestWorld.USER, IntegrationKind.GMAIL, "me@gmail.test");
        SmtpIntegration theirs = connect(43, IntegrationKind.OUTLOOK, "them@outlook.test");

        assertThat(service.smtpOptions(CALLER)).extracting(SmtpOption::id)
                .containsExactly(world.integration.id(), mine.id());
        SmtpOption option = service.smtpOptions(CALLER).get(1);
        assertThat(option.label()).isEqualTo("me@gmail.test");
        assertThat(option.fromIdentities()).containsExactly(Mailbox.of("me@gmail.test"));
        assertThat(service.smtpOptions(OTHER_USER)).extracting(SmtpOption::id)
                .containsExactly(world.integration.id(), theirs.id());
    }
}
