package io.crmemail.core.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MailboxTest {

    @Test
    void parsesBareAndNamedAddresses() {
        assertThat(Mailbox.parse("lead@example.org")).isEqualTo(new Mailbox(null, "lead@example.org"));
        assertThat(Mailbox.parse("  Jane Doe <jane@example.org> ")).isEqualTo(new Mailbox("Jane Doe", "jane@example.org"));
        assertThat(Mailbox.parse("\"Doe, Jane\" <jane@example.org>")).isEqualTo(new Mailbox("Doe, Jane", "jane@example.org"));
        assertThat(Mailbox.parse("=?UTF-8?Q?J=C3=BCrgen?= <j@example.org>").name()).isEqualTo("Jürgen");
        assertThat(Mailbox.parse("Jane@Example.ORG").domain()).isEqualTo("example.org");
    }

    @Test
    void refusesWhatIsNotExactlyOneValidAddress() {
        for (String bad : new String[] {"", "  ", "nope", "a@", "@b.c", "a@b.c, d@e.f", "Group: a@b.c;",
                "a@b.c\r\nBcc: x@y.z", "a b@c.d", "<>"}) {
            assertThatThrownBy(() -> Mailbox.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> Mailbox.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void printsTheRfc5322Form() {
        assertThat(new Mailbox("Doe, Jane", "jane@example.org").toString()).isEqualTo("\"Doe, Jane\" <jane@example.org>");
        assertThat(new Mailbox(null, "jane@example.org").toString()).isEqualTo("jane@example.org");
        assertThat(new Mailbox("Grüße", "g@example.org").toInternetAddress().toString()).startsWith("=?UTF-8?");
    }
}
