package io.crmemail.core;

import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.EmailStatus;
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
import io.crmemail.core.tracking.EventType;

/** Turns a validated send into the comment, outbox entry and tokens, stored in one operation. */
final class OutboundEnqueuer {

    private static final int TOKEN_COLLISION_RETRIES = 3;

    private final EmailStore store;
    private final EmailSettings settings;
    private final Clock clock;

    OutboundEnqueuer(EmailStore store, EmailSettings settings, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Stores the message with its tokens and its first event. The Message-ID is fixed here (retries
     * keep it), and a message that continues no conversation starts its own.
     */
    EmailMessage enqueue(Caller caller, Outbound outbound) {
        Instant now = clock.instant();
        EmailMetadata content = outbound.content();
        Instant scheduledAt = content.scheduledAt();
        EmailMetadata metadata = content.toBuilder()
                .status(scheduledAt == null ? EmailStatus.QUEUED : EmailStatus.SCHEDULED)
                .messageId(Tokens.messageId(content.fromIdentity().domain()))
                .threadId(content.threadId() == null ? Tokens.threadId() : content.threadId())
                .build();
        Instant due = scheduledAt == null ? now : scheduledAt;
        // The timeline's first event is stored with the message: one transaction per accepted send.
        return enqueueWithFreshTokens(new NewEmail(caller.accountId(), outbound.record(), CommentType.EMAIL_OUT, null,
                caller.userId(), now, metadata, due, List.of(),
                scheduledAt == null ? EventType.QUEUED : EventType.SCHEDULED), outbound);
    }

    private EmailMessage enqueueWithFreshTokens(NewEmail email, Outbound outbound) {
        for (int attempt = 1; ; attempt++) {
            try {
                return store.enqueue(email.withTokens(tokens(outbound)));
            } catch (DuplicateTokenException duplicate) {
                // Random tokens can collide (64-bit reply tokens most likely, still astronomically rarely);
                // fresh ones settle it.
                if (attempt >= TOKEN_COLLISION_RETRIES) {
                    throw duplicate;
                }
            }
        }
    }

    private List<NewToken> tokens(Outbound outbound) {
        List<NewToken> tokens = new ArrayList<>(2 + outbound.clickUrls().size());
        if (outbound.pixel()) {
            tokens.add(NewToken.of(Tokens.pixelToken(), TokenKind.PIXEL));
        }
        if (settings.replyDomain() != null) {
            tokens.add(NewToken.of(Tokens.replyToken(), TokenKind.REPLY));
        }
        if (outbound.listUnsubscribe() && singleRecipient(outbound.content())) {
            tokens.add(NewToken.of(Tokens.unsubscribeToken(), TokenKind.UNSUBSCRIBE));
        }
        // In the body's link order: the renderer points the n-th trackable link at the n-th click token.
        for (String url : outbound.clickUrls()) {
            tokens.add(new NewToken(Tokens.clickToken(), TokenKind.CLICK, url));
        }
        return tokens;
    }

    /**
     * One MIME goes to every recipient, so one link in it cannot tell who clicked: only a message with exactly
     * one recipient (to, cc and bcc together) gets an unsubscribe link.
     */
    private static boolean singleRecipient(EmailMetadata content) {
        return content.to().size() + content.cc().size() + content.bcc().size() == 1;
    }
}
