package io.crmemail.core.delivery;

import io.crmemail.core.message.RecipientResult;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The replies of one mail transaction on a {@link PipelinedConnection}, and what they come to. The
 * classification is the one {@link SmtpTransport} gets from Angus with {@code sendpartial=true} (see
 * {@link SmtpFailures}), so both transports report the same outcome for the same replies.
 *
 * @param mail  the reply to MAIL FROM
 * @param rcpts the replies to RCPT TO read so far, in envelope order
 * @param data  the reply to DATA, null when DATA was not sent (or nothing was to follow its 354)
 * @param end   the reply to the end of the data, null when no data was sent
 */
record SmtpExchange(SmtpReply mail, List<SmtpReply> rcpts, SmtpReply data, SmtpReply end) {

    /** A RCPT reply that is neither acceptance nor refusal: Angus gives up the transaction on it. */
    static boolean unexpected(SmtpReply r) {
        return r.code() < 200 || (r.code() >= 300 && r.code() < 400) || r.code() >= 600;
    }

    /** True when the server announced it is closing the connection. */
    boolean closing() {
        return is421(mail) || is421(data) || is421(end) || rcpts.stream().anyMatch(SmtpExchange::is421);
    }

    private static boolean is421(SmtpReply r) {
        return r != null && r.code() == 421;
    }

    TransportResult outcome(List<String> recipients) {
        if (!mail.is(250)) {
            return failure(mail, List.of());
        }
        Map<String, RecipientResult> refused = new LinkedHashMap<>();
        Set<String> accepted = new HashSet<>();
        for (int i = 0; i < rcpts.size(); i++) {
            SmtpReply r = rcpts.get(i);
            String address = recipients.get(i);
            if (unexpected(r)) {
                return SmtpFailures.allRejected(recipients,
                        Map.of(SmtpFailures.key(address), new RecipientResult(address, false, r.code(), r.text())));
            }
            if (r.positive()) {
                accepted.add(SmtpFailures.key(address));
            } else {
                refused.putIfAbsent(SmtpFailures.key(address), new RecipientResult(address, false, r.code(), r.text()));
            }
        }
        if (accepted.isEmpty()) {
            return SmtpFailures.allRejected(recipients, refused);
        }
        if (rcpts.size() < recipients.size()) { // a 421 cut the group short: nothing was sent
            SmtpReply last = rcpts.get(rcpts.size() - 1);
            return failure(last, List.copyOf(refused.values()));
        }
        List<RecipientResult> refusals = List.copyOf(refused.values());
        if (data == null) { // cannot happen: DATA is sent whenever a recipient was accepted
            return TransportResult.transientFailure(0, "DATA was not sent");
        }
        if (!data.is(354)) {
            return failure(data, refusals);
        }
        if (!end.is(250)) {
            return failure(end, refusals);
        }
        return TransportResult.sent(250, end.text(),
                SmtpFailures.perRecipient(recipients, refused, accepted, end.text()));
    }

    private static TransportResult failure(SmtpReply reply, List<RecipientResult> results) {
        return reply.permanent()
                ? TransportResult.permanentFailure(reply.code(), reply.text(), results)
                : new TransportResult(TransportResult.Outcome.TRANSIENT_FAILURE, reply.code(), reply.text(), results);
    }
}
