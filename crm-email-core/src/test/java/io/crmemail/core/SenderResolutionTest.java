package io.crmemail.core;

import static io.crmemail.core.testsupport.TestWorld.CALLER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.integration.SmtpSecurity;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.testsupport.Messages;
import io.crmemail.core.testsupport.TestWorld;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which integration a {@code /api/v1} message goes out through, chosen by its {@code from}. */
class SenderResolutionTest {

    @TempDir
    Path temp;

    TestWorld world;
    EmailService service;

    @BeforeEach
    void setUp() {
        world = new TestWorld(temp, 2525); // integration 1: domain acme.com, identity "Sales <sales@acme.com>"
        service = world.service();
    }

    private SmtpIntegration add(long account, String domains, Mailbox... identities) {
        return world.store.saveIntegration(SmtpIntegration.builder().accountId(account).host("127.0.0.1")
                .port(2525).security(SmtpSecurity.NONE).fromDomains(domains.isEmpty() ? new String[0]
                        : domains.split(",")).fromIdentities(identities).build());
    }

    private long integrationOf(String from) {
        return service.sendMessage(CALLER, Messages.basic().from(from).build()).metadata().smtpIntegrationId();
    }

    @Test
    void anIdentityWinsOverADomainAndTiesGoToTheLowestId() {
        SmtpIntegration identityOnly = add(TestWorld.ACCOUNT, "", Mailbox.of("Ops@Acme.com"));
        SmtpIntegration secondDomain = add(TestWorld.ACCOUNT, "acme.com,other.example");
        SmtpIntegration secondIdentity = add(TestWorld.ACCOUNT, "", Mailbox.of("ops@acme.com"));

        // ops@ is an identity of two integrations (case-insensitively): the older one wins over the domain.
        assertThat(integrationOf("ops@acme.com")).isEqualTo(identityOnly.id());
        assertThat(secondIdentity.id()).isGreaterThan(identityOnly.id());
        // Anyone else at acme.com: only domains match, two of them; the lowest id wins.
        assertThat(integrationOf("billing@acme.com")).isEqualTo(world.integration.id());
        assertThat(integrationOf("x@other.example")).isEqualTo(secondDomain.id());
        // sales@ is the world integration's identity.
        assertThat(integrationOf("sales@acme.com")).isEqualTo(world.integration.id());
    }

    @Test
    void anotherAccountsIntegrationNeverSends() {
        SmtpIntegration theirs = add(2, "theirs.example", Mailbox.of("me@theirs.example"));
        assertThatThrownBy(() -> integrationOf("me@theirs.example"))
                .isInstanceOfSatisfying(EmailException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_PERMISSIONS);
                    assertThat(e.field()).isEqualTo("from");
                });
        assertThatThrownBy(() -> service.sendMessage(CALLER, Messages.basic().integration(theirs.id()).build()))
                .isInstanceOfSatisfying(EmailException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_ERROR);
                    assertThat(e.field()).isEqualTo("integration_id");
                });
    }

    @Test
    void anExplicitIntegrationMustSendAsTheAddress() {
        SmtpIntegration other = add(TestWorld.ACCOUNT, "other.example", Mailbox.of("ops@acme.com"));

        EmailMessage byIdentity = service.sendMessage(CALLER, Messages.basic().from("ops@acme.com")
                .integration(other.id()).build());
        assertThat(byIdentity.metadata().smtpIntegrationId()).isEqualTo(other.id());
        EmailMessage byDomain = service.sendMessage(CALLER, Messages.basic().from("x@other.example")
                .integration(other.id()).build());
        assertThat(byDomain.metadata().smtpIntegrationId()).isEqualTo(other.id());

        assertThatThrownBy(() -> service.sendMessage(CALLER, Messages.basic().from("sales@acme.com")
                .integration(other.id()).build()))
                .isInstanceOfSatisfying(EmailException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_ERROR);
                    assertThat(e.field()).isEqualTo("from");
                    assertThat(e.getMessage()).contains("does not send as sales@acme.com");
                });
    }

    @Test
    void aGivenDisplayNameIsKept() {
        EmailMessage m = service.sendMessage(CALLER, Messages.basic().from("Alice <sales@acme.com>").build());
        assertThat(m.metadata().fromIdentity()).isEqualTo(new Mailbox("Alice", "sales@acme.com"));
    }
}
