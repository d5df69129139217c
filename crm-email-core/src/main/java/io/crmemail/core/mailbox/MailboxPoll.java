package io.crmemail.core.mailbox;

import io.crmemail.core.inbound.InboundResult;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.MailboxCursor;
import jakarta.mail.FetchProfile;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessageRemovedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one mailbox once: opens its folder read-only, hands every message with a UID above the stored cursor to
 * the inbound pipeline, streaming its raw bytes from the server in blocks (the pipeline spools them to disk), and
 * advances the cursor after each one. A folder seen for the first time, or under a new UIDVALIDITY, starts at its
 * UIDNEXT: what is already in the mailbox is history, not replies to import.
 */
final class MailboxPoll {

    private static final Logger log = LoggerFactory.getLogger(MailboxPoll.class);

    /** A message our side failed to store this often in a row is skipped, so it cannot block its mailbox. */
    static final int MAX_FAILURES = 3;
    /** Messages read per mailbox and poll; the rest follow at the next poll, so one busy mailbox cannot hog. */
    static final int MAX_MESSAGES_PER_POLL = 200;

    /** The message that failed last in a mailbox, and how often in a row. */
    private record Failure(long uid, int count) {
    }

    private final EmailStore store;
    private final ImapConnector connector;
    private final MailboxPoller.Inbound inbound;
    /** True once the poller is closed: the poll stops before its next message. */
    private final BooleanSupplier stopped;
    private final Map<Long, Failure> failures = new ConcurrentHashMap<>();

    MailboxPoll(EmailStore store, ImapConnector connector, MailboxPoller.Inbound inbound, BooleanSupplier stopped) {
        this.store = store;
        this.stopped = stopped;
        this.connector = connector;
        this.inbound = inbound;
    }

    MailboxPollCounts poll(SmtpIntegration integration)
            throws MessagingException, TokenException, ImapConnector.NotConfiguredException {
        Store mail = connector.connect(integration);
        try {
            Folder folder = mail.getFolder(integration.imap().folder());
            folder.open(Folder.READ_ONLY);
            try {
                return read(integration, folder);
            } finally {
                closeQuietly(folder);
            }
        } finally {
            closeQuietly(mail);
        }
    }

    private MailboxPollCounts read(SmtpIntegration integration, Folder folder) throws MessagingException {
        long integrationId = integration.id();
        UIDFolder uids = (UIDFolder) folder;
        MailboxCursor now = new MailboxCursor(folder.getFullName(), uids.getUIDValidity(), 0);
        MailboxCursor cursor = store.mailboxCursor(integrationId).orElse(null);
        if (cursor == null || !cursor.sameEpoch(now)) {
            MailboxCursor start = new MailboxCursor(now.folder(), now.uidValidity(), highestUid(folder));
            store.saveMailboxCursor(integrationId, cursor, start);
            log.info("mailbox of integration {}: {}; reading {} from after UID {} (UIDVALIDITY {})", integrationId,
                    cursor == null ? "first poll" : "folder or UIDVALIDITY changed since " + cursor,
                    start.folder(), start.lastUid(), start.uidValidity());
            return MailboxPollCounts.polled();
        }
        Message[] messages = uids.getMessagesByUID(cursor.lastUid() + 1, UIDFolder.MAXUID);
        FetchProfile profile = new FetchProfile();
        profile.add(UIDFolder.FetchProfileItem.UID);
        folder.fetch(messages, profile);
        Arrays.sort(messages, Comparator.comparingLong(m -> uid(uids, m)));
        MailboxPollCounts counts = MailboxPollCounts.polled();
        long last = cursor.lastUid();
        for (Message message : messages) {
            long uid = uid(uids, message);
            // A range past the last UID still answers with the last message: skip what the cursor covers.
            if (uid <= last) {
                continue;
            }
            if (counts.messages() == MAX_MESSAGES_PER_POLL || stopped.getAsBoolean()) {
                break;
            }
            InboundResult result = receive(message, integration.accountId());
            counts = counts.with(result.outcome());
            if (result.outcome() == InboundResult.Outcome.FAILED && !giveUp(integrationId, uid, result)) {
                break; // read it again next time; the cursor stays before it
            }
            failures.remove(integrationId);
            last = uid;
            store.saveMailboxCursor(integrationId, cursor, new MailboxCursor(now.folder(), now.uidValidity(), last));
        }
        return counts;
    }

    private InboundResult receive(Message message, long accountId) throws MessagingException {
        InputStream raw;
        try {
            raw = ((IMAPMessage) message).getMimeStream();
        } catch (MessageRemovedException e) {
            return InboundResult.dropped("deleted from the mailbox before it was read");
        }
        try {
            return inbound.receive(raw, accountId);
        } finally {
            try {
                raw.close();
            } catch (IOException e) {
                // The pipeline has read what it needed: its result stands.
                log.debug("closing an IMAP message stream failed", e);
            }
        }
    }

    /** Counts a failure of our side; true when the message has failed too often and is skipped. */
    private boolean giveUp(long integrationId, long uid, InboundResult result) {
        Failure failure = failures.merge(integrationId, new Failure(uid, 1),
                (old, fresh) -> old.uid() == uid ? new Failure(uid, old.count() + 1) : fresh);
        if (failure.count() < MAX_FAILURES) {
            log.warn("mailbox of integration {}: message UID {} not stored ({}), trying again at the next poll",
                    integrationId, uid, result.reason());
            return false;
        }
        log.error("mailbox of integration {}: message UID {} not stored {} times ({}); skipping it", integrationId,
                uid, failure.count(), result.reason());
        return true;
    }

    /** The UID before the next message to arrive: UIDNEXT - 1, or the last message's UID when UIDNEXT is unknown. */
    private static long highestUid(Folder folder) throws MessagingException {
        long next = ((UIDFolder) folder).getUIDNext();
        if (next > 0) {
            return next - 1;
        }
        int count = folder.getMessageCount();
        return count == 0 ? 0 : uid((UIDFolder) folder, folder.getMessage(count));
    }

    private static long uid(UIDFolder folder, Message message) {
        try {
            return folder.getUID(message);
        } catch (MessagingException e) {
            throw new IllegalStateException("no UID for message " + message.getMessageNumber(), e);
        }
    }

    private static void closeQuietly(Folder folder) {
        try {
            if (folder.isOpen()) {
                folder.close(false);
            }
        } catch (MessagingException | RuntimeException e) {
            log.debug("closing IMAP folder {} failed", folder.getFullName(), e);
        }
    }

    private static void closeQuietly(Store store) {
        try {
            store.close();
        } catch (MessagingException | RuntimeException e) {
            log.debug("closing IMAP store failed", e);
        }
    }
}
