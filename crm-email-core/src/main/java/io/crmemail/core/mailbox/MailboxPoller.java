package io.crmemail.core.mailbox;

import io.crmemail.core.inbound.InboundResult;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.store.EmailStore;
import jakarta.mail.MessagingException;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the IMAP mailboxes of all integrations with {@link SmtpIntegration#imap()} settings and feeds new messages
 * into the inbound pipeline, which stores replies on their records (see docs/imap-polling.md). {@link #start()}
 * runs one daemon thread that polls each mailbox every {@code pollInterval}; {@link #pollAll()} polls all of them
 * once, now, in the calling thread. A mailbox that cannot be read is logged and counted and never stops the others.
 */
public final class MailboxPoller implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MailboxPoller.class);

    /** The inbound pipeline for mail read from a mailbox of {@code accountId}: it files nothing on other accounts. */
    @FunctionalInterface
    public interface Inbound {
        InboundResult receive(InputStream rfc822, long accountId);
    }

    /** Integrations saved on another node are noticed at least this often. */
    static final Duration MAX_WAIT = Duration.ofSeconds(30);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private final EmailStore store;
    private final MailboxPoll poll;
    private final Duration closeWait;
    /** One poll of a mailbox at a time on this node (the thread and {@link #pollAll} may meet). */
    private final Map<Long, ReentrantLock> locks = new ConcurrentHashMap<>();
    /** When each known mailbox is due next ({@link System#nanoTime}); used by the polling thread only. */
    private final Map<Long, Long> due = new HashMap<>();
    private final Object signal = new Object();
    private boolean woken;
    private volatile boolean closed;
    private Thread thread;

    /**
     * @param tokens  access tokens for mailboxes without an IMAP password (XOAUTH2); may be null when none has
     * @param inbound the inbound pipeline, scoped to the mailbox's account
     */
    public MailboxPoller(EmailStore store, TokenProvider tokens, Inbound inbound) {
        this(store, tokens, inbound, CLOSE_WAIT);
    }

    MailboxPoller(EmailStore store, TokenProvider tokens, Inbound inbound, Duration closeWait) {
        this.store = store;
        this.poll = new MailboxPoll(store, new ImapConnector(tokens), inbound, () -> closed);
        this.closeWait = closeWait;
    }

    /**
     * Polls every mailbox once, now. A store that cannot list the mailboxes throws. After {@link #close()} it stops
     * before the next mailbox and message.
     */
    public MailboxPollCounts pollAll() {
        MailboxPollCounts counts = MailboxPollCounts.NONE;
        for (SmtpIntegration integration : store.integrationsWithImap()) {
            if (closed) {
                break;
            }
            counts = counts.plus(pollOne(integration));
        }
        return counts;
    }

    /** Starts the polling thread (once). */
    public synchronized void start() {
        if (thread != null || closed) {
            return;
        }
        thread = new Thread(this::run, "crm-email-mailbox-poller");
        thread.setDaemon(true);
        thread.start();
    }

    /** Makes the polling thread look for new or changed mailboxes now (after an integration was saved). */
    public void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    /**
     * Stops polling: a poll in progress stops before its next mailbox and message. Waits up to 30 s for the thread,
     * then interrupts it (a message stuck in a slow store or disk).
     */
    @Override
    public void close() {
        closed = true;
        wake();
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(closeWait.toMillis());
                if (t.isAlive()) {
                    log.warn("mailbox poller still busy after {}; interrupting it", closeWait);
                    t.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        while (!closed) {
            long waitNanos;
            try {
                waitNanos = tick();
            } catch (RuntimeException e) {
                log.warn("cannot list the mailboxes to poll: {}", e.toString());
                waitNanos = MAX_WAIT.toNanos();
            }
            synchronized (signal) {
                long deadline = System.nanoTime() + waitNanos;
                while (!closed && !woken && deadline - System.nanoTime() > 0) {
                    try {
                        signal.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                woken = false;
            }
        }
    }

    /** Polls the mailboxes that are due; returns how long to wait until the next one is. */
    private long tick() {
        List<SmtpIntegration> mailboxes = store.integrationsWithImap();
        due.keySet().retainAll(mailboxes.stream().map(SmtpIntegration::id).toList());
        long wait = MAX_WAIT.toNanos();
        for (SmtpIntegration integration : mailboxes) {
            if (closed) {
                break;
            }
            long interval = integration.imap().pollInterval().toNanos();
            Long next = due.get(integration.id());
            long now = System.nanoTime();
            if (next == null || next - now <= 0) {
                pollOne(integration);
                next = System.nanoTime() + interval;
                due.put(integration.id(), next);
            }
            wait = Math.min(wait, Math.max(0, next - System.nanoTime()));
        }
        return wait;
    }

    private MailboxPollCounts pollOne(SmtpIntegration integration) {
        ReentrantLock lock = locks.computeIfAbsent(integration.id(), id -> new ReentrantLock());
        lock.lock();
        try {
            return poll.poll(integration);
        } catch (MessagingException | TokenException | ImapConnector.NotConfiguredException | RuntimeException e) {
            log.warn("cannot poll the mailbox of integration {} ({}@{}:{}): {}", integration.id(),
                    integration.imap().username(), integration.imap().host(), integration.imap().port(), e.toString());
            return MailboxPollCounts.error();
        } finally {
            lock.unlock();
        }
    }
}
