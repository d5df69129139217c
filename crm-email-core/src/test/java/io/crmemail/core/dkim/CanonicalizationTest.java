package io.crmemail.core.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Relaxed canonicalisation against RFC 6376 §3.4.5's example and the rules' edges. */
class CanonicalizationTest {

    /** RFC 6376 §3.4.5, with its &lt;SP&gt; and &lt;HTAB&gt; written out. */
    static final String EXAMPLE = "A: X \r\n"
            + "B : Y\t\r\n"
            + "\tZ  \r\n"
            + "\r\n"
            + " C \r\n"
            + "D \t E\r\n"
            + "\r\n"
            + "\r\n";

    @Test
    void headersOfTheRfcExample() {
        String headerBlock = EXAMPLE.substring(0, EXAMPLE.indexOf("\r\n\r\n") + 2);
        List<String> fields = WrittenMessage.fields(headerBlock);

        assertThat(fields).containsExactly("A: X ", "B : Y\t\r\n\tZ  ");
        assertThat(fields.stream().map(RelaxedHeader::canonicalize)).containsExactly("a:X", "b:Y Z");
    }

    @Test
    void bodyOfTheRfcExample() throws IOException {
        String body = EXAMPLE.substring(EXAMPLE.indexOf("\r\n\r\n") + 4);

        assertThat(relaxed(body)).isEqualTo(" C\r\nD E\r\n");
    }

    @Test
    void trailingEmptyAndBlankLinesGoAndALastLineGetsItsLineEnd() throws IOException {
        assertThat(relaxed("")).isEmpty();
        assertThat(relaxed("\r\n\r\n")).isEmpty();
        assertThat(relaxed("a\r\n \t\r\n\r\n")).isEqualTo("a\r\n");
        assertThat(relaxed("a\r\n\r\nb")).isEqualTo("a\r\n\r\nb\r\n");
        assertThat(relaxed("a  \r\n \r\nb\t\r\n")).isEqualTo("a\r\n\r\nb\r\n");
    }

    @Test
    void loneCrAndLfEndLinesAsTheSmtpStreamWritesThem() throws IOException {
        assertThat(relaxed("a\nb\rc\r\n")).isEqualTo("a\r\nb\r\nc\r\n");
    }

    @Test
    void headerValueKeepsInnerTextAndDropsOnlyWhiteSpaceRuns() {
        assertThat(RelaxedHeader.canonicalize("Subject:  Hello\u00a0 World\r\n  again "))
                .isEqualTo("subject:Hello\u00a0 World again");
        assertThat(RelaxedHeader.canonicalize("X-Empty:")).isEqualTo("x-empty:");
    }

    private static String relaxed(String body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RelaxedBody canonical = new RelaxedBody(out);
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        // Split writes must not change the result: feed half by single bytes, half in bulk.
        int half = bytes.length / 2;
        for (int i = 0; i < half; i++) {
            canonical.write(bytes[i]);
        }
        canonical.write(bytes, half, bytes.length - half);
        canonical.finish();
        return out.toString(StandardCharsets.US_ASCII);
    }
}
