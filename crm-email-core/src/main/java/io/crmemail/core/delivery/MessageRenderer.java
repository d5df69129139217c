package io.crmemail.core.delivery;

import io.crmemail.core.EmailSettings;
import io.crmemail.core.compose.HtmlDocument;
import io.crmemail.core.compose.MergeFields;
import io.crmemail.core.compose.OutgoingEmail;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.record.RecordDirectory;
import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.TokenKind;
import io.crmemail.core.store.TrackingToken;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a stored message into what goes on the wire, merging {@code {{field:slug}}} against the record
 * as it is now: HTML-escaped in the body, plain (line breaks removed) in the subject.
 */
final class MessageRenderer {

    /** The rendered message and its SMTP envelope. */
    record Rendered(OutgoingEmail email, Envelope envelope) {
    }

    /** The record behind the message no longer exists: nothing sensible can be sent. */
    static final class RecordGoneException extends Exception {
        RecordGoneException(String message) {
            super(message);
        }
    }

    private final RecordDirectory records;
    private final EmailStore store;
    private final EmailSettings settings;

    MessageRenderer(RecordDirectory records, EmailStore store, EmailSettings settings) {
        this.records = records;
        this.store = store;
        this.settings = settings;
    }

    Rendered render(EmailMessage message, SmtpIntegration integration, Instant now) throws RecordGoneException {
        EmailMetadata meta = message.metadata();
        Map<String, Object> values = records
                .record(message.accountId(), message.record().tableId(), message.record().recordId())
                .orElseThrow(() -> new RecordGoneException("record " + message.record().recordId() + " of table "
                        + message.record().tableId() + " no longer exists"));

        String subject = MergeFields.renderHeader(meta.subject(), values);
        String body = MergeFields.render(meta.body(), values, true);
        List<TrackingToken> tokens = store.tokens(message.id());
        String pixelUrl = integration.disablePixel() ? null
                : token(tokens, TokenKind.PIXEL).map(settings::pixelUrl).orElse(null);
        Mailbox replyTo = settings.replyDomain() == null ? null
                : token(tokens, TokenKind.REPLY)
                        .map(t -> Mailbox.of("reply-" + t + "@" + settings.replyDomain().toLowerCase(Locale.ROOT)))
                        .orElse(null);

        List<Mailbox> to = parse(meta.to());
        List<Mailbox> cc = parse(meta.cc());
        List<Mailbox> bcc = parse(meta.bcc());
        OutgoingEmail email = new OutgoingEmail(meta.messageId(), meta.fromIdentity(), to, cc, replyTo, subject,
                HtmlDocument.build(body, meta.signatureHtml(), pixelUrl), null, meta.attachments(), Map.of(), now);

        Set<String> recipients = new LinkedHashSet<>();
        for (List<Mailbox> list : List.of(to, cc, bcc)) {
            list.forEach(m -> recipients.add(m.email()));
        }
        return new Rendered(email, new Envelope(meta.fromIdentity().email(), new ArrayList<>(recipients)));
    }

    private static Optional<String> token(List<TrackingToken> tokens, TokenKind kind) {
        return tokens.stream().filter(t -> t.kind() == kind).map(TrackingToken::token).findFirst();
    }

    private static List<Mailbox> parse(List<String> addresses) {
        return addresses.stream().map(Mailbox::parse).toList();
    }
}
