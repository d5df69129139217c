package io.crmemail.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.EmailStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Which messages an open can no longer change: the stores skip reading those. */
class EngagementTest {

    static final Instant OPENED = Instant.parse("2026-01-01T00:00:00Z");

    static EmailMetadata metadata(EmailStatus status, Instant firstOpenedAt) {
        return EmailMetadata.builder().status(status).firstOpenedAt(firstOpenedAt).build();
    }

    @ParameterizedTest
    @EnumSource(value = EmailStatus.class, names = {"READ", "BOUNCED", "DROPPED", "CANCELLED"})
    void aMessageThatLeftSentAndWasOpenedByAPersonCannotChange(EmailStatus status) {
        EmailMetadata settled = metadata(status, OPENED);
        assertThat(Engagement.openCannotChange(settled)).isTrue();
        assertThat(Engagement.afterOpen(settled, new OpenHit("t", OPENED.plusSeconds(9), "Mozilla/5.0", null, false)
                .toEvent(1))).isEqualTo(settled);
        assertThat(Engagement.openCannotChange(metadata(status, null))).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = EmailStatus.class, names = {"SCHEDULED", "QUEUED", "SENT"})
    void aMessageThatMayStillBeSentOrReadCanChange(EmailStatus status) {
        assertThat(Engagement.openCannotChange(metadata(status, OPENED))).isFalse();
    }

    @Test
    void noStatusMeansNotSettled() {
        assertThat(Engagement.openCannotChange(metadata(null, OPENED))).isFalse();
    }
}
