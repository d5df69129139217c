package io.crmemail.core.mailbox;

import static io.crmemail.core.testsupport.ImapMailboxes.reply;
import static io.crmemail.core.testsupport.TestWorld.CALLER;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.crmemail.core.EmailService;
import io.crmemail.core.inbound.InboundLimits;
import io.crmemail.core.inbound.InboundResult;
import io.crmemail.core.integration.ImapSettings;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.MailboxCursor;
import io.crmemail.core.store.TokenKind;
import io.crmemail.core.testsupport.FailingStore;
import io.crmemail.core.testsupport.ImapMailboxes;
import io.crmemail.core.testsupport.TestWorld;
import java.io.ByteArrayInputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replies that reach the sender's own mailbox (never our catch domain) are read over IMAP from GreenMail and land on
 * the record, threaded by In-Reply-To alone.
 */
class MailboxPollingTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetup.dynamicPort(ServerSetupTest.SMTP_IMAP));

    @TempDir
    Path temp;

    final ImapMailboxes mailboxes = new ImapMailboxes(greenMail);
    final List<EmailService> services = new ArrayList<>();
    TestWorld world;
    GreenMailUser sales;
    EmailService service;
    EmailMessage original;

    @BeforeEach
    void setUp() {
        world = new TestWorld(temp, greenMail.getSmtp().getPort());
        sales = mailboxes.user("sales@acme.com", "secret");
        world.integration = world.store.saveIntegration(world.integration.toBuilder()
                .imap(mailboxes.settings("sales@acme.com", "secret", null)).build());
        service = service(world.serviceBuilder());
        original = service.send(CALLER, world.request().build()).comment();
        assertThat(service.deliverDue()).isEqualTo(1);
        original = service.get(CALLER, original.id());
    }

    @AfterEach
    void tearDown() {
        services.forEach(EmailService::close);
    }

    private EmailService service(EmailService.Builder builder) {
        EmailService s = builder.spoolDirectory(temp).build();
        services.add(s);
        return s;
    }

    private String originalId() {
        return original.metadata().messageId();
    }

    private List<EmailMessage> replies() {
        return world.store.listForRecord(TestWorld.ACCOUNT, new RecordRef(TestWorld.TABLE, TestWorld.RECORD)).stream()
                .filter(m -> m.type() == CommentType.EMAIL_IN).toList();
    }

    private static MailboxPollCounts counts(int mailboxes, int errors, int messages, int stored, int duplicates,
                                            int dropped, int failed) {
        return new MailboxPollCounts(mailboxes, errors, messages, stored, duplicates, 0, dropped, failed);
    }

    @Test
    void aReplyPutIntoTheMailboxLandsOnTheRecordAndIsReadOnce() {
        // What the mailbox held before it was first polled is history: not imported, even when it is a reply.
        mailboxes.put(sales, "INBOX", reply("<old@example.org>", originalId(), "An older answer"));
        assertThat(service.pollMailboxes()).isEqualTo(counts(1, 0, 0, 0, 0, 0, 0));
        assertThat(world.store.mailboxCursor(world.integration.id())).map(MailboxCursor::lastUid).contains(1L);

        mailboxes.put(sales, "INBOX", reply("<r1@example.org>", originalId(), "Yes, please call me."));
        assertThat(service.pollMailboxes()).isEqualTo(counts(1, 0, 1, 1, 0, 0, 0));

        assertThat(replies()).singleElement().satisfies(reply -> {
            assertThat(reply.parentId()).isEqualTo(original.id());
            assertThat(reply.metadata().messageId()).isEqualTo("<r1@example.org>");
            assertThat(reply.metadata().replyText()).isEqualTo("Yes, please call me.");
        });
        assertThat(service.get(CALLER, original.id()).metadata().repliedAt()).isNotNull();
        assertThat(service.pollMailboxes()).isEqualTo(counts(1, 0, 0, 0, 0, 0, 0));
        assertThat(replies()).hasSize(1);
        // Read-only: the user's mailbox is left as it was, nothing marked seen or removed.
        assertThat(greenMail.getReceivedMessagesForDomain("sales@acme.com")).hasSize(2);
    }

    @Test
    void unrelatedMailAndCopiesOfOurOwnMessagesAreNotAttachedAnywhere() {
        service.pollMailboxes();
        mailboxes.put(sales, "INBOX", "From: news@shop.example\r\nTo: sales@acme.com\r\nSubject: Sale!\r\n"
                + "Message-ID: <news@shop.example>\r\n\r\n50% off\r\n");
        EmailMessage followUp = service.send(CALLER, world.request().subject("Following up").build()).comment();
        mailboxes.put(sales, "INBOX", "From: Sales <sales@acme.com>\r\nTo: lead@example.org\r\nCc: sales@acme.com\r\n"
                + "Subject: Following up\r\nMessage-ID: " + followUp.metadata().messageId() + "\r\n"
                + "In-Reply-To: " + originalId() + "\r\n\r\nJust checking in\r\n");
        mailboxes.put(sales, "INBOX", reply("<r2@example.org>", originalId(), "Thanks!"));

        assertThat(service.pollMailboxes()).isEqualTo(counts(1, 0, 3, 1, 0, 2, 0));

        assertThat(replies()).extracting(m -> m.metadata().messageId()).containsExactly("<r2@example.org>");
        assertThat(world.store.findByMessageId("<news@shop.example>")).isEmpty();
    }

    @Test
    void aNewUidValidityStartsOverAtTheFoldersNextUid() {
        String folder = "Replies";
        mailboxes.put(sales, folder, reply("<before@example.org>", originalId(), "history"));
        world.integration = service.saveIntegration(world.integration.toBuilder()
                .imap(mailboxes.settings("sales@acme.com", "secret", folder)).build());
        service.pollMailboxes();
        mailboxes.put(sales, folder, reply("<r1@example.org>", originalId(), "first"));
        mailboxes.put(sales, folder, reply("<r2@example.org>", originalId(), "second"));
        assertThat(service.pollMailboxes().stored()).isEqualTo(2);
        MailboxCursor before = world.store.mailboxCursor(world.integration.id()).orElseThrow();
        assertThat(before).isEqualTo(new MailboxCursor(folder, before.uidValidity(), 3));

        // The folder is rebuilt (a migration, a restore): its UIDs start at 1 again and mean other messages.
        mailboxes.recreate(sales, folder);
        mailboxes.put(sales, folder, reply("<restored@example.org>", originalId(), "restored history"));
        assertThat(service.pollMailboxes()).isEqualTo(counts(1, 0, 0, 0, 0, 0, 0));
        MailboxCursor after = world.store.mailboxCursor(world.integration.id()).orElseThrow();
        assertThat(after.uidValidity()).isNotEqualTo(before.uidValidity());
        assertThat(after.lastUid()).isEqualTo(1);

        // UID 2 is below the old cursor's 3: a poller ignoring UIDVALIDITY would miss it.
        mailboxes.put(sales, folder, reply("<r3@example.org>", originalId(), "third"));
        assertThat(service.pollMailboxes()).isEqualTo(counts(1, 0, 1, 1, 0, 0, 0));
        assertThat(replies()).extracting(m -> m.metadata().messageId())
                .containsExactly("<r1@example.org>", "<r2@example.org>", "<r3@example.org>");
    }

    @Test
    void aPolledMailboxOfAnotherAccountNeverFilesRepliesOrBouncesOnThisAccountsMessages() {
        // Dave works for account 2; his mailbox is polled. Carol answers him, keeping a reference to account 1's
        // message, and cc's account 1's reply address; a bounce of account 1's message also lands with him.
        long otherAccount = TestWorld.ACCOUNT + 1;
        GreenMailUser dave = mailboxes.user("dave@other.example", "d4ve");
        world.store.saveIntegration(world.integration.toBuilder().id(0).accountId(otherAccount)
                .imap(mailboxes.settings("dave@other.example", "d4ve", null)).build());
        String token = world.store.tokens(original.id()).stream().filter(t -> t.kind() == TokenKind.REPLY)
                .findFirst().orElseThrow().token();
        service.pollMailboxes();
        mailboxes.put(dave, "INBOX", "From: Carol <carol@example.org>\r\nTo: Dave <dave@other.example>\r\n"
                + "Subject: Lunch?\r\nMessage-ID: <private@example.org>\r\nReferences: " + originalId()
                + "\r\n\r\nJust between us.\r\n");
        mailboxes.put(dave, "INBOX", "From: Carol <carol@example.org>\r\nTo: Dave <dave@other.example>\r\n"
                + "Cc: reply-" + token + "@" + TestWorld.REPLY_DOMAIN + "\r\nSubject: Intro\r\n"
                + "Message-ID: <private2@example.org>\r\n\r\nMeet Dave.\r\n");
        mailboxes.put(dave, "INBOX", "From: MAILER-DAEMON@mx.other.example\r\nTo: dave@other.example\r\n"
                + "Subject: Undelivered\r\nMIME-Version: 1.0\r\nMessage-ID: <dsn@mx.other.example>\r\n"
                + "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
                + "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.other.example\r\n\r\n"
                + "Final-Recipient: rfc822; lead@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
                + "--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: " + originalId() + "\r\n"
                + "From: Sales <sales@acme.com>\r\nTo: lead@example.org\r\n\r\n--b--\r\n");

        assertThat(service.pollMailboxes()).isEqualTo(counts(2, 0, 3, 0, 0, 3, 0));

        assertThat(replies()).isEmpty();
        EmailMessage untouched = service.get(CALLER, original.id());
        assertThat(untouched.metadata().repliedAt()).isNull();
        assertThat(untouched.metadata().bouncedAt()).isNull();
        assertThat(service.suppressions(CALLER)).isEmpty();
        assertThat(service.inboundCounts().dropped()).isEqualTo(3);

        // The same mail through the catch-domain webhook still routes across accounts, as before.
        assertThat(service.receive(new ByteArrayInputStream(("From: Carol <carol@example.org>\r\n"
                + "To: Dave <dave@other.example>\r\nSubject: Lunch?\r\nMessage-ID: <private@example.org>\r\n"
                + "References: " + originalId() + "\r\n\r\nJust between us.\r\n")
                .getBytes(StandardCharsets.US_ASCII))).outcome()).isEqualTo(InboundResult.Outcome.STORED);
    }

    @Test
    void aMailboxThatRefusesTheLoginIsCountedAndTheOthersArePolled() {
        SmtpIntegration wrong = service.saveIntegration(world.integration.toBuilder().id(0)
                .imap(mailboxes.settings("sales@acme.com", "wrong", null)).build());
        GreenMailUser support = mailboxes.user("support@acme.com", "s3cret");
        SmtpIntegration other = service.saveIntegration(world.integration.toBuilder().id(0)
                .imap(mailboxes.settings("support@acme.com", "s3cret", null)).build());
        assertThat(wrong.id()).isBetween(world.integration.id(), other.id());
        service.pollMailboxes();
        mailboxes.put(sales, "INBOX", reply("<r1@example.org>", originalId(), "to sales"));
        mailboxes.put(support, "INBOX", reply("<r2@example.org>", originalId(), "to support"));

        assertThat(service.pollMailboxes()).isEqualTo(counts(3, 1, 2, 2, 0, 0, 0));

        assertThat(world.store.mailboxCursor(wrong.id())).isEmpty();
        assertThat(replies()).hasSize(2);
    }

    @Test
    void anOAuthMailboxLogsInWithItsAccessTokenAndRefreshesARefusedOne() {
        // GreenMail's IMAP offers no AUTHENTICATE, so Angus falls back from XOAUTH2 to LOGIN with the token as
        // password; the XOAUTH2 exchange itself is covered by ImapXoauth2Test.
        GreenMailUser ana = mailboxes.user("ana@acme.com", "fresh-token");
        SmtpIntegration oauth = world.store.saveIntegration(world.integration.toBuilder().id(0)
                .imap(mailboxes.settings("ana@acme.com", null, null)).build());
        List<Boolean> forced = new ArrayList<>();
        TokenProvider tokens = (mailbox, forceRefresh) -> {
            assertThat(mailbox.id()).isEqualTo(oauth.id());
            forced.add(forceRefresh);
            return forceRefresh ? "fresh-token" : "cached-revoked-token";
        };
        EmailService withTokens = service(world.serviceBuilder().tokenProvider(tokens));
        withTokens.pollMailboxes();
        mailboxes.put(ana, "INBOX", reply("<r1@example.org>", originalId(), "via oauth"));

        assertThat(withTokens.pollMailboxes()).isEqualTo(counts(2, 0, 1, 1, 0, 0, 0));
        assertThat(forced).containsExactly(false, true, false, true);

        // Without a token provider the OAuth mailbox cannot be read; the password one still is.
        assertThat(service.pollMailboxes()).isEqualTo(counts(2, 1, 0, 0, 0, 0, 0));
    }

    @Test
    void aSecondNodeReadingTheSameMessageFindsItStoredAlready() {
        service.pollMailboxes();
        MailboxCursor seen = world.store.mailboxCursor(world.integration.id()).orElseThrow();
        mailboxes.put(sales, "INBOX", reply("<r1@example.org>", originalId(), "once"));
        // The other node read the cursor before this one advanced it, and polls right after.
        EmailService otherNode = service(world.serviceBuilder().store(staleCursor(world.store, seen)));

        assertThat(service.pollMailboxes().stored()).isEqualTo(1);
        assertThat(otherNode.pollMailboxes()).isEqualTo(counts(1, 0, 1, 0, 1, 0, 0));
        assertThat(replies()).hasSize(1);
        assertThat(world.store.mailboxCursor(world.integration.id())).contains(new MailboxCursor("INBOX",
                seen.uidValidity(), seen.lastUid() + 1));
    }

    @Test
    void aMessageOurSideCannotStoreIsTriedAgainThenSkipped() {
        AtomicBoolean down = new AtomicBoolean();
        EmailService flaky = service(world.serviceBuilder()
                .store(FailingStore.failing(world.store, down, "storeInbound")));
        flaky.pollMailboxes();
        mailboxes.put(sales, "INBOX", reply("<r1@example.org>", originalId(), "stuck"));
        down.set(true);

        for (int attempt = 1; attempt < MailboxPoll.MAX_FAILURES; attempt++) {
            assertThat(flaky.pollMailboxes()).isEqualTo(counts(1, 0, 1, 0, 0, 0, 1));
        }
        long cursor = world.store.mailboxCursor(world.integration.id()).orElseThrow().lastUid();
        assertThat(flaky.pollMailboxes()).isEqualTo(counts(1, 0, 1, 0, 0, 0, 1));
        assertThat(world.store.mailboxCursor(world.integration.id()).orElseThrow().lastUid()).isEqualTo(cursor + 1);

        down.set(false);
        mailboxes.put(sales, "INBOX", reply("<r2@example.org>", originalId(), "next"));
        assertThat(flaky.pollMailboxes()).isEqualTo(counts(1, 0, 1, 1, 0, 0, 0));
        assertThat(replies()).extracting(m -> m.metadata().messageId()).containsExactly("<r2@example.org>");
    }

    @Test
    void aMessageTheInboundPipelineRefusesDoesNotBlockTheMailbox() {
        EmailService small = service(world.serviceBuilder()
                .inboundLimits(new InboundLimits(2_000, 1_000, 10, 5, 30)));
        small.pollMailboxes();
        mailboxes.put(sales, "INBOX", reply("<huge@example.org>", originalId(), "x".repeat(5_000)));
        mailboxes.put(sales, "INBOX", reply("<r1@example.org>", originalId(), "small"));

        assertThat(small.pollMailboxes()).isEqualTo(counts(1, 0, 2, 1, 0, 1, 0));
        assertThat(replies()).extracting(m -> m.metadata().messageId()).containsExactly("<r1@example.org>");
    }

    @Test
    void aStartedServicePollsOnItsOwnUntilClosed() throws Exception {
        EmailService started = service(world.serviceBuilder()).start();
        awaitCursor();
        mailboxes.put(sales, "INBOX", reply("<r1@example.org>", originalId(), "background"));
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (replies().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(replies()).hasSize(1);

        started.close();
        mailboxes.put(sales, "INBOX", reply("<r2@example.org>", originalId(), "after close"));
        Thread.sleep(1_500); // longer than the mailbox's poll interval
        assertThat(replies()).hasSize(1);
    }

    @Test
    void pollingCanBeSwitchedOff() throws Exception {
        service(world.serviceBuilder().mailboxPolling(false)).start();
        Thread.sleep(1_500);
        assertThat(world.store.mailboxCursor(world.integration.id())).isEmpty();
    }

    private void awaitCursor() throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (world.store.mailboxCursor(world.integration.id()).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(world.store.mailboxCursor(world.integration.id())).isPresent();
    }

    /** The store as a node sees it that read the cursor before another node advanced it. */
    private static EmailStore staleCursor(EmailStore delegate, MailboxCursor stale) {
        return (EmailStore) Proxy.newProxyInstance(EmailStore.class.getClassLoader(), new Class<?>[] {EmailStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("mailboxCursor")) {
                        return Optional.of(stale);
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
