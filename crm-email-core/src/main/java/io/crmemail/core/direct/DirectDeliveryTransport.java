package io.crmemail.core.direct;

import io.crmemail.core.delivery.Envelope;
import io.crmemail.core.delivery.MailTransport;
import io.crmemail.core.delivery.MailTransportFactory;
import io.crmemail.core.delivery.RetryPolicy;
import io.crmemail.core.delivery.TransportResult;
import io.crmemail.core.delivery.TransportResult.Outcome;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.message.RecipientResult;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MailTransport} of a {@code direct} integration: delivers to the recipients' own mail exchangers.
 *
 * <p>Recipients are grouped by domain (case-insensitive); each domain's MX hosts are tried in order until one
 * takes the transaction: a host that cannot be reached or answers 421 passes the domain to the next host, any
 * other answer settles it. Connections are pooled per MX host (shared by every domain it serves) and closed
 * after the host has been idle a while. STARTTLS is used whenever offered, without certificate checks
 * (opportunistic, see {@link OpportunisticTls}).
 *
 * <p>The per-recipient results of all domains make one {@link TransportResult}, marked
 * {@linkplain TransportResult#delivered() delivered}: sent when any recipient accepted, else a transient failure
 * when any was deferred, else permanent. Deferred recipients (4xx, unreachable hosts, DNS trouble) are retried
 * later on their own, with {@link DirectDeliveryOptions#retryPolicy()}.
 */
public final class DirectDeliveryTransport implements MailTransport {

    private static final Logger log = LoggerFactory.getLogger(DirectDeliveryTransport.class);

    private final SmtpIntegration integration;
    private final DirectDeliveryOptions options;
    private final int port;
    private final OpportunisticTls tls = new OpportunisticTls();
    private final Map<String, MxHost> hosts = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public DirectDeliveryTransport(SmtpIntegration integration, DirectDeliveryOptions options) {
        this.integration = Objects.requireNonNull(integration, "integration");
        this.options = Objects.requireNonNull(options, "options");
        this.port = options.port() > 0 ? options.port() : integration.port();
    }

    /** A factory making a direct transport for each integration it is given. */
    public static MailTransportFactory factory(DirectDeliveryOptions options) {
        Objects.requireNonNull(options, "options");
        return integration -> new DirectDeliveryTransport(integration, options);
    }

    @Override
    public Optional<RetryPolicy> retryPolicy() {
        return Optional.of(options.retryPolicy());
    }

    @Override
    public TransportResult send(MimeMessage message, Envelope envelope) {
        try {
            return sendChecked(message, envelope);
        } catch (RuntimeException e) {
            log.warn("Unexpected failure in direct delivery of integration {}", integration.id(), e);
            return TransportResult.transientFailure(0, "unexpected failure: " + e);
        }
    }

    private TransportResult sendChecked(MimeMessage message, Envelope envelope) {
        if (closed) {
            return TransportResult.transientFailure(0, "transport closed");
        }
        if (envelope.recipients().isEmpty()) {
            return TransportResult.permanentFailure(0, "the envelope has no recipients", List.of());
        }
        closeIdleHosts();
        Map<String, List<String>> byDomain = new LinkedHashMap<>();
        List<DomainResult> results = new ArrayList<>();
        for (String recipient : envelope.recipients()) {
            int at = recipient.lastIndexOf('@');
            if (at <= 0 || at == recipient.length() - 1) {
                results.add(DomainResult.of("", List.of(recipient), 553, "5.1.3 not an address with a domain"));
                continue;
            }
            byDomain.computeIfAbsent(recipient.substring(at + 1).toLowerCase(Locale.ROOT), d -> new ArrayList<>())
                    .add(recipient);
        }
        byDomain.forEach((domain, recipients) ->
                results.add(toDomain(domain, message, new Envelope(envelope.mailFrom(), recipients))));
        return combine(envelope.recipients(), results);
    }

    /** One domain's delivery: its MX hosts in order until one settles it. */
    private DomainResult toDomain(String domain, MimeMessage message, Envelope envelope) {
        List<String> exchangers;
        try {
            exchangers = options.resolver().mailHosts(domain);
        } catch (MxLookupException e) {
            return e.isPermanent()
                    ? DomainResult.of(domain, envelope.recipients(), 550, "5.1.2 " + e.getMessage())
                    : DomainResult.of(domain, envelope.recipients(), 0, "4.4.3 " + e.getMessage());
        }
        if (exchangers.isEmpty()) {
            return DomainResult.of(domain, envelope.recipients(), 0, "4.4.3 no mail host found for " + domain);
        }
        TransportResult last = null;
        for (String exchanger : exchangers) {
            String internal = options.allowInternalHosts() ? null : InternalHosts.internalAddress(exchanger);
            if (internal != null) {
                last = TransportResult.permanentFailure(550, "5.7.1 MX host " + exchanger + " of " + domain
                        + " resolves to the internal address " + internal + "; refused", List.of());
                continue;
            }
            TransportResult result = sendTo(exchanger, message, envelope);
            if (!passesToNextHost(result)) {
                return DomainResult.settled(domain, envelope.recipients(), result);
            }
            log.debug("MX {} of {} did not take the message: {}", exchanger, domain, result.serverReply());
            last = result;
        }
        String reply = exchangers.size() == 1 ? last.serverReply()
                : "no MX host of " + domain + " took the message; last: " + last.serverReply();
        return DomainResult.of(domain, envelope.recipients(), last.code(), reply);
    }

    /** Unreachable, or 421 (service not available, RFC 5321 §5.1): the next MX host may do better. */
    private static boolean passesToNextHost(TransportResult result) {
        return result.outcome() == Outcome.TRANSIENT_FAILURE && result.recipients().isEmpty()
                && (result.code() == 0 || result.code() == 421);
    }

    private TransportResult sendTo(String exchanger, MimeMessage message, Envelope envelope) {
        String key = exchanger.toLowerCase(Locale.ROOT);
        MxHost host = hosts.compute(key, (k, h) -> {
            MxHost use = h != null ? h : new MxHost(k, integration, port, options.ehloName(), tls);
            use.inFlight++;
            return use;
        });
        try {
            return host.send(message, envelope);
        } finally {
            hosts.computeIfPresent(key, (k, h) -> {
                h.inFlight--;
                return h;
            });
        }
    }

    private void closeIdleHosts() {
        for (String key : hosts.keySet()) {
            MxHost[] removed = new MxHost[1];
            hosts.computeIfPresent(key, (k, h) -> {
                if (h.inFlight == 0 && h.idleLongerThan(options.idleHostTimeout())) {
                    removed[0] = h;
                    return null;
                }
                return h;
            });
            if (removed[0] != null) {
                removed[0].close();
            }
        }
    }

    /** Number of MX hosts with pooled connections (for tests). */
    int openHosts() {
        return hosts.size();
    }

    @Override
    public void close() {
        closed = true;
        for (String key : hosts.keySet()) {
            MxHost host = hosts.remove(key);
            if (host != null) {
                host.close();
            }
        }
    }

    private static TransportResult combine(List<String> order, List<DomainResult> results) {
        Map<String, RecipientResult> byAddress = new LinkedHashMap<>();
        results.forEach(r -> r.recipients().forEach(x -> byAddress.put(x.email(), x)));
        List<RecipientResult> all = order.stream().map(byAddress::get).filter(Objects::nonNull).toList();
        Outcome outcome = all.stream().anyMatch(RecipientResult::accepted) ? Outcome.SENT
                : all.stream().anyMatch(TransportResult::isDeferred) ? Outcome.TRANSIENT_FAILURE
                : Outcome.PERMANENT_FAILURE;
        DomainResult deciding = results.stream().filter(r -> r.decides(outcome)).findFirst().orElse(results.get(0));
        String reply = results.size() == 1 ? deciding.reply()
                : results.stream().map(r -> r.domain() + ": " + r.reply()).collect(Collectors.joining("; "));
        return new TransportResult(outcome, deciding.code(), reply, all, true);
    }

    /** What one domain's exchanger said, for each of the domain's recipients. */
    private record DomainResult(String domain, int code, String reply, List<RecipientResult> recipients) {

        static DomainResult of(String domain, List<String> recipients, int code, String reply) {
            return new DomainResult(domain, code, reply,
                    recipients.stream().map(r -> new RecipientResult(r, false, code, reply)).toList());
        }

        /** The exchanger's answer, with a result for every recipient (the message-level one where it gave none). */
        static DomainResult settled(String domain, List<String> recipients, TransportResult result) {
            Map<String, RecipientResult> given = new LinkedHashMap<>();
            result.recipients().forEach(r -> given.put(r.email().toLowerCase(Locale.ROOT), r));
            boolean sent = result.outcome() == Outcome.SENT;
            List<RecipientResult> all = recipients.stream().map(r -> {
                RecipientResult known = given.get(r.toLowerCase(Locale.ROOT));
                return known != null ? new RecipientResult(r, known.accepted(), known.code(), known.response())
                        : new RecipientResult(r, false, sent ? 0 : result.code(), result.serverReply());
            }).toList();
            return new DomainResult(domain, result.code(), result.serverReply(), all);
        }

        boolean decides(Outcome outcome) {
            return switch (outcome) {
                case SENT -> recipients.stream().anyMatch(RecipientResult::accepted);
                case TRANSIENT_FAILURE -> recipients.stream().anyMatch(TransportResult::isDeferred);
                case PERMANENT_FAILURE, NOT_SENDABLE -> true;
            };
        }
    }
}
