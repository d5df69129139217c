package io.crmemail.core.tracking;

import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.TokenKind;
import io.crmemail.core.store.TrackingToken;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One-click unsubscribes (RFC 8058). A message's unsubscribe token stands for its one recipient; using it puts
 * that address on the account's suppression list (reason {@value #REASON}) so later sends skip it, and records
 * an {@code unsubscribed} event on the message. Looking a token up changes nothing: only {@link #unsubscribe}
 * does, because link scanners follow every link they see.
 */
public final class Unsubscriber {

    /** The suppression reason of an unsubscribe. */
    public static final String REASON = "unsubscribe";

    private static final Logger log = LoggerFactory.getLogger(Unsubscriber.class);

    private final EmailStore store;
    private final Clock clock;

    public Unsubscriber(EmailStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * The address a token would unsubscribe; empty for a malformed, unknown or other kind of token.
     *
     * @throws RuntimeException when the store cannot look it up (the link is not unknown, only unreachable)
     */
    public Optional<String> recipient(String token) {
        return target(token).map(Target::email);
    }

    /**
     * Suppresses the token's recipient for the message's account and records an {@code unsubscribed} event
     * (once per message: a repeat, say the provider's POST after the reader's, changes nothing). Empty for a
     * token {@link #recipient} does not know.
     *
     * @return the address now suppressed
     * @throws RuntimeException when the store fails: nothing may be reported as done that is not
     */
    public Optional<String> unsubscribe(String token, String userAgent, String ipAddress) {
        Target target = target(token).orElse(null);
        if (target == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        // An address suppressed before (a bounce, by hand) stays as it was: suppress keeps an existing entry.
        store.suppress(target.accountId(), target.email(), REASON, now);
        try {
            boolean recorded = store.events(target.messageId()).stream()
                    .anyMatch(e -> e.type() == EventType.UNSUBSCRIBED);
            if (!recorded) {
                store.addEvent(EmailEvent.hit(target.messageId(), EventType.UNSUBSCRIBED, now, userAgent, ipAddress,
                        Map.of("email", target.email())));
            }
        } catch (RuntimeException e) {
            // The address is suppressed, which is what the reader asked for; the timeline entry is ours to lose.
            log.warn("recording the unsubscribe of message {} failed", target.messageId(), e);
        }
        return Optional.of(target.email());
    }

    private Optional<Target> target(String token) {
        if (!Tokens.isUnsubscribeToken(token)) {
            return Optional.empty();
        }
        TrackingToken found = store.findToken(token).filter(t -> t.kind() == TokenKind.UNSUBSCRIBE).orElse(null);
        if (found == null) {
            return Optional.empty();
        }
        EmailMessage message = store.find(found.messageId()).orElse(null);
        if (message == null) {
            return Optional.empty();
        }
        EmailMetadata meta = message.metadata();
        List<String> recipients = Stream.of(meta.to(), meta.cc(), meta.bcc()).flatMap(List::stream).toList();
        if (recipients.size() != 1) {
            // Acceptance gives the token to single-recipient messages only; anything else is not ours to guess.
            log.warn("unsubscribe token of message {} whose recipients are {}", message.id(), recipients.size());
            return Optional.empty();
        }
        try {
            return Optional.of(new Target(found.accountId(), message.id(), Mailbox.parse(recipients.get(0)).email()));
        } catch (IllegalArgumentException e) {
            log.warn("unsubscribe token of message {} whose recipient no longer parses", message.id());
            return Optional.empty();
        }
    }

    private record Target(long accountId, long messageId, String email) {
    }
}
