package io.crmemail.core.inbound;

import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.store.BounceReport;
import io.crmemail.core.store.EmailStore;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Applies a recognised delivery report to the message it reports on: each failure as a bounce, each successful
 * delivery as {@code delivered}. The webhook is public and a report is easy to forge, so only recipients the
 * original actually went to count. A report read from an account's own mailbox only applies to that account's
 * messages.
 */
final class DeliveryReports {

    private final EmailStore store;
    private final Clock clock;

    DeliveryReports(EmailStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * {@code BOUNCE} when the report holds a failure (with or without deliveries beside it), {@code DELIVERED}
     * when it only confirms deliveries, {@code DROPPED} when it names no message or no recipient of ours.
     *
     * @param account the only account whose messages the report may change, or null for any (the catch domain)
     */
    InboundResult apply(BounceParser.Report report, Long account) {
        List<EmailMessage> sent = report.originalMessageIds().stream()
                .flatMap(id -> store.findByMessageId(id).stream())
                .filter(m -> m.type() == CommentType.EMAIL_OUT)
                .toList();
        EmailMessage original = sent.stream()
                .filter(m -> account == null || m.accountId() == account)
                .findFirst().orElse(null);
        if (original == null) {
            return InboundResult.dropped(sent.isEmpty() ? "delivery report for a message we did not send"
                    : "delivery report for a message of another account than the mailbox's (account " + account + ")");
        }
        Set<String> sentTo = recipientsOf(original);
        List<BounceParser.Failure> failures = report.failures().stream()
                .filter(f -> sentTo.contains(f.recipient().toLowerCase(Locale.ROOT))).toList();
        List<BounceParser.Delivery> deliveries = report.deliveries().stream()
                .filter(d -> sentTo.contains(d.recipient().toLowerCase(Locale.ROOT))).toList();
        if (failures.isEmpty() && deliveries.isEmpty()) {
            return InboundResult.dropped("delivery report without a recipient of message " + original.id());
        }
        Instant now = clock.instant();
        for (BounceParser.Delivery delivery : deliveries) {
            store.recordDelivered(original.id(), now, delivery.details());
        }
        for (BounceParser.Failure failure : failures) {
            store.recordBounce(original.id(), new BounceReport(failure.recipient(), failure.status(),
                    failure.diagnostic(), failure.hard(), now));
        }
        return failures.isEmpty() ? InboundResult.delivered(original.id()) : InboundResult.bounce(original.id());
    }

    private static Set<String> recipientsOf(EmailMessage message) {
        Set<String> emails = new HashSet<>();
        for (List<String> list : List.of(message.metadata().to(), message.metadata().cc(), message.metadata().bcc())) {
            for (String address : list) {
                try {
                    emails.add(Mailbox.parse(address).email().toLowerCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    emails.add(address.toLowerCase(Locale.ROOT));
                }
            }
        }
        return emails;
    }
}
