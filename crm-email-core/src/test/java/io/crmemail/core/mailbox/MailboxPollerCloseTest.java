package io.crmemail.core.mailbox;

import static io.crmemail.core.testsupport.ImapMailboxes.reply;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.crmemail.core.inbound.InboundResult;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.store.MailboxCursor;
import io.crmemail.core.testsupport.ImapMailboxes;
import io.crmemail.core.testsupport.TestWorld;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Closing the poller stops a poll in progress: no further mailbox or message is read after close(). */
class MailboxPollerCloseTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetup.dynamicPort(ServerSetupTest.SMTP_IMAP));

    @TempDir
    Path temp;

    final ImapMailboxes mailboxes = new ImapMailboxes(greenMail);
    TestWorld world;
    GreenMailUser sales;
    GreenMailUser support;
    SmtpIntegration second;

    @BeforeEach
    void setUp() {
        world = new TestWorld(temp, greenMail.getSmtp().getPort());
        sales = mailboxes.user("sales@acme.com", "secret");
        support = mailboxes.user("support@acme.com", "s3cret");
        world.integration = world.store.saveIntegration(world.integration.toBuilder()
                .imap(mailboxes.settings("sales@acme.com", "secret", null)).build());
        second = world.store.saveIntegration(world.integration.toBuilder().id(0)
                .imap(mailboxes.settings("support@acme.com", "s3cret", null)).build());
        // The first poll only notes where each mailbox stands.
        new MailboxPoller(world.store, null, (in, account) -> InboundResult.dropped("unused")).pollAll();
    }

    @Test
    void closingDuringAPollStopsBeforeTheNextMessageAndTheNextMailbox() {
        for (int i = 1; i <= 2; i++) {
            mailboxes.put(sales, "INBOX", reply("<s" + i + "@example.org>", "<x@acme.com>", "to sales " + i));
            mailboxes.put(support, "INBOX", reply("<p" + i + "@example.org>", "<x@acme.com>", "to support " + i));
        }
        long salesBefore = world.store.mailboxCursor(world.integration.id()).orElseThrow().lastUid();
        MailboxCursor supportBefore = world.store.mailboxCursor(second.id()).orElseThrow();
        AtomicReference<MailboxPoller> poller = new AtomicReference<>();
        List<Long> accounts = new ArrayList<>();
        poller.set(new MailboxPoller(world.store, null, (in, account) -> {
            accounts.add(account);
            poller.get().close(); // the host shuts down while the first message is handled
            return InboundResult.dropped("test");
        }));

        MailboxPollCounts counts = poller.get().pollAll();

        assertThat(counts.messages()).isEqualTo(1);
        assertThat(accounts).containsExactly(TestWorld.ACCOUNT);
        // The handled message is behind the cursor; the rest are read by the next poller.
        assertThat(world.store.mailboxCursor(world.integration.id()).orElseThrow().lastUid())
                .isEqualTo(salesBefore + 1);
        assertThat(world.store.mailboxCursor(second.id())).contains(supportBefore);
    }

    @Test
    void aPollStillBusyWhenTheCloseWaitRunsOutIsInterrupted() throws Exception {
        mailboxes.put(sales, "INBOX", reply("<s1@example.org>", "<x@acme.com>", "slow"));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        MailboxPoller poller = new MailboxPoller(world.store, null, (in, account) -> {
            entered.countDown();
            try {
                Thread.sleep(60_000); // a pipeline stuck on a slow store or disk
            } catch (InterruptedException e) {
                interrupted.countDown();
                Thread.currentThread().interrupt();
            }
            return InboundResult.failed("interrupted");
        }, Duration.ofMillis(100));
        poller.start();
        assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();

        poller.close();

        assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
    }
}
