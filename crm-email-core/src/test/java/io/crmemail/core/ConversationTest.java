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
import io.crmemail.core.store.MessageQuery;
import io.crmemail.core.store.NewEmail;
import io.crmemail.core.testsupport.Messages;
import io.crmemail.core.testsupport.TestWorld;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replies into a conversation, and reading conversations and lists. */
class ConversationTest {

    static final RecordRef LEAD = new RecordRef(TestWorld.TABLE, TestWorld.RECORD);

    @TempDir
    Path temp;

    TestWorld world;
    EmailService service;

    @BeforeEach
    void setUp() {
        world = new TestWorld(temp, 2525);
        service = world.service();
    }

    /** An inbound reply stored into the conversation, as the inbound side would. */
    private EmailMessage inbound(EmailMessage parent, String messageId, String references, String subject) {
        EmailMetadata meta = EmailMetadata.builder().status(EmailStatus.RECEIVED)
                .fromIdentity(Mailbox.of("lead@example.org")).to(List.of("sales@acme.com")).subject(subject)
                .text("Thanks").messageId(messageId).references(references).inReplyTo(parent.metadata().messageId())
                .threadId(parent.metadata().threadId()).receivedAt(world.clock.instant()).build();
        return world.store.storeInbound(new NewEmail(TestWorld.ACCOUNT, parent.record(), CommentType.EMAIL_IN,
                parent.id(), null, world.clock.instant(), meta, null, List.of())).message();
    }

    @Test
    void aReplyThreadsUnderTheLatestMessageTakesItsSubjectAndInheritsTheRecord() {
        EmailMessage first = service.sendMessage(CALLER, Messages.onRecord().subject("Quote 17").build());
        String thread = first.metadata().threadId();

        EmailMessage second = service.sendMessage(CALLER, Messages.basic().subject(null).thread(thread).build());
        assertThat(second.metadata().threadId()).isEqualTo(thread);
        assertThat(second.metadata().subject()).isEqualTo("Re: Quote 17");
        assertThat(second.metadata().inReplyTo()).isEqualTo(first.metadata().messageId());
        assertThat(second.metadata().references()).isEqualTo(first.metadata().messageId());
        assertThat(second.record()).isEqualTo(LEAD);

        EmailMessage answer = inbound(second, "<in-1@example.org>",
                first.metadata().messageId() + " " + second.metadata().messageId(), "RE: Quote 17");
        EmailMessage third = service.sendMessage(CALLER, Messages.basic().subject(null).thread(thread).build());
        assertThat(third.metadata().subject()).isEqualTo("RE: Quote 17"); // no "Re: RE:"
        assertThat(third.metadata().inReplyTo()).isEqualTo("<in-1@example.org>");
        assertThat(third.metadata().references()).isEqualTo(first.metadata().messageId() + " "
                + second.metadata().messageId() + " <in-1@example.org>");

        assertThat(service.thread(CALLER, thread)).extracting(EmailMessage::id)
                .containsExactly(first.id(), second.id(), answer.id(), third.id());
    }

    @Test
    void givenHeadersSubjectAndRecordWinOverTheConversations() {
        EmailMessage first = service.sendMessage(CALLER, Messages.onRecord().subject("Quote").build());
        world.records.putRecord(TestWorld.ACCOUNT, TestWorld.TABLE, 789, java.util.Map.of("title", "Other"));

        EmailMessage reply = service.sendMessage(CALLER, Messages.basic().subject("Own").thread(first.metadata()
                .threadId()).inReplyTo("<given@x.example>").references("<r1@x.example>")
                .record(TestWorld.TABLE, 789).build());
        assertThat(reply.metadata().subject()).isEqualTo("Own");
        assertThat(reply.metadata().inReplyTo()).isEqualTo("<given@x.example>");
        assertThat(reply.metadata().references()).isEqualTo("<r1@x.example>");
        assertThat(reply.record()).isEqualTo(new RecordRef(TestWorld.TABLE, 789));
    }

    @Test
    void aConversationOnNoRecordStaysOnNone() {
        EmailMessage first = service.sendMessage(CALLER, Messages.basic().build());
        EmailMessage reply = service.sendMessage(CALLER, Messages.basic().thread(first.metadata().threadId()).build());
        assertThat(reply.record()).isEqualTo(RecordRef.NONE);
    }

    @Test
    void longReferencesKeepTheFirstAndTheLatestIds() {
        EmailMessage first = service.sendMessage(CALLER, Messages.basic().build());
        String chain = IntStream.range(0, 40).mapToObj(i -> "<" + "m".repeat(40) + i + "@mail.example>")
                .collect(Collectors.joining(" "));
        inbound(first, "<last@mail.example>", chain, "Re: Hello");

        String refs = service.sendMessage(CALLER, Messages.basic().thread(first.metadata().threadId()).build())
                .metadata().references();
        assertThat(refs.length()).isLessThanOrEqualTo(900);
        assertThat(refs).startsWith("<" + "m".repeat(40) + "0@mail.example> ")
                .endsWith("<" + "m".repeat(40) + "39@mail.example> <last@mail.example>");
        assertThat(refs.split(" ")).hasSizeGreaterThan(5).doesNotHaveDuplicates();
    }

    @Test
    void conversationsAndListsAreTheCallersAccountsOnly() {
        EmailMessage mine = service.sendMessage(CALLER, Messages.basic().build());
        Caller stranger = new Caller(2, 99);
        assertThatThrownBy(() -> service.thread(stranger, mine.metadata().threadId()))
                .isInstanceOfSatisfying(EmailException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.field()).isEqualTo("thread_id");
                });
        assertThatThrownBy(() -> service.sendMessage(stranger, Messages.basic().thread(mine.metadata().threadId())
                .build()))
                .isInstanceOfSatisfying(EmailException.class, e -> assertThat(e.errors()).contains(new FieldError(
                        ErrorCode.NOT_FOUND, "thread_id", "unknown thread " + mine.metadata().threadId())));
        assertThatThrownBy(() -> service.thread(CALLER, " "))
                .isInstanceOfSatisfying(EmailException.class, e -> assertThat(e.field()).isEqualTo("thread_id"));

        assertThat(service.list(CALLER, MessageQuery.latest(10))).extracting(EmailMessage::id)
                .containsExactly(mine.id());
        assertThat(service.list(stranger, MessageQuery.latest(10))).isEmpty();
        assertThat(service.list(CALLER, null)).hasSize(1);
        assertThat(service.list(CALLER, MessageQuery.latest(100))).hasSize(1);
        assertThatThrownBy(() -> service.list(CALLER, MessageQuery.latest(101)))
                .isInstanceOfSatisfying(EmailException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_ERROR);
                    assertThat(e.field()).isEqualTo("limit");
                });
    }
}
