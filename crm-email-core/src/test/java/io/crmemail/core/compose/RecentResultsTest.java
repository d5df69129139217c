package io.crmemail.core.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RecentResultsTest {

    @Test
    void aRepeatedInputIsWorkedOutOnce() {
        RecentResults recent = new RecentResults(2, 100);
        AtomicInteger calls = new AtomicInteger();
        for (int i = 0; i < 5; i++) {
            assertThat(recent.apply("<p>hi</p>", s -> calls.incrementAndGet() + ":" + s)).isEqualTo("1:<p>hi</p>");
        }
        assertThat(calls).hasValue(1);
    }

    @Test
    void itKeepsOnlyTheMostRecentEntriesAndNoLargeInputs() {
        RecentResults recent = new RecentResults(2, 10);
        AtomicInteger calls = new AtomicInteger();
        recent.apply("a", s -> s + calls.incrementAndGet());
        recent.apply("b", s -> s + calls.incrementAndGet());
        recent.apply("a", s -> s + calls.incrementAndGet()); // a is now the most recent
        recent.apply("c", s -> s + calls.incrementAndGet()); // evicts b
        assertThat(recent.size()).isEqualTo(2);
        assertThat(recent.apply("a", s -> "again")).isEqualTo("a1");
        assertThat(recent.apply("b", s -> "again")).isEqualTo("again");

        String large = "x".repeat(11);
        recent.apply(large, s -> "once");
        assertThat(recent.apply(large, s -> "twice")).isEqualTo("twice");
    }

    @Test
    void theSanitiserGivesTheSameAnswerFromItsMemory() {
        String dirty = "<p onclick=\"x()\">Hi {{field:name}}</p><script>alert(1)</script>";
        String first = HtmlSanitizer.sanitize(dirty);
        assertThat(HtmlSanitizer.sanitize(new String(dirty.toCharArray()))).isEqualTo(first)
                .doesNotContain("onclick").doesNotContain("script");
    }
}
