package io.crmemail.core;

import static io.crmemail.core.testsupport.TestWorld.CALLER;
import static org.assertj.core.api.Assertions.assertThat;

import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.RecipientResult;
import io.crmemail.core.testsupport.ScriptedSmtpServer;
import io.crmemail.core.testsupport.TestWorld;
import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.EventType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A message accepted for one recipient and deferred for another, whose later attempts never reach the deferred one:
 * it ends {@code sent} at the time of the first acceptance, with a {@code sent} event, whatever stops the rest.
 */
class PartialAcceptanceTest {

    private static final String LATE = "pat@example.org";

    @TempDir
    Path temp;

    ScriptedSmtpServer smtp;
    TestWorld world;
    EmailService service;

    @BeforeEach
    void setUp() {
        smtp = ScriptedSmtpServer.start();
        smtp.rejectRecipient(LATE, 451, "4.7.1 greylisted, try again later");
        world = new TestWorld(temp, smtp.port());
        service = world.service();
    }

    @AfterEach
    void tearDown() {
        service.close();
        smtp.close();
    }

    /** Sends to lead (accepted) and pat (deferred); returns the message id once the first attempt is recorded. */
    private long partiallyAccepted() {
        SendResult accepted = service.send(CALLER, world.request().cc(LATE).build());
        assertThat(service.deliverDue()).isEqualTo(1);
        EmailMessage waiting = service.get(CALLER, accepted.id());
        assertThat(waiting.status()).isEqualTo(EmailStatus.QUEUED);
        assertThat(waiting.metadata().recipients()).extracting(RecipientResult::email, RecipientResult::accepted)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("lead@example.org", true),
                        org.assertj.core.groups.Tuple.tuple(LATE, false));
        return accepted.id();
    }

    private void assertSentAt(long id, Instant firstAcceptance) {
        EmailMessage sent = service.get(CALLER, id);
        assertThat(sent.status()).isEqualTo(EmailStatus.SENT);
        assertThat(sent.metadata().sentAt()).isEqualTo(firstAcceptance);
        List<EmailEvent> events = service.events(CALLER, id);
        assertThat(events).filteredOn(e -> e.type() == EventType.SENT).extracting(EmailEvent::occurredAt)
                .containsExactly(firstAcceptance);
        assertThat(smtp.messages()).hasSize(1);
        assertThat(smtp.messages().get(0).recipients()).containsExactly("lead@example.org");
    }

    @Test
    void theFirstPartialAttemptRecordsSentAndStampsSentAt() {
        Instant first = world.clock.instant();
        long id = partiallyAccepted();

        EmailMessage waiting = service.get(CALLER, id);
        assertThat(waiting.metadata().sentAt()).isEqualTo(first);
        assertThat(service.events(CALLER, id)).extracting(EmailEvent::type)
                .containsExactly(EventType.QUEUED, EventType.SENT, EventType.RETRY);
    }

    @Test
    void aDeferredRecipientSuppressedMeanwhileEndsTheMessageSentNotDropped() {
        Instant first = world.clock.instant();
        long id = partiallyAccepted();
        service.suppress(CALLER, LATE, "manual");

        world.clock.advance(Duration.ofMinutes(5));
        assertThat(service.deliverDue()).isEqualTo(1);

        assertSentAt(id, first);
        EmailMessage sent = service.get(CALLER, id);
        assertThat(sent.metadata().error()).contains("suppressed").contains(LATE);
        assertThat(sent.metadata().droppedAt()).isNull();
        assertThat(service.events(CALLER, id)).last().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.DROPPED);
            assertThat(e.details()).containsEntry("reason", "suppressed");
        });
    }

    @Test
    void anIntegrationGoneBeforeTheRetryEndsTheMessageSentNotDropped() {
        Instant first = world.clock.instant();
        long id = partiallyAccepted();
        // Moved to another account: for this message's account the integration no longer exists.
        world.store.saveIntegration(world.integration.toBuilder().accountId(TestWorld.ACCOUNT + 1).build());

        world.clock.advance(Duration.ofMinutes(5));
        assertThat(service.deliverDue()).isEqualTo(1);

        assertSentAt(id, first);
        EmailMessage sent = service.get(CALLER, id);
        assertThat(sent.metadata().error()).contains("no longer exists").contains(LATE);
        assertThat(service.events(CALLER, id)).last().satisfies(e ->
                assertThat(e.details().get("reason")).contains("no longer exists"));
    }

    @Test
    void givingUpOnTheDeferredRecipientKeepsTheFirstAcceptancesTime() {
        Instant first = world.clock.instant();
        long id = partiallyAccepted();

        for (int attempt = 2; attempt <= 3; attempt++) {
            world.clock.set(service.get(CALLER, id).metadata().nextAttemptAt());
            assertThat(service.deliverDue()).isEqualTo(1);
        }

        assertSentAt(id, first);
        EmailMessage sent = service.get(CALLER, id);
        assertThat(sent.metadata().error()).contains("gave up after 3 attempts").contains(LATE);
        assertThat(service.events(CALLER, id)).extracting(EmailEvent::type).containsExactly(EventType.QUEUED,
                EventType.SENT, EventType.RETRY, EventType.RETRY, EventType.DROPPED);
    }
}
