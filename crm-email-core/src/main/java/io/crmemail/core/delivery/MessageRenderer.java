package io.crmemail.core.delivery;

import io.crmemail.core.EmailSettings;
import io.crmemail.core.compose.ClickLinks;
import io.crmemail.core.compose.HtmlDocument;
import io.crmemail.core.compose.HtmlToText;
import io.crmemail.core.compose.ListUnsubscribe;
import io.crmemail.core.compose.MergeFields;
import io.crmemail.core.compose.OutgoingEmail;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.record.RecordDirectory;
import io.crmemail.core.store.TokenKind;
import io.crmemail.core.store.TrackingToken;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a stored message into what goes on the wire. A message on a record is merged ({@code {{field:slug}}})
 * against the record as it is now: HTML-escaped in the body, plain in the text, line breaks removed in the
 * subject. A message on no record is sent as it was stored.
 *
 * <p>A message with text but no HTML body goes out as text only. Tracked links point at their click tokens
 * (in the order the tokens were stored, which is the order {@link ClickLinks} found the links at acceptance),
 * rewritten in the stored body before merging, so that a merged value can never change which link is which.
 * A derived text alternative comes from the untracked HTML: plain-text readers see the real addresses.
 */
final class MessageRenderer {

    /** The rendered message and its SMTP envelope. */
    record Rendered(OutgoingEmail email, Envelope envelope) {
    }

    /** The stored message can never be sent as it is: its record is gone, or a stored address does not parse. */
    static final class UnrenderableException extends Exception {
        UnrenderableException(String message) {
            super(message);
        }
    }

    private final RecordDirectory records;
    private final EmailSettings settings;

    MessageRenderer(RecordDirectory records, EmailSettings settings) {
        this.records = records;
        this.settings = settings;
    }

    /** Renders {@code message} with its stored tokens (loaded by the caller, for a whole batch at once). */
    Rendered render(EmailMessage message, SmtpIntegration integration, List<TrackingToken> tokens, Instant now)
            throws UnrenderableException {
        EmailMetadata meta = message.metadata();
        Merge merge = merge(message);
        boolean textOnly = (meta.body() == null || meta.body().isEmpty()) && meta.text() != null;

        String html = null;
        String text = meta.text() == null ? null : merge.text(meta.text());
        if (!textOnly) {
            String pixelUrl = integration.disablePixel() ? null
                    : token(tokens, TokenKind.PIXEL).map(settings::pixelUrl).orElse(null);
            List<String> clickUrls = tokens.stream().filter(t -> t.kind() == TokenKind.CLICK)
                    .map(t -> settings.clickUrl(t.token())).toList();
            String tracked = ClickLinks.rewrite(meta.body(), clickUrls);
            html = HtmlDocument.build(merge.html(tracked), meta.signatureHtml(), pixelUrl);
            if (text == null && !clickUrls.isEmpty()) {
                text = HtmlToText.convert(HtmlDocument.build(merge.html(meta.body()), meta.signatureHtml(), null));
            }
        }

        List<Mailbox> to = parse("to", meta.to());
        List<Mailbox> cc = parse("cc", meta.cc());
        List<Mailbox> bcc = parse("bcc", meta.bcc());
        OutgoingEmail email = new OutgoingEmail(meta.messageId(), meta.fromIdentity(), to, cc, replyTo(meta, tokens),
                merge.header(meta.subject()), html, text, meta.attachments(), meta.inReplyTo(), meta.references(),
                headers(meta, tokens), now);

        // A retry goes only to the recipients still open: those an earlier attempt settled (accepted, or refused
        // for good) are left out, so nobody gets the message twice.
        Set<String> settled = new HashSet<>();
        meta.recipients().stream().filter(r -> !TransportResult.isDeferred(r))
                .forEach(r -> settled.add(r.email().toLowerCase(Locale.ROOT)));
        Set<String> recipients = new LinkedHashSet<>();
        for (List<Mailbox> list : List.of(to, cc, bcc)) {
            list.stream().map(Mailbox::email).filter(e -> !settled.contains(e.toLowerCase(Locale.ROOT)))
                    .forEach(recipients::add);
        }
        return new Rendered(email, new Envelope(meta.fromIdentity().email(), new ArrayList<>(recipients)));
    }

    private Merge merge(EmailMessage message) throws UnrenderableException {
        if (message.record().isNone()) {
            return Merge.NONE;
        }
        Map<String, Object> values = records
                .record(message.accountId(), message.record().tableId(), message.record().recordId())
                .orElseThrow(() -> new UnrenderableException("record " + message.record().recordId() + " of table "
                        + message.record().tableId() + " no longer exists"));
        return new Merge(values);
    }

    /**
     * The caller's Reply-To wins over the reply-token address. Replies to such a message still come home when
     * they reach us some other way (a forward to the catch domain): they are then threaded by In-Reply-To and
     * References, which quote our Message-ID.
     */
    private List<Mailbox> replyTo(EmailMetadata meta, List<TrackingToken> tokens) throws UnrenderableException {
        if (!meta.replyTo().isEmpty()) {
            return parse("replyTo", meta.replyTo());
        }
        if (settings.replyDomain() == null) {
            return List.of();
        }
        String domain = settings.replyDomain().toLowerCase(Locale.ROOT);
        return token(tokens, TokenKind.REPLY).map(t -> List.of(Mailbox.of("reply-" + t + "@" + domain)))
                .orElse(List.of());
    }

    /** The caller's headers, plus one-click unsubscribe when acceptance gave the message its token. */
    private Map<String, String> headers(EmailMetadata meta, List<TrackingToken> tokens) {
        return token(tokens, TokenKind.UNSUBSCRIBE)
                .map(t -> ListUnsubscribe.withOneClick(meta.headers(), settings.unsubscribeUrl(t)))
                .orElse(meta.headers());
    }

    private static Optional<String> token(List<TrackingToken> tokens, TokenKind kind) {
        return tokens.stream().filter(t -> t.kind() == kind).map(TrackingToken::token).findFirst();
    }

    private static List<Mailbox> parse(String field, List<String> addresses) throws UnrenderableException {
        List<Mailbox> parsed = new ArrayList<>(addresses.size());
        for (String address : addresses) {
            try {
                parsed.add(Mailbox.parse(address));
            } catch (IllegalArgumentException e) {
                // Validated at acceptance; a stored address that no longer parses fails every retry alike.
                throw new UnrenderableException(field + " address " + e.getMessage());
            }
        }
        return parsed;
    }

    /** Merge-field rendering against a record's values; {@link #NONE} leaves content as it was stored. */
    private record Merge(Map<String, Object> values) {

        static final Merge NONE = new Merge(null);

        String html(String template) {
            return values == null ? template : MergeFields.render(template, values, true);
        }

        String text(String template) {
            return values == null ? template : MergeFields.render(template, values, false);
        }

        String header(String template) {
            return values == null ? template : MergeFields.renderHeader(template, values);
        }
    }
}
