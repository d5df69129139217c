package io.crmemail.core;

import static io.crmemail.core.testsupport.TestWorld.CALLER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.integration.SmtpOption;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.record.RecordContext;
import io.crmemail.core.signature.Signature;
import io.crmemail.core.signature.SignatureRequest;
import io.crmemail.core.testsupport.TestWorld;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignaturesAndContextTest {

    @TempDir
    Path temp;

    TestWorld world;
    EmailService service;

    @BeforeEach
    void setUp() {
        world = new TestWorld(temp, 2525);
        service = world.service();
    }

    @Test
    void signaturesAreSanitisedAndKeepBasicFormatting() {
        Signature s = service.createSignature(CALLER, new SignatureRequest("Work",
                "<p style=\"color:#333\" onclick=\"steal()\">Alice <a href=\"javascript:alert(1)\">x</a>"
                        + "<a href=\"https://acme.com\">acme</a><img src=\"data:image/png;base64,iVBORw0KGgo=\">"
                        + "<script>alert(1)</script></p>", false));
        assertThat(s.html()).contains("style=\"color:#333\"").contains("href=\"https://acme.com\"")
                .contains("<img src=\"data:image/png;base64,iVBORw0KGgo=\"")
                .doesNotContain("onclick").doesNotContain("javascript:").doesNotContain("<script");
        assertThat(s.userId()).isEqualTo(TestWorld.USER);
        assertThat(service.signatures(CALLER)).containsExactly(s);
    }

    @Test
    void htmlIsCappedAt200Kilobytes() {
        String atLimit = "a".repeat(200 * 1024);
        assertThat(service.createSignature(CALLER, new SignatureRequest("Big", atLimit, false)).html()).hasSize(200 * 1024);
        assertThatThrownBy(() -> service.createSignature(CALLER, new SignatureRequest("Too big", atLimit + "a", false)))
                .isInstanceOfSatisfying(EmailException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_ERROR);
                    assertThat(e.field()).isEqualTo("html");
                });
        assertThatThrownBy(() -> service.createSignature(CALLER, new SignatureRequest(" ", "x", false)))
                .isInstanceOfSatisfying(EmailException.class, e -> assertThat(e.field()).isEqualTo("name"));
    }

    @Test
    void atMostOneDefaultPerUser() {
        Signature a = service.createSignature(CALLER, new SignatureRequest("A", "a", true));
        Signature b = service.createSignature(CALLER, new SignatureRequest("B", "b", true));
        Caller other = new Caller(TestWorld.ACCOUNT, 7);
        Signature theirs = service.createSignature(other, new SignatureRequest("C", "c", true));

        assertThat(service.signatures(CALLER)).extracting(Signature::name, Signature::isDefault)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("A", false), org.assertj.core.groups.Tuple.tuple("B", true));
        assertThat(service.signatures(other)).extracting(Signature::isDefault).containsExactly(true);

        Signature updated = service.updateSignature(CALLER, a.id(), new SignatureRequest("A2", "a2", true));
        assertThat(updated.createdAt()).isEqualTo(a.createdAt());
        assertThat(service.signatures(CALLER)).extracting(Signature::name, Signature::isDefault)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("A2", true), org.assertj.core.groups.Tuple.tuple("B", false));
        assertThat(service.signatures(other)).extracting(Signature::isDefault).containsExactly(true);
        assertThat(b.id()).isNotEqualTo(theirs.id());
    }

    @Test
    void anotherUsersSignatureBehavesAsNotFound() {
        Signature theirs = service.createSignature(new Caller(TestWorld.ACCOUNT, 7), new SignatureRequest("T", "t", false));
        assertThatThrownBy(() -> service.updateSignature(CALLER, theirs.id(), new SignatureRequest("x", "x", false)))
                .isInstanceOfSatisfying(EmailException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> service.deleteSignature(CALLER, theirs.id()))
                .isInstanceOfSatisfying(EmailException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> service.deleteSignature(CALLER, 99999))
                .isInstanceOfSatisfying(EmailException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(world.store.findSignature(theirs.id())).isPresent();

        Signature mine = service.createSignature(CALLER, new SignatureRequest("M", "m", false));
        service.deleteSignature(CALLER, mine.id());
        assertThat(service.signatures(CALLER)).isEmpty();
    }

    @Test
    void recordContextListsEmailValuesAndMergeableFields() {
        world.records.updateField(TestWorld.ACCOUNT, TestWorld.TABLE, TestWorld.RECORD, "email",
                "lead@example.org; second@example.org");
        RecordContext context = service.recordContext(CALLER, TestWorld.TABLE, TestWorld.RECORD);
        assertThat(context.emails()).containsExactly("lead@example.org", "second@example.org");
        assertThat(context.fields()).extracting(RecordContext.Field::id).containsExactly("title", "company", "email");
        assertThat(context.fields().get(0).name()).isEqualTo("Title");

        assertThatThrownBy(() -> service.recordContext(CALLER, TestWorld.TABLE, 999L))
                .isInstanceOfSatisfying(EmailException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.field()).isEqualTo("recordId");
                });
        assertThatThrownBy(() -> service.recordContext(CALLER, null, TestWorld.RECORD))
                .isInstanceOfSatisfying(EmailException.class, e -> assertThat(e.field()).isEqualTo("tableId"));
    }

    @Test
    void smtpOptionsListOnlyIntegrationsWithFromDomainsAndNeverCredentials() {
        world.store.saveIntegration(world.integration.toBuilder().credentials("smtp-user", "s3cret").build());
        world.store.saveIntegration(SmtpIntegration.builder().accountId(TestWorld.ACCOUNT).label("no domains")
                .host("smtp.example").build());
        world.store.saveIntegration(SmtpIntegration.builder().accountId(2).label("other account").host("smtp.example")
                .fromDomains("other.example").build());

        List<SmtpOption> options = service.smtpOptions(CALLER);
        assertThat(options).containsExactly(new SmtpOption(world.integration.id(), "smtp@acme.com", List.of("acme.com"),
                List.of(new Mailbox("Sales", "sales@acme.com")), false));
        assertThat(options.toString()).doesNotContain("s3cret").doesNotContain("smtp-user");
        assertThat(world.store.findIntegration(world.integration.id()).orElseThrow().toString())
                .doesNotContain("s3cret");
    }
}
