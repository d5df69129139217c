package io.crmemail.benchmarks.jmh;

import io.crmemail.core.Caller;
import io.crmemail.core.EmailService;
import io.crmemail.core.SendRequest;
import io.crmemail.core.attachment.FileSystemAttachmentStore;
import io.crmemail.core.inbound.InboundLimits;
import io.crmemail.core.inbound.InboundResult;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.integration.SmtpSecurity;
import io.crmemail.core.record.FieldInfo;
import io.crmemail.core.record.FieldType;
import io.crmemail.core.record.InMemoryRecordDirectory;
import io.crmemail.core.record.TableInfo;
import io.crmemail.core.store.InMemoryEmailStore;
import io.crmemail.core.store.TokenKind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Receiving one ~4 KB reply (text and HTML alternatives, quoted history) through
 * {@link EmailService#receive}: spool, parse, route by reply token, strip the quote, store on the
 * in-memory store. Each invocation has its own Message-ID so none is a duplicate.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar InboundParseBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InboundParseBenchmark {

    private Path dir;
    private EmailService service;
    private String template;
    private long counter;

    @Setup(Level.Iteration)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("crm-email-jmh-inbound");
        InMemoryRecordDirectory records = new InMemoryRecordDirectory()
                .putTable(1, new TableInfo(123, "Leads", "1", List.of(
                        new FieldInfo("title", "Title", FieldType.TEXT),
                        new FieldInfo("email", "Email", FieldType.EMAIL))))
                .putRecord(1, 123, 456, Map.of("title", "Jane Doe", "email", "lead@example.org"));
        InMemoryEmailStore store = new InMemoryEmailStore();
        SmtpIntegration smtp = store.saveIntegration(SmtpIntegration.builder().accountId(1).host("127.0.0.1")
                .port(25).security(SmtpSecurity.NONE).fromDomains("acme.com").build());
        service = EmailService.builder().store(store).records(records)
                .attachments(new FileSystemAttachmentStore(dir.resolve("files"))).replyDomain("reply.crm.example")
                .workers(0).spoolDirectory(dir)
                // The loop guard would drop the 31st message of one sender in an hour.
                .inboundLimits(new InboundLimits(50L << 20, 256 << 10, 500, 10, Integer.MAX_VALUE))
                .build();
        long id = service.send(new Caller(1, 42), SendRequest.builder().record(123, 456).integration(smtp.id())
                .from("Sales", "sales@acme.com").to("lead@example.org").subject("Hello").body("<p>Hi</p>")
                .build()).id();
        String token = store.tokens(id).stream().filter(t -> t.kind() == TokenKind.REPLY).findFirst()
                .orElseThrow().token();
        template = reply("reply-" + token + "@reply.crm.example");
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws IOException {
        service.close();
        io.crmemail.benchmarks.BenchFiles.deleteTree(dir);
    }

    @Benchmark
    public InboundResult receiveReply() {
        String raw = template.replace("MSGID", Long.toString(++counter));
        InboundResult r = service.receive(new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
        if (r.outcome() != InboundResult.Outcome.STORED) {
            throw new IllegalStateException(r.toString());
        }
        return r;
    }

    static String reply(String to) {
        String quote = "> Thank you for your interest in our products. Following our call last week I have\r\n"
                .repeat(12);
        return "From: Jane Doe <lead@example.org>\r\nTo: " + to + "\r\nSubject: Re: Hello\r\n"
                + "Message-ID: <reply-MSGID@example.org>\r\nDate: Sat, 21 Nov 2026 10:00:00 +0000\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n"
                + "--alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable"
                + "\r\n\r\nSounds good, Tuesday works for us. Could you send the training agenda?\r\n\r\n"
                + "On Mon, Nov 16, 2026 at 9:00 AM Sales <sales@acme.com> wrote:\r\n" + quote
                + "--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
                + "<html><body><p>Sounds good, Tuesday works for us. Could you send the training agenda?</p>"
                + "<div class=\"gmail_quote\"><blockquote>" + quote.replace("> ", "") + "</blockquote></div>"
                + "</body></html>\r\n--alt--\r\n";
    }
}
