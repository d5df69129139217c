package io.crmemail.core.store;

import java.util.Objects;

/**
 * How far the poller has read a mailbox folder over IMAP: the folder, its UIDVALIDITY and the last UID handed to
 * the inbound pipeline. UIDs only mean something together with the folder and UIDVALIDITY they were read under.
 *
 * @param folder      the IMAP folder read, e.g. {@code INBOX}
 * @param uidValidity the folder's UIDVALIDITY when the UIDs were read
 * @param lastUid     the highest UID already handled (0 for none)
 */
public record MailboxCursor(String folder, long uidValidity, long lastUid) {

    public MailboxCursor {
        Objects.requireNonNull(folder, "folder");
        if (uidValidity < 0 || lastUid < 0) {
            throw new IllegalArgumentException("uidValidity and lastUid must not be negative");
        }
    }

    /** True when {@code other} reads the same folder under the same UIDVALIDITY, so its UIDs compare with ours. */
    public boolean sameEpoch(MailboxCursor other) {
        return folder.equals(other.folder) && uidValidity == other.uidValidity;
    }
}
