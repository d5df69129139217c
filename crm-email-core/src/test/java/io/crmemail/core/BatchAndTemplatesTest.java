package io.crmemail.core;

import static io.crmemail.core.testsupport.TestWorld.CALLER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.template.Template;
import io.crmemail.core.template.TemplateRequest;
import io.crmemail.core.testsupport.Messages;
import io.crmemail.core.testsupport.TestWorld;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batches of {@code /api/v1} messages, and the account's templates. */
class BatchAndTemplatesTest {

    @TempDir
    Path temp;

    TestWorld world;
    EmailService service;

    @BeforeEach
    void setUp() {
        world = new TestWorld(temp, 2525);
        service = world.service();
    }

    private static void fails(ThrowingCallable call, ErrorCode code, String field, String text) {
        assertThatThrownBy(call).isInstanceOfSatisfying(EmailException.class, e -> {
            assertThat(e.code()).as(e.errors().toString()).isEqualTo(code);
            assertThat(e.field()).as(e.errors().toString()).isEqualTo(field);
            assertThat(e.getMessage()).contains(text);
        });
    }

    @Test
    void aBadEntryIsReportedAloneAndTheOthersAreAccepted() {
        Template t = service.createTemplate(CALLER, new TemplateRequest("hello", "Hi {{name}}", "<p>Hi {{name}}</p>",
                null));
        MessageRequest base = Messages.basic().subject(null).html(null).template(t.id()).build();
        List<MessageRequest> batch = Arrays.asList(
                base.withTo(List.of("ann@example.org"), Map.of("name", "Ann")),
                base.withTo(List.of("bob@example.org"), Map.of()),
                null,
                base.withTo(List.of("cy@example.org"), Map.of("name", "Cy")));

        List<BatchEntry> entries = service.sendBatch(CALLER, batch);

        assertThat(entries).extracting(BatchEntry::index).containsExactly(0, 1, 2, 3);
        assertThat(entries).extracting(BatchEntry::accepted).containsExactly(true, false, false, true);
        assertThat(entries.get(1).error().field()).isEqualTo("variables.name");
        assertThat(entries.get(2).error().code()).isEqualTo(ErrorCode.VALIDATION_ERROR);
        assertThat(entries.get(0).message().metadata().subject()).isEqualTo("Hi Ann");
        assertThat(entries.get(3).message().metadata().to()).containsExactly("cy@example.org");
        assertThat(entries.get(0).message().metadata().threadId())
                .isNotEqualTo(entries.get(3).message().metadata().threadId());
        assertThat(service.list(CALLER, null)).extracting(EmailMessage::id)
                .containsExactly(entries.get(3).message().id(), entries.get(0).message().id());
    }

    @Test
    void aBatchHoldsOneToFiveHundredMessages() {
        fails(() -> service.sendBatch(CALLER, List.of()), ErrorCode.VALIDATION_ERROR, "messages", "at least one");
        fails(() -> service.sendBatch(CALLER, null), ErrorCode.VALIDATION_ERROR, "messages", "at least one");
        List<MessageRequest> tooMany = new ArrayList<>(Collections.nCopies(501, Messages.basic().build()));
        fails(() -> service.sendBatch(CALLER, tooMany), ErrorCode.VALIDATION_ERROR, "messages", "at most 500");
        List<MessageRequest> most = new ArrayList<>(Collections.nCopies(500, Messages.basic().build()));
        assertThat(world.serviceBuilder().sendLimits(new SendLimits(500, 1000)).build().sendBatch(CALLER, most))
                .hasSize(500).allMatch(BatchEntry::accepted);
    }

    @Test
    void templateCrud() {
        Template created = service.createTemplate(CALLER, new TemplateRequest("  Welcome  ", "Hi {{name}}",
                "<p>Hello<script>x()</script></p>", "Hello"));
        assertThat(created.id()).isPositive();
        assertThat(created.accountId()).isEqualTo(TestWorld.ACCOUNT);
        assertThat(created.name()).isEqualTo("Welcome");
        assertThat(created.html()).isEqualTo("<p>Hello</p>");
        assertThat(created.createdAt()).isEqualTo(world.clock.instant());
        assertThat(service.template(CALLER, created.id())).isEqualTo(created);

        world.clock.advance(Duration.ofMinutes(5));
        Template updated = service.updateTemplate(CALLER, created.id(), new TemplateRequest("Welcome v2", null, null,
                "Text only"));
        assertThat(updated.subject()).isNull();
        assertThat(updated.html()).isNull();
        assertThat(updated.text()).isEqualTo("Text only");
        assertThat(updated.createdAt()).isEqualTo(created.createdAt());
        assertThat(updated.updatedAt()).isEqualTo(world.clock.instant());

        Template second = service.createTemplate(CALLER, new TemplateRequest("Second", null, "<p>2</p>", null));
        assertThat(service.templates(CALLER)).extracting(Template::id).containsExactly(created.id(), second.id());
        service.deleteTemplate(CALLER, created.id());
        assertThat(service.templates(CALLER)).extracting(Template::id).containsExactly(second.id());
        fails(() -> service.template(CALLER, created.id()), ErrorCode.NOT_FOUND, "id", "unknown template");
    }

    @Test
    void templateRefusals() {
        Template mine = service.createTemplate(CALLER, new TemplateRequest("Taken", null, "<p>x</p>", null));
        fails(() -> service.createTemplate(CALLER, new TemplateRequest("Taken", null, "<p>y</p>", null)),
                ErrorCode.CONFLICT, "name", "exists already");
        Template other = service.createTemplate(CALLER, new TemplateRequest("Other", null, "<p>y</p>", null));
        fails(() -> service.updateTemplate(CALLER, other.id(), new TemplateRequest("Taken", null, "<p>y</p>", null)),
                ErrorCode.CONFLICT, "name", "exists already");

        fails(() -> service.createTemplate(CALLER, new TemplateRequest(" ", null, "<p>x</p>", null)),
                ErrorCode.VALIDATION_ERROR, "name", "1 to 200");
        fails(() -> service.createTemplate(CALLER, new TemplateRequest("n".repeat(201), null, "<p>x</p>", null)),
                ErrorCode.VALIDATION_ERROR, "name", "1 to 200");
        fails(() -> service.createTemplate(CALLER, new TemplateRequest("a\nb", null, "<p>x</p>", null)),
                ErrorCode.VALIDATION_ERROR, "name", "one line");
        fails(() -> service.createTemplate(CALLER, new TemplateRequest("s", "a\r\nBcc: x@y.z", "<p>x</p>", null)),
                ErrorCode.VALIDATION_ERROR, "subject", "one line");
        fails(() -> service.createTemplate(CALLER, new TemplateRequest("s", "x".repeat(999), "<p>x</p>", null)),
                ErrorCode.VALIDATION_ERROR, "subject", "at most 998");
        fails(() -> service.createTemplate(CALLER, new TemplateRequest("s", "x", null, " ")),
                ErrorCode.VALIDATION_ERROR, "html", "html or text is required");
        fails(() -> service.createTemplate(CALLER, null), ErrorCode.VALIDATION_ERROR, "name", "a template needs");
        EmailService small = world.serviceBuilder()
                .limits(new Limits(100, 998, 10, 20, 1 << 20, 1024, Duration.ofDays(1))).build();
        fails(() -> small.createTemplate(CALLER, new TemplateRequest("s", null, "<p>" + "x".repeat(10) + "</p>",
                null)), ErrorCode.PAYLOAD_TOO_LARGE, "html", "at most 10");
        fails(() -> small.createTemplate(CALLER, new TemplateRequest("s", null, null, "x".repeat(11))),
                ErrorCode.PAYLOAD_TOO_LARGE, "text", "at most 10");

        Caller stranger = new Caller(2, 7);
        fails(() -> service.template(stranger, mine.id()), ErrorCode.NOT_FOUND, "id", "unknown template");
        fails(() -> service.updateTemplate(stranger, mine.id(), new TemplateRequest("Mine now", null, "<p>x</p>",
                null)), ErrorCode.NOT_FOUND, "id", "unknown template");
        fails(() -> service.deleteTemplate(stranger, mine.id()), ErrorCode.NOT_FOUND, "id", "unknown template");
        assertThat(service.templates(stranger)).isEmpty();
        // Names are unique per account only.
        assertThat(service.createTemplate(stranger, new TemplateRequest("Taken", null, "<p>z</p>", null)).id())
                .isNotEqualTo(mine.id());
        assertThat(service.template(CALLER, mine.id()).name()).isEqualTo("Taken");
    }
}
