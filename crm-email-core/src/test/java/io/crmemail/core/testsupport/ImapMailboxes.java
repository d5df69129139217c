package io.crmemail.core.testsupport;

import com.icegreen.greenmail.base.GreenMailOperations;
import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.user.GreenMailUser;
import io.crmemail.core.integration.ImapSettings;
import io.crmemail.core.integration.SmtpSecurity;
import jakarta.mail.Flags;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.Properties;

/**
 * Mailboxes on a GreenMail IMAP server for polling tests: settings pointing at a user's folder, and messages put
 * straight into a folder (as a provider's own delivery would, never through our catch domain).
 */
public final class ImapMailboxes {

    private final GreenMailOperations greenMail;

    public ImapMailboxes(GreenMailOperations greenMail) {
        this.greenMail = greenMail;
    }

    /** Plain IMAP on loopback, polling every second. */
    public ImapSettings settings(String username, String password, String folder) {
        return new ImapSettings("127.0.0.1", greenMail.getImap().getPort(), SmtpSecurity.NONE, username, password,
                folder, Duration.ofSeconds(1));
    }

    public GreenMailUser user(String email, String password) {
        return greenMail.setUser(email, email, password);
    }

    /** Puts a raw message (CRLF lines) into the user's folder, creating the folder when needed. */
    public void put(GreenMailUser user, String folder, String raw) {
        try {
            ImapHostManager host = greenMail.getManagers().getImapHostManager();
            MailFolder target = host.getFolder(user, folder);
            if (target == null) {
                target = host.createMailbox(user, folder);
            }
            target.appendMessage(parse(raw), new Flags(), new Date());
        } catch (Exception e) {
            throw new IllegalStateException("cannot put a message into " + folder, e);
        }
    }

    /** Deletes the user's folder and creates it again: a new UIDVALIDITY, UIDs from 1. */
    public void recreate(GreenMailUser user, String folder) {
        try {
            ImapHostManager host = greenMail.getManagers().getImapHostManager();
            long before = host.getFolder(user, folder).getUidValidity();
            host.deleteMailbox(user, folder);
            // GreenMail's UIDVALIDITY is the creation second: wait for the next one so it differs.
            while (System.currentTimeMillis() / 1000 <= before) {
                Thread.sleep(20);
            }
            host.createMailbox(user, folder);
        } catch (Exception e) {
            throw new IllegalStateException("cannot recreate " + folder, e);
        }
    }

    /** A reply from the lead that carries no reply token, only In-Reply-To. */
    public static String reply(String messageId, String inReplyTo, String text) {
        return "From: Jane Doe <lead@example.org>\r\nTo: Sales <sales@acme.com>\r\nSubject: Re: Welcome\r\n"
                + "Date: Wed, 18 Mar 2026 11:00:00 +0000\r\nMessage-ID: " + messageId + "\r\n"
                + "In-Reply-To: " + inReplyTo + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
                + text + "\r\n";
    }

    private static MimeMessage parse(String raw) throws MessagingException {
        return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
    }
}
