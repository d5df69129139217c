package io.crmemail.core.inbound;

import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.TokenKind;
import io.crmemail.core.store.TrackingToken;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the record and parent message a reply belongs to: first by the {@code reply-{16 hex}@catch-domain}
 * token in To, Cc, Delivered-To or X-Original-To; then by In-Reply-To and References matched to a
 * Message-ID we sent or stored (for replies whose Reply-To was lost). Mail read from an account's own mailbox is
 * scoped to that account: a token or Message-ID of another account's message does not route it.
 */
final class ReplyRouter {

    /** Where a reply goes. */
    record Route(long accountId, RecordRef record, long parentId, String via) {
    }

    private static final Pattern TOKEN_ADDRESS = Pattern.compile(
            "reply-([0-9a-f]{16})@([a-z0-9.-]+)", Pattern.CASE_INSENSITIVE);

    private final EmailStore store;
    private final String replyDomain;

    ReplyRouter(EmailStore store, String replyDomain) {
        this.store = store;
        this.replyDomain = replyDomain == null ? null : replyDomain.toLowerCase(Locale.ROOT);
    }

    /** @param account the only account the mail may be filed under, or null for any (the catch domain) */
    Optional<Route> route(MimeMessage message, Long account) {
        return byToken(message, account).or(() -> byThread(message, account));
    }

    private static boolean inScope(long accountId, Long account) {
        return account == null || account == accountId;
    }

    private Optional<Route> byToken(MimeMessage message, Long account) {
        if (replyDomain == null) {
            return Optional.empty();
        }
        for (String value : MailHeaders.rawAll(message, "To", "Cc", "Delivered-To", "X-Original-To")) {
            Matcher m = TOKEN_ADDRESS.matcher(value);
            while (m.find()) {
                if (!m.group(2).toLowerCase(Locale.ROOT).equals(replyDomain)) {
                    continue;
                }
                Optional<TrackingToken> token = store.findToken(m.group(1).toLowerCase(Locale.ROOT))
                        .filter(t -> t.kind() == TokenKind.REPLY && inScope(t.accountId(), account));
                if (token.isPresent()) {
                    TrackingToken t = token.get();
                    return Optional.of(new Route(t.accountId(), t.record(), t.messageId(), "token"));
                }
            }
        }
        return Optional.empty();
    }

    private Optional<Route> byThread(MimeMessage message, Long account) {
        List<String> candidates = new ArrayList<>(MailHeaders.messageIds(message, "In-Reply-To"));
        List<String> references = MailHeaders.messageIds(message, "References");
        // The newest reference is the most specific.
        for (int i = references.size() - 1; i >= 0; i--) {
            candidates.add(references.get(i));
        }
        for (String id : candidates) {
            List<EmailMessage> found = store.findByMessageId(id).stream()
                    .filter(m -> inScope(m.accountId(), account)).toList();
            Optional<EmailMessage> outbound = found.stream().filter(m -> m.type() == CommentType.EMAIL_OUT).findFirst();
            Optional<EmailMessage> any = outbound.or(() -> found.stream().findFirst());
            if (any.isPresent()) {
                EmailMessage hit = any.get();
                long parent = hit.type() == CommentType.EMAIL_IN && hit.parentId() != null ? hit.parentId() : hit.id();
                return Optional.of(new Route(hit.accountId(), hit.record(), parent, "thread"));
            }
        }
        return Optional.empty();
    }
}
