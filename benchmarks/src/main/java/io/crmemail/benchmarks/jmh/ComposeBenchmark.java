package io.crmemail.benchmarks.jmh;

import io.crmemail.core.compose.HtmlDocument;
import io.crmemail.core.compose.MergeFields;
import io.crmemail.core.compose.MimeComposer;
import io.crmemail.core.compose.OutgoingEmail;
import io.crmemail.core.message.Mailbox;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Composing one ~2 KB message as the delivery engine does: merge {@code {{field:slug}}} into subject and
 * body, build the HTML document with a pixel, build the MIME message (text alternative derived from the
 * HTML) and write it out as it would go on the wire (to a null stream).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ComposeBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ComposeBenchmark {

    static final String BODY = "<p>Hi {{field:title}},</p>"
            + "<p>Thank you for your interest in our products. Following our call last week I have put together "
            + "the details we discussed for {{field:company}}: the rollout plan, the training sessions for your "
            + "team and the support options that come with the annual plan.</p>"
            + "<ul><li>Rollout in three phases over six weeks</li><li>Two remote training sessions</li>"
            + "<li>Priority support with a four-hour response time</li></ul>"
            + "<p>Could you let me know which of the proposed dates suits you best? I am happy to adjust the "
            + "plan to your calendar.</p><p>Kind regards,<br>Sam from Sales<br>ACME Corp.</p>";
    static final Map<String, Object> VALUES = Map.of("title", "Jane Doe", "company", "Initech & Sons");

    private final MimeComposer composer = new MimeComposer(Session.getInstance(new Properties()), null);

    @Benchmark
    public String merge() {
        return MergeFields.render(BODY, VALUES, true);
    }

    @Benchmark
    public MimeMessage mergeAndBuildMime() throws MessagingException {
        return composer.compose(email());
    }

    @Benchmark
    public void mergeBuildAndWrite(Blackhole bh) throws MessagingException, IOException {
        MimeMessage m = composer.compose(email());
        m.writeTo(OutputStream.nullOutputStream());
        bh.consume(m);
    }

    private static OutgoingEmail email() {
        String subject = MergeFields.renderHeader("Your rollout plan, {{field:title}}", VALUES);
        String html = HtmlDocument.build(MergeFields.render(BODY, VALUES, true), null,
                "https://crm.example/email/pixel/0123456789abcdef0123456789abcdef.png");
        return new OutgoingEmail("<bench.1@acme.com>", new Mailbox("Sales", "sales@acme.com"),
                List.of(new Mailbox("Jane Doe", "lead@example.org")), List.of(),
                List.of(Mailbox.of("reply-0123456789abcdef@reply.crm.example")), subject, html, null, List.of(),
                null, null, Map.of(), Instant.parse("2026-11-21T10:00:00Z"));
    }
}
