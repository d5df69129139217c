package io.crmemail.core.delivery;

import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.store.Completion;
import io.crmemail.core.store.DeliveryJob;
import io.crmemail.core.store.DeliveryUpdate;
import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.TrackingToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store side of delivering one claimed batch, in few store calls instead of several per message (each is a
 * round trip to a database server): the tokens of all messages in one call, the suppressed addresses among all
 * recipients in one call per account, the "being sent" mark for a chunk of messages at a time, and outcomes
 * written together.
 *
 * <p>Marks: the first message of a chunk to reach the wire marks itself and the next {@link #CHUNK} - 1 messages
 * of the batch in one call. A marked message refuses a cancel, so a cancel that succeeds still means it was never
 * transmitted; the price is that a cancel is refused for up to a chunk's worth of processing before the message
 * actually goes out. A mark left unused (the message was dropped before the wire) ends with that outcome.
 *
 * <p>Outcomes are kept until {@link #CHUNK} are waiting, the oldest has waited {@link #MAX_OUTCOME_DELAY} (a quarter
 * of the lease if that is shorter), or the batch ends. The wait is checked when an outcome is added, before each
 * attempt and right before each message goes on the wire, so a waiting outcome is held at most that long plus one
 * transmission: a message already sent must not outlive its lease in the outbox, or another node sends it again.
 * A crash in between loses at most those outcomes: their messages are sent again (same Message-ID) once their
 * lease expires, which the at-least-once rule allows. A write of several outcomes that fails is retried one by
 * one, so one outcome the store refuses costs only its own message.
 *
 * <p>Used by one worker thread; not thread-safe.
 */
final class ClaimedBatch {

    private static final Logger log = LoggerFactory.getLogger(ClaimedBatch.class);

    /** Messages marked "being sent" per store call, and outcomes written per store call at most. */
    static final int CHUNK = 10;

    /** How long an outcome may wait for others before it is written anyway. */
    static final Duration MAX_OUTCOME_DELAY = Duration.ofSeconds(1);

    private final EmailStore store;
    private final Clock clock;
    private final String owner;
    private final Duration maxOutcomeDelay;
    private final List<DeliveryJob> jobs;
    private final Map<Long, Integer> positions = new HashMap<>();
    private Map<Long, List<TrackingToken>> tokens;
    /** Per account: the addresses looked up so far (lower case), and those of them suppressed. */
    private final Map<Long, Set<String>> checked = new HashMap<>();
    private final Map<Long, Set<String>> suppressed = new HashMap<>();
    private final Set<Long> marked = new HashSet<>();
    /** Position of the first job not yet asked to be marked. */
    private int markedUpTo;
    private final List<Completion> outcomes = new ArrayList<>();
    private Instant oldestOutcome;

    ClaimedBatch(EmailStore store, Clock clock, String owner, Duration lease, List<DeliveryJob> jobs) {
        this.store = store;
        this.clock = clock;
        this.owner = owner;
        Duration quarterLease = lease.dividedBy(4);
        this.maxOutcomeDelay = quarterLease.compareTo(MAX_OUTCOME_DELAY) < 0 ? quarterLease : MAX_OUTCOME_DELAY;
        this.jobs = jobs;
        for (int i = 0; i < jobs.size(); i++) {
            positions.put(jobs.get(i).messageId(), i);
        }
    }

    /** The job's stored tokens; the first call loads those of the whole batch. */
    List<TrackingToken> tokens(DeliveryJob job) {
        if (tokens == null) {
            tokens = store.tokens(jobs.stream().map(DeliveryJob::messageId).toList());
        }
        return tokens.getOrDefault(job.messageId(), List.of());
    }

    /**
     * Which of the job's recipients its account suppresses (lower case). The first call for an account looks up
     * the recipients of all the batch's messages of that account at once.
     */
    Set<String> suppressedAmong(DeliveryJob job, List<String> recipients) {
        long account = job.message().accountId();
        Set<String> known = checked.computeIfAbsent(account, a -> new HashSet<>());
        Set<String> wanted = new LinkedHashSet<>();
        recipients.forEach(r -> wanted.add(normalise(r)));
        if (!known.containsAll(wanted)) {
            Set<String> lookup = new LinkedHashSet<>(wanted);
            if (known.isEmpty()) {
                lookup.addAll(recipientsOfAccount(account));
            }
            lookup.removeAll(known);
            suppressed.computeIfAbsent(account, a -> new HashSet<>()).addAll(store.suppressedAmong(account, lookup));
            known.addAll(lookup);
        }
        Set<String> found = new HashSet<>(suppressed.getOrDefault(account, Set.of()));
        found.retainAll(wanted);
        return found;
    }

    /**
     * Whether the job may go on the wire now: marks it "being sent" (with the chunk after it, in one store call)
     * unless that was done already. False when the store refused the mark (cancelled, lease lost) or the lease
     * has run out since (a cancel may then win again).
     */
    boolean startSending(DeliveryJob job) {
        // The wait for the rate limit may have been long: do not hold earlier outcomes over this transmission too.
        flushDue();
        int position = positions.get(job.messageId());
        if (position >= markedUpTo) {
            int end = Math.min(jobs.size(), position + CHUNK);
            List<Long> chunk = jobs.subList(position, end).stream().map(DeliveryJob::messageId).toList();
            marked.addAll(store.startSendingAll(chunk, owner, clock.instant()));
            markedUpTo = end;
        }
        return marked.contains(job.messageId()) && clock.instant().isBefore(job.leaseExpiresAt());
    }

    /** Keeps the job's outcome for the next write; writes when enough are waiting or the oldest waited long. */
    void complete(DeliveryJob job, DeliveryUpdate update) {
        Instant now = clock.instant();
        outcomes.add(new Completion(job.messageId(), update));
        if (oldestOutcome == null) {
            oldestOutcome = now;
        }
        if (outcomes.size() >= CHUNK || isDue(now)) {
            flush();
        }
    }

    /** Writes the waiting outcomes if the oldest has waited long enough; called before each attempt. */
    void flushDue() {
        if (isDue(clock.instant())) {
            flush();
        }
    }

    private boolean isDue(Instant now) {
        return oldestOutcome != null && !now.isBefore(oldestOutcome.plus(maxOutcomeDelay));
    }

    /**
     * Writes the waiting outcomes in one store call; if that fails, one call each, so an outcome the store refuses
     * costs only its own message. Throws only when none could be written (the store is likely down): the batch
     * then stops instead of sending messages whose outcomes would be lost.
     */
    void flush() {
        if (outcomes.isEmpty()) {
            return;
        }
        List<Completion> writing = List.copyOf(outcomes);
        outcomes.clear();
        oldestOutcome = null;
        Set<Long> applied;
        try {
            applied = store.completeAll(owner, writing);
        } catch (RuntimeException e) {
            log.warn("writing {} outcomes together failed; writing them one by one", writing.size(), e);
            applied = completeOneByOne(writing);
        }
        if (applied.size() < writing.size() && log.isDebugEnabled()) {
            Set<Long> written = applied;
            writing.stream().map(Completion::messageId).filter(id -> !written.contains(id)).forEach(id ->
                    log.debug("outcome of message {} not applied: cancelled, completed elsewhere or failed", id));
        }
    }

    private Set<Long> completeOneByOne(List<Completion> writing) {
        Set<Long> applied = new HashSet<>();
        RuntimeException failure = null;
        int failed = 0;
        for (Completion c : writing) {
            try {
                if (store.complete(c.messageId(), owner, c.update())) {
                    applied.add(c.messageId());
                }
            } catch (RuntimeException e) {
                failed++;
                failure = e;
                log.warn("outcome of message {} not written; it is sent again once its lease expires",
                        c.messageId(), e);
            }
        }
        if (failed == writing.size()) {
            throw failure;
        }
        return applied;
    }

    private Set<String> recipientsOfAccount(long account) {
        Set<String> all = new HashSet<>();
        for (DeliveryJob job : jobs) {
            if (job.message().accountId() != account) {
                continue;
            }
            EmailMetadata meta = job.message().metadata();
            for (List<String> list : List.of(meta.to(), meta.cc(), meta.bcc())) {
                for (String address : list) {
                    try {
                        all.add(normalise(Mailbox.parse(address).email()));
                    } catch (IllegalArgumentException e) {
                        // Rendering refuses it with a clear error; nothing to look up.
                    }
                }
            }
        }
        return all;
    }

    private static String normalise(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }
}
