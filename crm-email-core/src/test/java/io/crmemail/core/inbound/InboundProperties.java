package io.crmemail.core.inbound;

import static io.crmemail.core.testsupport.TestWorld.CALLER;
import static org.assertj.core.api.Assertions.assertThat;

import io.crmemail.core.EmailService;
import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.store.TokenKind;
import io.crmemail.core.store.TrackingToken;
import io.crmemail.core.testsupport.TestWorld;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Thousands of mutated real-world-shaped messages: no exception escapes {@code receive}, and what is
 * stored is whole — every stored message is on the timeline and every attachment file belongs to one.
 */
class InboundProperties {

    private static final List<String> CORPUS = List.of("gmail-reply.eml", "outlook-reply.eml",
            "apple-reply-attachment.eml", "thunderbird-reply.eml", "broken-encoding.eml", "auto-reply.eml",
            "bounce-postfix-dsn.eml", "bounce-exchange-dsn.eml", "bounce-exim-nonstandard.eml", "related-forward.eml");

    /** One change to a message: where (as a fraction of its length), what kind, and which byte. */
    record Mutation(double at, int kind, byte value) {
    }

    private Path temp;
    private TestWorld world;
    private EmailService service;
    private EmailMessage original;
    private String token;
    private final AtomicInteger stored = new AtomicInteger();
    private final AtomicInteger sequence = new AtomicInteger();

    @BeforeProperty
    void setUp() throws IOException {
        temp = Files.createTempDirectory("crm-email-props");
        world = new TestWorld(temp, 2525);
        service = world.serviceBuilder().spoolDirectory(temp).build();
        original = service.send(CALLER, world.request().build()).comment();
        token = world.store.tokens(original.id()).stream().filter(t -> t.kind() == TokenKind.REPLY)
                .map(TrackingToken::token).findFirst().orElseThrow();
    }

    @AfterProperty
    void tearDown() throws IOException {
        service.close();
        try (Stream<Path> files = Files.walk(temp)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Provide
    Arbitrary<Mutation> mutations() {
        return Combinators.combine(Arbitraries.doubles().between(0, 1), Arbitraries.integers().between(0, 3),
                Arbitraries.bytes()).as(Mutation::new);
    }

    @Property(tries = 1500)
    void noExceptionEscapesAndNothingIsHalfStored(
            @ForAll("corpusName") String name,
            @ForAll("mutationLists") List<Mutation> mutations) throws IOException {
        byte[] raw = mutate(corpus(name), mutations);
        // A first Message-ID of its own keeps every try unique, so a stored one is never a duplicate.
        byte[] head = ("Message-ID: <prop-" + sequence.incrementAndGet() + "@test>\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] message = new byte[head.length + raw.length];
        System.arraycopy(head, 0, message, 0, head.length);
        System.arraycopy(raw, 0, message, head.length, raw.length);

        InboundResult result = service.receive(new ByteArrayInputStream(message));

        assertThat(result).isNotNull();
        assertThat(result.outcome()).isNotNull();
        if (result.outcome() == InboundResult.Outcome.STORED) {
            stored.incrementAndGet();
        }
        List<EmailMessage> inbound = world.store.listForRecord(TestWorld.ACCOUNT,
                new RecordRef(TestWorld.TABLE, TestWorld.RECORD)).stream()
                .filter(m -> m.type() == CommentType.EMAIL_IN).toList();
        assertThat(inbound).hasSize(stored.get());
        long referenced = inbound.stream().mapToLong(m -> m.metadata().attachments().size()).sum();
        try (Stream<Path> files = Files.list(world.attachments.root())) {
            assertThat(files.filter(p -> p.getFileName().toString().contains("-in-")).count()).isEqualTo(referenced);
        }
    }

    @Provide
    Arbitrary<String> corpusName() {
        return Arbitraries.of(CORPUS);
    }

    @Provide
    Arbitrary<List<Mutation>> mutationLists() {
        return mutations().list().ofMinSize(0).ofMaxSize(12);
    }

    private static byte[] mutate(byte[] raw, List<Mutation> mutations) {
        byte[] out = raw;
        for (Mutation m : mutations) {
            int at = (int) Math.min(out.length - 1, Math.floor(m.at() * out.length));
            switch (m.kind()) {
                case 0 -> out[at] = m.value();
                case 1 -> out = java.util.Arrays.copyOf(out, Math.max(1, at));
                case 2 -> out[at] = (byte) "\r\n:;<>=\"-".charAt(Math.floorMod(m.value(), 9));
                default -> {
                    // Duplicate a slice: repeated boundaries and headers are a classic parser trap.
                    int len = Math.min(64, out.length - at);
                    byte[] grown = new byte[out.length + len];
                    System.arraycopy(out, 0, grown, 0, at + len);
                    System.arraycopy(out, at, grown, at + len, out.length - at);
                    out = grown;
                }
            }
        }
        return out;
    }

    private byte[] corpus(String name) {
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("/inbound/" + name), name)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)
                    .replace("{{TOKEN}}", token).replace("{{MESSAGE_ID}}", original.metadata().messageId())
                    .getBytes(StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
