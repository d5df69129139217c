package io.crmemail.core.mailbox;

import io.crmemail.core.integration.OAuthSettings;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.store.EmailStore;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in {@link TokenProvider}: gets access tokens with the mailbox's stored refresh token
 * ({@link SmtpIntegration#oauth()}) by the standard OAuth2 {@code refresh_token} grant, caches each until
 * shortly before it expires, and saves a refresh token the endpoint rotated back into the store. One refresh
 * per mailbox is in flight at a time: concurrent callers wait for it and share its token. Tokens are never
 * logged.
 *
 * <p>Errors: the endpoint refusing the grant ({@code invalid_grant}, {@code invalid_client}, HTTP 400/401) is a
 * permanent {@link TokenException} (the mailbox must be connected again); 5xx, timeouts and I/O trouble are
 * transient.
 */
public final class RefreshingTokenProvider implements TokenProvider {

    private static final Logger log = LoggerFactory.getLogger(RefreshingTokenProvider.class);

    /** A cached access token and the refresh tokens it stands for (the one used, and the rotated one). */
    /**
     * The latest token and the refresh-token lineage it came from. Callers may hold any earlier refresh token of
     * the lineage (an integration loaded before a rotation was saved): they still belong to this grant, and must
     * neither refresh with a spent token nor take the saved rotation for a reconnect.
     *
     * @param lineage       the refresh tokens of this grant, oldest first, the newest last (bounded)
     */
    private record Cached(String accessToken, Instant usableUntil, long fetchedNanos, List<String> lineage) {
        static final int MAX_LINEAGE = 32;

        boolean belongsTo(OAuthSettings oauth) {
            return lineage.contains(oauth.refreshToken());
        }

        String latestRefreshToken() {
            return lineage.get(lineage.size() - 1);
        }

        /** The lineage with {@code tokens} appended (those not in it yet), trimmed to the newest entries. */
        List<String> extended(String... tokens) {
            List<String> next = new ArrayList<>(lineage);
            for (String token : tokens) {
                if (token != null) {
                    next.remove(token);
                    next.add(token);
                }
            }
            return List.copyOf(next.subList(Math.max(0, next.size() - MAX_LINEAGE), next.size()));
        }
    }

    /** Per mailbox: the lock that makes one refresh at a time, and the latest token. */
    private static final class Slot {
        volatile Cached cached;
    }

    private final TokenEndpoint endpoint;
    private final Clock clock;
    private final EmailStore store;
    private final Duration refreshMargin;
    private final Map<Long, Slot> slots = new ConcurrentHashMap<>();

    private RefreshingTokenProvider(Builder b) {
        this.endpoint = new TokenEndpoint(b.httpClient != null ? b.httpClient
                : HttpClient.newBuilder().connectTimeout(b.requestTimeout).build(), b.requestTimeout);
        this.clock = b.clock;
        this.store = b.store;
        this.refreshMargin = b.refreshMargin;
    }

    /** Starts a builder; {@link Builder#store} is required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String accessToken(SmtpIntegration mailbox, boolean forceRefresh) throws TokenException {
        Objects.requireNonNull(mailbox, "mailbox");
        OAuthSettings oauth = mailbox.oauth();
        if (oauth == null) {
            throw new TokenException("mailbox " + mailbox.id() + " (" + mailbox.username()
                    + ") has no OAuth settings", true);
        }
        long asked = System.nanoTime();
        Slot slot = slots.computeIfAbsent(mailbox.id(), id -> new Slot());
        Cached seen = slot.cached;
        if (!forceRefresh && usable(seen, oauth)) {
            return seen.accessToken();
        }
        synchronized (slot) {
            Cached now = slot.cached;
            // Someone else refreshed while we waited: a forced refresh is satisfied by a token fetched after
            // the caller asked, an ordinary one by any token still usable.
            if (now != null && now.belongsTo(oauth)
                    && (forceRefresh ? now.fetchedNanos() - asked >= 0 : usable(now, oauth))) {
                return now.accessToken();
            }
            Cached fresh = refresh(mailbox, oauth, now);
            slot.cached = fresh;
            return fresh.accessToken();
        }
    }

    /** Forgets the cached token of a mailbox (after it was reconnected or deleted, say). */
    public void forget(long integrationId) {
        slots.remove(integrationId);
    }

    private boolean usable(Cached cached, OAuthSettings oauth) {
        return cached != null && cached.belongsTo(oauth) && clock.instant().isBefore(cached.usableUntil());
    }

    private Cached refresh(SmtpIntegration mailbox, OAuthSettings oauth, Cached previous) throws TokenException {
        boolean sameGrant = previous != null && previous.belongsTo(oauth);
        // The newest token of the grant may be newer than the caller's (rotated since it loaded the integration).
        String refreshToken = sameGrant ? previous.latestRefreshToken() : oauth.refreshToken();
        TokenEndpoint.Grant grant;
        try {
            grant = endpoint.refresh(oauth, refreshToken);
        } catch (TokenException e) {
            log.info("Access token refresh for mailbox {} ({}) failed ({}): {}", mailbox.id(), mailbox.username(),
                    e.isPermanent() ? "permanent" : "transient", e.getMessage());
            throw e;
        }
        Instant now = clock.instant();
        // Refresh ahead of expiry, but never so early that a short-lived token is stale on arrival.
        Duration margin = refreshMargin.compareTo(grant.expiresIn().dividedBy(2)) > 0
                ? grant.expiresIn().dividedBy(2) : refreshMargin;
        String rotated = grant.rotatedRefreshToken() != null && !grant.rotatedRefreshToken().equals(refreshToken)
                ? grant.rotatedRefreshToken() : null;
        Cached base = sameGrant ? previous : new Cached(null, now, 0, List.of(oauth.refreshToken()));
        List<String> lineage = base.extended(oauth.refreshToken(), refreshToken, rotated);
        if (rotated != null) {
            saveRotated(mailbox, lineage, rotated);
        }
        return new Cached(grant.accessToken(), now.plus(grant.expiresIn()).minus(margin), System.nanoTime(), lineage);
    }

    /**
     * Saves the rotated refresh token on the integration as it is stored now (other settings may have changed
     * since the caller loaded it), unless the stored token is not of this grant's lineage: then the mailbox was
     * reconnected meanwhile and the new grant wins. When saving fails the token lives on in the cache, and is saved
     * with the next rotation.
     */
    private void saveRotated(SmtpIntegration mailbox, List<String> lineage, String rotated) {
        try {
            SmtpIntegration current = store.findIntegration(mailbox.id()).orElse(null);
            if (current == null || current.oauth() == null || !lineage.contains(current.oauth().refreshToken())) {
                return;
            }
            store.saveIntegration(current.toBuilder().oauth(current.oauth().withRefreshToken(rotated)).build());
            log.debug("Saved the rotated refresh token of mailbox {}", mailbox.id());
        } catch (RuntimeException e) {
            log.warn("Could not save the rotated refresh token of mailbox {} ({}): {}", mailbox.id(),
                    mailbox.username(), e.toString());
        }
    }

    /** Builds a {@link RefreshingTokenProvider}. */
    public static final class Builder {
        private HttpClient httpClient;
        private Clock clock = Clock.systemUTC();
        private EmailStore store;
        private Duration refreshMargin = Duration.ofMinutes(2);
        private Duration requestTimeout = Duration.ofSeconds(15);

        private Builder() {
        }

        /** The client for token requests (default: a new one with the request timeout as connect timeout). */
        public Builder httpClient(HttpClient v) { httpClient = v; return this; }
        /** Decides when a cached token is too old (default: system UTC). */
        public Builder clock(Clock v) { clock = Objects.requireNonNull(v, "clock"); return this; }
        /** Where a rotated refresh token is saved (required). */
        public Builder store(EmailStore v) { store = v; return this; }
        /** Refresh this long before a token expires (default 2 minutes; at most half its lifetime). */
        public Builder refreshMargin(Duration v) {
            if (v == null || v.isNegative()) {
                throw new IllegalArgumentException("refreshMargin must not be negative");
            }
            refreshMargin = v;
            return this;
        }
        /** How long one token request may take (default 15 s). */
        public Builder requestTimeout(Duration v) {
            if (v == null || v.isZero() || v.isNegative()) {
                throw new IllegalArgumentException("requestTimeout must be positive");
            }
            requestTimeout = v;
            return this;
        }

        public RefreshingTokenProvider build() {
            Objects.requireNonNull(store, "store (EmailStore) is required to save rotated refresh tokens");
            return new RefreshingTokenProvider(this);
        }
    }
}
