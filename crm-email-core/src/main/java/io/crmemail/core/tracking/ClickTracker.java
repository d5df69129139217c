package io.crmemail.core.tracking;

import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.TokenKind;
import io.crmemail.core.store.TrackingToken;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles clicks on tracked links. The only place a click can lead is the URL stored with its token, which was
 * a link of the message we sent: anything that is not a known click token leads nowhere, so the redirect can
 * never be pointed elsewhere (no open redirect).
 */
public final class ClickTracker {

    private static final Logger log = LoggerFactory.getLogger(ClickTracker.class);

    private final EmailStore store;
    private final Clock clock;

    public ClickTracker(EmailStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * The URL behind {@code token}, with the click recorded (human or automated by user agent); empty for a
     * malformed, unknown or non-click token.
     *
     * @throws RuntimeException when the store cannot look the token up: the link is not unknown, only
     *                          unreachable for now, and the reader should be told to try again
     */
    public Optional<String> hit(String token, String userAgent, String ipAddress) {
        if (!Tokens.isClickToken(token)) {
            return Optional.empty();
        }
        TrackingToken found = store.findToken(token).filter(t -> t.kind() == TokenKind.CLICK).orElse(null);
        if (found == null) {
            return Optional.empty();
        }
        if (!redirectable(found.url())) {
            log.warn("click token of message {} holds no http(s) URL; not redirecting", found.messageId());
            return Optional.empty();
        }
        try {
            store.recordClick(EmailEvent.hit(found.messageId(), EventType.CLICK, clock.instant(), userAgent,
                    ipAddress, Map.of("url", found.url())));
        } catch (RuntimeException e) {
            // The reader asked for the link, not for our statistics: losing one click beats a broken link.
            log.warn("recording a click on message {} failed", found.messageId(), e);
        }
        return Optional.of(found.url());
    }

    /** Only what acceptance can have stored; a check here keeps a damaged row from becoming a bad Location. */
    private static boolean redirectable(String url) {
        if (url == null) {
            return false;
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("https://") && !lower.startsWith("http://")) {
            return false;
        }
        // Acceptance stores the request form (ClickLinks): plain ASCII, so it goes into a Location header as it is.
        return url.chars().noneMatch(c -> c > 0x7e || Character.isISOControl(c) || Character.isWhitespace(c));
    }
}
