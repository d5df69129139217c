package io.crmemail.core.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import io.crmemail.core.integration.DkimAlgorithm;
import io.crmemail.core.integration.DkimKey;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Key choice, signed header list and the folded field, without a server. */
class MessageSignerTest {

    @Test
    void aKeyCoversItsDomainAndSubdomainsButNotLookAlikes() {
        assertThat(MessageSigner.covers("acme.com", "acme.com")).isTrue();
        assertThat(MessageSigner.covers("acme.com", "mail.eu.acme.com")).isTrue();
        assertThat(MessageSigner.covers("acme.com", "notacme.com")).isFalse();
        assertThat(MessageSigner.covers("mail.acme.com", "acme.com")).isFalse();
        assertThat(MessageSigner.covers("acme.com", null)).isFalse();
    }

    @Test
    void signsThePresentHeadersAsOftenAsTheyOccurAndFromOnceMore() {
        List<String> fields = List.of("Received: x", "From: a@acme.com", "To: b@x.example", "To: c@x.example",
                "Subject: s", "X-Mailer: m", "Content-Type: text/plain", "List-Unsubscribe: <mailto:u@acme.com>");

        assertThat(MessageSigner.signedNames(fields)).containsExactly("from", "to", "to", "subject", "content-type",
                "list-unsubscribe", "from");
    }

    @Test
    void theFieldIsFoldedBetweenTagsAndKeepsEveryLineShort() throws Exception {
        DkimKey key = new DkimKey("a-rather-long-subdomain.of.a-long-organisation-name.example", "selector-2026-06",
                DkimAlgorithm.RSA_SHA256, Rfc8463VectorsTest.RSA_PKCS1);
        List<String> names = MessageSigner.signedNames(List.of("From: a", "To: b", "Subject: c", "Date: d",
                "Message-ID: <e>", "MIME-Version: 1.0", "Content-Type: text/plain",
                "Content-Transfer-Encoding: quoted-printable"));
        String unsigned = SignatureField.unsignedValue(key, 1_700_000_000L, names, Rfc8463VectorsTest.BODY_HASH);
        String b = SignatureField.sign(List.of("From: a"), names, SignatureField.NAME + ": " + unsigned,
                key.algorithm(), DkimKeys.parse(key));
        String field = SignatureField.NAME + ": " + SignatureField.withSignature(unsigned, b);

        assertThat(unsigned).endsWith("b=");
        assertThat(field.split("\r\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(78));
        assertThat(Arrays.stream(field.split("\r\n")).skip(1).toList()).allSatisfy(line -> assertThat(line).startsWith("\t"));
        assertThat(field.replaceAll("\\s", "")).isEqualTo("DKIM-Signature:v=1;a=rsa-sha256;c=relaxed/relaxed;d="
                + key.domain() + ";s=selector-2026-06;t=1700000000;h=from:to:subject:date:message-id:mime-version:"
                + "content-type:content-transfer-encoding:from;bh=" + Rfc8463VectorsTest.BODY_HASH + ";b=" + b);
        // Folds only where RFC 6376 allows white space: after a tag, after a colon in h=, inside b=.
        String beforeB = field.substring(0, field.indexOf("b=", field.indexOf("bh=") + 3)).stripTrailing();
        assertThat(beforeB.split("\r\n")).allSatisfy(line -> assertThat(line)
                .satisfiesAnyOf(l -> assertThat(l).endsWith(";"), l -> assertThat(l).endsWith(":")));
    }
}
