package io.crmemail.core.inbound;

import io.crmemail.core.attachment.AttachmentStore;
import io.crmemail.core.compose.HtmlSanitizer;
import io.crmemail.core.compose.HtmlToText;
import io.crmemail.core.message.AttachmentRef;
import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.record.RecordDirectory;
import io.crmemail.core.record.TableInfo;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.InboundStored;
import io.crmemail.core.store.NewEmail;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.SharedFileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives raw RFC 822 mail: spools it within the caps, routes it to a record and parent message, and
 * stores it as an {@code email_in} comment with its attachments. It never throws to the caller and never
 * leaves half a record: attachments written before a failed or duplicate store are deleted again.
 */
public final class InboundProcessor {

    private static final Logger log = LoggerFactory.getLogger(InboundProcessor.class);

    private final EmailStore store;
    private final RecordDirectory records;
    private final InboundLimits limits;
    private final Path spoolDirectory;
    private final Clock clock;
    private final ReplyRouter router;
    private final DeliveryReports reports;
    private final InboundAttachments attachments;
    private final Session session;
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong bounces = new AtomicLong();
    private final AtomicLong deliveryReports = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public InboundProcessor(EmailStore store, RecordDirectory records, AttachmentStore attachmentStore,
                            String replyDomain, InboundLimits limits, Path spoolDirectory, Clock clock) {
        this.store = store;
        this.records = records;
        this.limits = limits;
        this.spoolDirectory = spoolDirectory;
        this.clock = clock;
        this.router = new ReplyRouter(store, replyDomain);
        this.reports = new DeliveryReports(store, clock);
        this.attachments = new InboundAttachments(attachmentStore);
        Properties properties = new Properties();
        properties.setProperty("mail.mime.address.strict", "false");
        properties.setProperty("mail.mime.decodetext.strict", "false");
        properties.setProperty("mail.mime.parameters.strict", "false");
        this.session = Session.getInstance(properties);
    }

    /** Counters since start: stored, duplicates, bounce and delivery reports, dropped, failed. */
    public InboundCounts counts() {
        return new InboundCounts(stored.get(), duplicates.get(), bounces.get(), deliveryReports.get(), dropped.get(),
                failed.get());
    }

    /** Receives mail for any account: the catch domain, where the reply token or thread names the account. */
    public InboundResult receive(InputStream raw) {
        return receive(raw, null);
    }

    /**
     * Receives mail read from a mailbox of {@code accountId} (IMAP polling): it is only filed on, and only reports
     * on, that account's messages; mail that routes to another account's message is dropped.
     */
    public InboundResult receive(InputStream raw, long accountId) {
        return receive(raw, Long.valueOf(accountId));
    }

    private InboundResult receive(InputStream raw, Long account) {
        try (Spool spool = Spool.of(raw, spoolDirectory, limits)) {
            return receive(spool.file(), account);
        } catch (Spool.TooLargeException e) {
            return drop("too large: " + e.getMessage());
        } catch (IOException e) {
            // Reading the request or writing the spool file failed: nothing was decided about the message.
            return fail("could not spool the message: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // Parsing never throws this far (malformed mail is dropped where it is read), so this is the store.
            return fail("internal error: " + e, e);
        }
    }

    private InboundResult receive(Path file, Long account) throws IOException {
        try (SharedFileInputStream in = new SharedFileInputStream(file.toFile())) {
            MimeMessage message;
            try {
                message = new MimeMessage(session, in);
            } catch (MessagingException e) {
                return drop("not a parseable message: " + e.getMessage());
            }
            MailBody body;
            try {
                body = MailBodyWalker.walk(message, limits);
            } catch (MailBodyWalker.TooComplexException e) {
                return drop("too complex: " + e.getMessage());
            }
            // Reports first: a report quotes our original, Reply-To token included, and must not become a reply.
            Optional<BounceParser.Report> report = BounceParser.parse(message, body);
            if (report.isPresent()) {
                return counted(reports.apply(report.get(), account));
            }
            String messageId = MessageIdentity.of(message, file);
            // A copy of a message we sent (the mailbox owner in Cc, a polled mailbox holding it): its
            // In-Reply-To would otherwise file it as a reply to the message it answers.
            if (store.findByMessageId(messageId).stream().anyMatch(m -> m.type() == CommentType.EMAIL_OUT)) {
                return drop("a copy of our own outbound message " + messageId);
            }
            ReplyRouter.Route route = router.route(message, account).orElse(null);
            if (route == null) {
                return drop(account != null && router.route(message, null).isPresent()
                        ? "routes only to messages of another account than the mailbox's (account " + account + ")"
                        : "no reply token and no known Message-ID in In-Reply-To/References");
            }
            String attachmentPrefix;
            if (route.record().isNone()) {
                // A reply to a /api/v1 message on no record: its files go where that account's uploads live.
                attachmentPrefix = "v1/" + route.accountId() + "/";
            } else {
                TableInfo table = records.table(route.accountId(), route.record().tableId()).orElse(null);
                if (table == null) {
                    return drop("table " + route.record().tableId() + " no longer exists");
                }
                attachmentPrefix = table.attachmentPrefix();
            }
            Optional<EmailMessage> known = store.findByMessageId(messageId).stream()
                    .filter(m -> m.type() == CommentType.EMAIL_IN && m.accountId() == route.accountId()
                            && m.record().equals(route.record()))
                    .findFirst();
            if (known.isPresent()) {
                duplicates.incrementAndGet();
                return InboundResult.duplicate(known.get().id());
            }
            List<Mailbox> from = MailHeaders.mailboxes(message, "From");
            if (!from.isEmpty() && store.countInboundSince(route.accountId(), route.record(), from.get(0).email(),
                    clock.instant().minus(Duration.ofHours(1))) >= limits.maxPerSenderPerRecordPerHour()) {
                return drop("loop guard: more than " + limits.maxPerSenderPerRecordPerHour() + " messages from "
                        + from.get(0).email() + " for this record in an hour");
            }
            List<AttachmentRef> saved = new ArrayList<>();
            try {
                saved.addAll(attachments.save(body.attachments(), attachmentPrefix));
                InboundStored result = store.storeInbound(newEmail(message, from, route, messageId, body, saved));
                if (result.duplicate()) {
                    attachments.delete(saved);
                    duplicates.incrementAndGet();
                    return InboundResult.duplicate(result.message().id());
                }
                stored.incrementAndGet();
                return InboundResult.stored(result.message().id());
            } catch (IOException | RuntimeException e) {
                attachments.delete(saved);
                return fail("could not store the message for record " + route.record() + ": " + e.getMessage(), e);
            }
        }
    }

    private NewEmail newEmail(MimeMessage message, List<Mailbox> from, ReplyRouter.Route route, String messageId,
                              MailBody body, List<AttachmentRef> saved) {
        Instant now = clock.instant();
        String subject = MailHeaders.text(message, "Subject");
        String html = body.html() == null ? null : HtmlSanitizer.sanitize(body.html());
        String text = body.text() != null ? body.text() : body.html() != null ? HtmlToText.convert(body.html()) : "";
        EmailMetadata metadata = EmailMetadata.builder()
                .status(EmailStatus.RECEIVED)
                .fromIdentity(from.isEmpty() ? null : from.get(0))
                .to(MailHeaders.mailboxes(message, "To").stream().map(Mailbox::toString).toList())
                .cc(MailHeaders.mailboxes(message, "Cc").stream().map(Mailbox::toString).toList())
                .subject(subject == null ? "" : subject)
                .body(html)
                .text(text)
                .replyText(QuotedHistory.strip(text))
                .messageId(messageId)
                .inReplyTo(String.join(" ", MailHeaders.messageIds(message, "In-Reply-To")))
                .references(String.join(" ", MailHeaders.messageIds(message, "References")))
                .sentAt(MailHeaders.date(message))
                .receivedAt(now)
                .attachments(saved)
                .autoReply(AutoReplies.isAutoReply(message, subject))
                .threadId(threadOf(route.parentId()))
                .build();
        return new NewEmail(route.accountId(), route.record(), CommentType.EMAIL_IN, route.parentId(), null, now,
                metadata, null, List.of());
    }

    /** A reply joins its parent's conversation; a parent outside any conversation leaves the reply outside too. */
    private String threadOf(long parentId) {
        return store.find(parentId).map(parent -> parent.metadata().threadId()).orElse(null);
    }

    private InboundResult fail(String reason, Exception cause) {
        failed.incrementAndGet();
        log.warn("inbound message not stored, the sender should retry: {}", reason, cause);
        return InboundResult.failed(reason);
    }

    private InboundResult drop(String reason) {
        return counted(InboundResult.dropped(reason));
    }

    private InboundResult counted(InboundResult result) {
        switch (result.outcome()) {
            case BOUNCE -> bounces.incrementAndGet();
            case DELIVERED -> deliveryReports.incrementAndGet();
            case DROPPED -> {
                dropped.incrementAndGet();
                log.debug("inbound message dropped: {}", result.reason());
            }
            default -> { }
        }
        return result;
    }
}
