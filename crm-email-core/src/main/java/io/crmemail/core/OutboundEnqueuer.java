package io.crmemail.core;

import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.store.DuplicateTokenException;
import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.NewEmail;
import io.crmemail.core.store.NewToken;
import io.crmemail.core.store.TokenKind;
import io.crmemail.core.tracking.Tokens;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.EventType;

/** Turns a validated send into the comment, outbox entry and tokens, stored in one operation. */
final class OutboundEnqueuer {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(OutboundEnqueuer.class);

    private static final int TOKEN_COLLISION_RETRIES = 3;

    private final EmailStore store;
    private final EmailSettings settings;
    private final Clock clock;

    OutboundEnqueuer(EmailStore store, EmailSettings settings, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
    }

    EmailMessage enqueue(Caller caller, SendValidator.ValidSend send) {
        Instant now = clock.instant();
        EmailMetadata metadata = EmailMetadata.builder()
                .status(send.scheduledAt() == null ? EmailStatus.QUEUED : EmailStatus.SCHEDULED)
                .smtpIntegrationId(send.integration().id())
                .fromIdentity(send.from())
                .to(send.to())
                .cc(send.cc())
                .bcc(send.bcc())
                .subject(send.subject())
                .body(send.body())
                .signatureId(send.signature() == null ? null : send.signature().id())
                .signatureHtml(send.signature() == null ? null : send.signature().html())
                .attachments(send.attachments())
                .messageId(Tokens.messageId(send.from().domain()))
                .scheduledAt(send.scheduledAt())
                .build();
        Instant due = send.scheduledAt() == null ? now : send.scheduledAt();
        RecordRef record = new RecordRef(send.table().id(), send.recordId());
        EmailMessage stored = enqueueWithFreshTokens(new NewEmail(caller.accountId(), record, CommentType.EMAIL_OUT,
                null, caller.userId(), now, metadata, due, List.of()), send);
        try {
            // The timeline's first event. Not part of the enqueue transaction: the message is already safe,
            // so a failure here costs the event only and must not fail (or repeat) the send.
            store.addEvent(EmailEvent.of(stored.id(),
                    send.scheduledAt() == null ? EventType.QUEUED : EventType.SCHEDULED, now, Map.of()));
        } catch (RuntimeException e) {
            log.warn("could not record the queued event of message {}", stored.id(), e);
        }
        return stored;
    }

    private EmailMessage enqueueWithFreshTokens(NewEmail email, SendValidator.ValidSend send) {
        for (int attempt = 1; ; attempt++) {
            try {
                return store.enqueue(email.withTokens(tokens(send)));
            } catch (DuplicateTokenException duplicate) {
                // 64-bit reply tokens can collide, astronomically rarely; fresh ones settle it.
                if (attempt >= TOKEN_COLLISION_RETRIES) {
                    throw duplicate;
                }
            }
        }
    }

    private List<NewToken> tokens(SendValidator.ValidSend send) {
        List<NewToken> tokens = new ArrayList<>(2);
        if (!send.integration().disablePixel()) {
            tokens.add(NewToken.of(Tokens.pixelToken(), TokenKind.PIXEL));
        }
        if (settings.replyDomain() != null) {
            tokens.add(NewToken.of(Tokens.replyToken(), TokenKind.REPLY));
        }
        return tokens;
    }
}
