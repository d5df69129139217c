package io.crmemail.core.delivery;

import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.mailbox.TokenException;
import io.crmemail.core.message.RecipientResult;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/** Turns what Jakarta Mail threw into a {@link TransportResult}. */
final class SmtpFailures {

    private SmtpFailures() {
    }

    /**
     * True when the failure is the connection's rather than the server's verdict: an I/O error, a
     * closed transport, or a reply that never came (Angus reports end of stream as code -1).
     */
    static boolean isConnectionLevel(Exception e) {
        if (e instanceof IllegalStateException) {
            return true;
        }
        if (e instanceof SMTPSendFailedException s && s.getReturnCode() < 0) {
            return true;
        }
        if (e instanceof SMTPAddressFailedException a && a.getReturnCode() < 0) {
            return true;
        }
        if (ioCause(e) != null) {
            return true;
        }
        String m = e.getMessage();
        return m != null && m.toLowerCase(Locale.ROOT).contains("not connected");
    }

    /** True when the server took the message for at least one recipient despite the exception. */
    static boolean deliveredToSome(Exception e) {
        if (!(e instanceof SendFailedException sfe)) {
            return false;
        }
        Address[] sent = sfe.getValidSentAddresses();
        return sent != null && sent.length > 0;
    }

    /** Failure to open a connection: authentication, refusal, timeout, unknown host, TLS. */
    static TransportResult connectFailure(Exception e, String hostPort) {
        if (e instanceof AuthenticationFailedException) {
            String reply = text(e.getMessage());
            return TransportResult.transientFailure(leadingCode(reply),
                    "authentication failed at " + hostPort + ": " + reply);
        }
        Throwable io = ioCause(e);
        return TransportResult.transientFailure(0,
                "connect to " + hostPort + " failed: " + describe(io != null ? io : e));
    }

    /**
     * True when the server refused a command because the session is not (or no longer) authenticated: 530, or
     * 535 as some servers answer once a session's OAuth token expired.
     */
    static boolean isAuthenticationRequired(Exception e) {
        return e instanceof SMTPSendFailedException s && (s.getReturnCode() == 530 || s.getReturnCode() == 535);
    }

    /**
     * No access token for a connected mailbox: a revoked grant is {@link TransportResult.Outcome#NOT_SENDABLE}
     * (nothing helps until the mailbox is reconnected), anything else transient.
     */
    static TransportResult tokenFailure(TokenException e, SmtpIntegration mailbox) {
        String who = "the " + mailbox.kind().wire() + " mailbox " + mailbox.username();
        return e.isPermanent()
                ? TransportResult.notSendable(who + " must be reconnected: " + e.getMessage())
                : TransportResult.transientFailure(0, "no access token for " + who + ": " + e.getMessage());
    }

    /** The server refused even a token refreshed just now: a matter of scope or mailbox settings, not expiry. */
    static TransportResult freshTokenRefused(Exception e, SmtpIntegration mailbox, String hostPort) {
        String reply = text(e.getMessage());
        return TransportResult.transientFailure(leadingCode(reply), "XOAUTH2 login of the " + mailbox.kind().wire()
                + " mailbox " + mailbox.username() + " at " + hostPort + " refused a freshly refreshed access token"
                + " (check the grant's mail scope and that SMTP AUTH is enabled for the mailbox): " + reply);
    }

    /** Failure while sending on an open connection. */
    static TransportResult sendFailure(Exception e, List<String> recipients, String hostPort, String lastReply) {
        if (e instanceof SendFailedException sfe) {
            Map<String, RecipientResult> rejected = rejections(sfe);
            if (deliveredToSome(e)) {
                return TransportResult.sent(250, lastReply, perRecipient(recipients, rejected, sfe, lastReply));
            }
            if (!isConnectionLevel(e) && sfe instanceof SMTPSendFailedException s) {
                int code = s.getReturnCode();
                String reply = text(s.getMessage());
                List<RecipientResult> results = List.copyOf(rejected.values());
                return code >= 500 && code < 600
                        ? TransportResult.permanentFailure(code, reply, results)
                        : new TransportResult(TransportResult.Outcome.TRANSIENT_FAILURE, code, reply, results);
            }
            if (!rejected.isEmpty() && !isConnectionLevel(e)) {
                return allRejected(recipients, rejected);
            }
        }
        if (isConnectionLevel(e)) {
            Throwable io = ioCause(e);
            return TransportResult.transientFailure(0,
                    "connection to " + hostPort + " lost: " + describe(io != null ? io : e));
        }
        return TransportResult.transientFailure(0, "send through " + hostPort + " failed: " + describe(e));
    }

    /** No recipient accepted: transient when any refusal was (the first such decides), else permanent. */
    static TransportResult allRejected(List<String> recipients, Map<String, RecipientResult> rejected) {
        List<RecipientResult> results = perRecipient(recipients, rejected, Set.of(), null);
        RecipientResult firstTemporary = null;
        for (RecipientResult r : results) {
            if (r.code() < 500 && firstTemporary == null) {
                firstTemporary = r;
            }
        }
        if (firstTemporary != null) {
            return new TransportResult(TransportResult.Outcome.TRANSIENT_FAILURE, firstTemporary.code(),
                    firstTemporary.response(), results);
        }
        RecipientResult first = results.get(0);
        return TransportResult.permanentFailure(first.code(), first.response(), results);
    }

    private static List<RecipientResult> perRecipient(List<String> recipients, Map<String, RecipientResult> rejected,
            SendFailedException sfe, String acceptedReply) {
        Set<String> sent = new HashSet<>();
        if (sfe != null && sfe.getValidSentAddresses() != null) {
            for (Address a : sfe.getValidSentAddresses()) {
                sent.add(key(((InternetAddress) a).getAddress()));
            }
        }
        return perRecipient(recipients, rejected, sent, acceptedReply);
    }

    /**
     * One result per envelope recipient, in envelope order: refused ones with their reply, accepted ones
     * ({@code sent}, by {@link #key}) with the accepting reply, the rest as not accepted.
     */
    static List<RecipientResult> perRecipient(List<String> recipients, Map<String, RecipientResult> rejected,
            Set<String> sent, String acceptedReply) {
        List<RecipientResult> results = new ArrayList<>(recipients.size());
        for (String r : recipients) {
            RecipientResult refused = rejected.get(key(r));
            if (refused != null) {
                results.add(new RecipientResult(r, false, refused.code(), refused.response()));
            } else if (sent.contains(key(r))) {
                results.add(new RecipientResult(r, true, 250, acceptedReply));
            } else {
                results.add(new RecipientResult(r, false, 0, "not accepted by the server"));
            }
        }
        return results;
    }

    /** The per-recipient refusals in the exception chain, by address. */
    private static Map<String, RecipientResult> rejections(MessagingException e) {
        Map<String, RecipientResult> out = new LinkedHashMap<>();
        Set<Exception> seen = new HashSet<>();
        for (Exception next = e; next != null && seen.add(next);
                next = next instanceof MessagingException m ? m.getNextException() : null) {
            if (next instanceof SMTPAddressFailedException a && a.getAddress() != null) {
                String address = a.getAddress().getAddress();
                out.putIfAbsent(key(address),
                        new RecipientResult(address, false, a.getReturnCode(), text(a.getMessage())));
            }
        }
        return out;
    }

    /** The first IOException among the causes and chained next exceptions, or null. */
    static IOException ioCause(Throwable t) {
        Set<Throwable> seen = new HashSet<>();
        while (t != null && seen.add(t)) {
            if (t instanceof IOException io) {
                return io;
            }
            t = t instanceof MessagingException m && m.getNextException() != null ? m.getNextException() : t.getCause();
        }
        return null;
    }

    static String describe(Throwable t) {
        String m = t.getMessage();
        if (t instanceof UnknownHostException) {
            return "unknown host " + m;
        }
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : text(m);
    }

    private static int leadingCode(String reply) {
        if (reply.length() >= 3 && reply.chars().limit(3).allMatch(Character::isDigit)) {
            return Integer.parseInt(reply.substring(0, 3));
        }
        return 0;
    }

    static String text(String s) {
        return s == null ? "" : s.strip();
    }

    /** Recipients are compared by this key: stripped, lower case. */
    static String key(String address) {
        return address.strip().toLowerCase(Locale.ROOT);
    }
}
