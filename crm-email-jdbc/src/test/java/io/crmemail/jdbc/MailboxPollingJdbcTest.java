package io.crmemail.jdbc;

import static io.crmemail.core.testsupport.ImapMailboxes.reply;
import static io.crmemail.core.testsupport.TestWorld.CALLER;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.crmemail.core.EmailService;
import io.crmemail.core.mailbox.MailboxPollCounts;
import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.store.EmailStore;
import io.crmemail.core.testsupport.ImapMailboxes;
import io.crmemail.core.testsupport.TestWorld;
import java.nio.file.Path;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Where IMAP polling stands is kept in the database: a restarted service goes on where the last one stopped. */
class MailboxPollingJdbcTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetup.dynamicPort(ServerSetupTest.SMTP_IMAP));

    @TempDir
    Path temp;

    private JdbcEmailStore openStore() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + temp.resolve("crm").toAbsolutePath());
        dataSource.setUser("sa");
        JdbcEmailStore store = JdbcEmailStore.builder(dataSource).credentialKey(TestDatabase.KEY).build();
        store.migrate();
        return store;
    }

    private static List<String> replies(EmailStore store) {
        return store.listForRecord(TestWorld.ACCOUNT, new RecordRef(TestWorld.TABLE, TestWorld.RECORD)).stream()
                .filter(m -> m.type() == CommentType.EMAIL_IN).map(m -> m.metadata().messageId()).toList();
    }

    @Test
    void theCursorSurvivesANewServiceOverTheSameDatabase() {
        ImapMailboxes mailboxes = new ImapMailboxes(greenMail);
        GreenMailUser sales = mailboxes.user("sales@acme.com", "secret");
        TestWorld world = new TestWorld(temp, greenMail.getSmtp().getPort(), openStore());
        world.integration = world.store.saveIntegration(world.integration.toBuilder()
                .imap(mailboxes.settings("sales@acme.com", "secret", null)).build());
        String originalId;
        try (EmailService first = world.serviceBuilder().spoolDirectory(temp).build()) {
            EmailMessage original = first.send(CALLER, world.request().build()).comment();
            assertThat(first.deliverDue()).isEqualTo(1);
            originalId = original.metadata().messageId();
            first.pollMailboxes();
            mailboxes.put(sales, "INBOX", reply("<r1@example.org>", originalId, "before the restart"));
            assertThat(first.pollMailboxes().stored()).isEqualTo(1);
        }
        // Arrives while no node runs. Had the cursor been lost, the next poll would be a first poll and skip it.
        mailboxes.put(sales, "INBOX", reply("<r2@example.org>", originalId, "during the restart"));

        JdbcEmailStore reopened = openStore();
        try (EmailService second = world.serviceBuilder().store(reopened).spoolDirectory(temp).build()) {
            assertThat(second.pollMailboxes()).isEqualTo(new MailboxPollCounts(1, 0, 1, 1, 0, 0, 0, 0));
            assertThat(second.pollMailboxes().messages()).isZero();
        }
        assertThat(replies(reopened)).containsExactly("<r1@example.org>", "<r2@example.org>");
    }
}
