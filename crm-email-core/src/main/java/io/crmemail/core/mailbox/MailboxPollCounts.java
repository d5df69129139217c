package io.crmemail.core.mailbox;

import io.crmemail.core.inbound.InboundResult;

/**
 * What polling connected mailboxes did.
 *
 * @param mailboxes     mailboxes polled
 * @param mailboxErrors mailboxes that could not be read (login refused, no token, server unreachable); the others
 *                      were polled all the same
 * @param messages      new messages handed to the inbound pipeline
 * @param stored        stored on a record (replies)
 * @param duplicates    already stored (another node or an earlier delivery got there first)
 * @param reports       bounce and delivery reports applied to the message they report on
 * @param dropped       matched nothing or unusable (unrelated mail, our own copies, unparseable, too large)
 * @param failed        not stored because our side failed; read again at the next poll
 */
public record MailboxPollCounts(int mailboxes, int mailboxErrors, int messages, int stored, int duplicates,
                                int reports, int dropped, int failed) {

    /** Nothing polled. */
    public static final MailboxPollCounts NONE = new MailboxPollCounts(0, 0, 0, 0, 0, 0, 0, 0);

    static MailboxPollCounts polled() {
        return new MailboxPollCounts(1, 0, 0, 0, 0, 0, 0, 0);
    }

    static MailboxPollCounts error() {
        return new MailboxPollCounts(1, 1, 0, 0, 0, 0, 0, 0);
    }

    /** These counts with one more message that had the given outcome. */
    MailboxPollCounts with(InboundResult.Outcome outcome) {
        return new MailboxPollCounts(mailboxes, mailboxErrors, messages + 1,
                stored + (outcome == InboundResult.Outcome.STORED ? 1 : 0),
                duplicates + (outcome == InboundResult.Outcome.DUPLICATE ? 1 : 0),
                reports + (outcome == InboundResult.Outcome.BOUNCE || outcome == InboundResult.Outcome.DELIVERED ? 1 : 0),
                dropped + (outcome == InboundResult.Outcome.DROPPED ? 1 : 0),
                failed + (outcome == InboundResult.Outcome.FAILED ? 1 : 0));
    }

    /** The sum of both. */
    public MailboxPollCounts plus(MailboxPollCounts o) {
        return new MailboxPollCounts(mailboxes + o.mailboxes, mailboxErrors + o.mailboxErrors, messages + o.messages,
                stored + o.stored, duplicates + o.duplicates, reports + o.reports, dropped + o.dropped,
                failed + o.failed);
    }
}
