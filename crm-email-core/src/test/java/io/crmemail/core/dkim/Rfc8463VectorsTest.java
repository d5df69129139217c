package io.crmemail.core.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import io.crmemail.core.integration.DkimAlgorithm;
import io.crmemail.core.integration.DkimKey;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * RFC 8463 Appendix A: the example message signed with the RFC's Ed25519 and RSA keys and the RFC's tags.
 * Both algorithms are deterministic, so {@code bh=} and {@code b=} must come out exactly as printed.
 */
class Rfc8463VectorsTest {

    /** A.1: the Ed25519 secret key (the RFC 8032 seed), base64. */
    static final String ED25519_SEED = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";

    /** A.1: the RSA secret key, PKCS#1 PEM. */
    static final String RSA_PKCS1 = """
            -----BEGIN RSA PRIVATE KEY-----
            MIICXQIBAAKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQi
            Y/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqM
            KrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB
            AoGAH0cxOhFZDgzXWhDhnAJDw5s4roOXN4OhjiXa8W7Y3rhX3FJqmJSPuC8N9vQm
            6SVbaLAE4SG5mLMueHlh4KXffEpuLEiNp9Ss3O4YfLiQpbRqE7Tm5SxKjvvQoZZe
            zHorimOaChRL2it47iuWxzxSiRMv4c+j70GiWdxXnxe4UoECQQDzJB/0U58W7RZy
            6enGVj2kWF732CoWFZWzi1FicudrBFoy63QwcowpoCazKtvZGMNlPWnC7x/6o8Gc
            uSe0ga2xAkEA8C7PipPm1/1fTRQvj1o/dDmZp243044ZNyxjg+/OPN0oWCbXIGxy
            WvmZbXriOWoSALJTjExEgraHEgnXssuk7QJBALl5ICsYMu6hMxO73gnfNayNgPxd
            WFV6Z7ULnKyV7HSVYF0hgYOHjeYe9gaMtiJYoo0zGN+L3AAtNP9huqkWlzECQE1a
            licIeVlo1e+qJ6Mgqr0Q7Aa7falZ448ccbSFYEPD6oFxiOl9Y9se9iYHZKKfIcst
            o7DUw1/hz2Ck4N5JrgUCQQCyKveNvjzkkd8HjYs0SwM0fPjK16//5qDZ2UiDGnOe
            uEzxBDAr518Z8VFbR41in3W4Y3yCDgQlLlcETrS+zYcL
            -----END RSA PRIVATE KEY-----
            """;

    /** A.2: the published public keys. */
    static final String ED25519_RECORD = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
    static final String RSA_RECORD = "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3"
            + "idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hst"
            + "T5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB";

    /** A.3: the message as signed (its two DKIM-Signature fields come on top). */
    static final String MESSAGE = String.join("\r\n",
            "From: Joe SixPack <joe@football.example.com>",
            "To: Suzie Q <suzie@shopping.example.net>",
            "Subject: Is dinner ready?",
            "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)",
            "Message-ID: <20030712040037.46341.5F8J@football.example.com>",
            "",
            "Hi.",
            "",
            "We lost the game.  Are you hungry yet?",
            "",
            "Joe.",
            "");

    static final String BODY_HASH = "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=";
    static final List<String> SIGNED = List.of("from", "to", "subject", "date", "message-id", "from", "subject",
            "date");

    static final String ED25519_UNSIGNED = "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n"
            + " d=football.example.com; i=@football.example.com;\r\n"
            + " q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n"
            + " subject : date : message-id : from : subject : date;\r\n"
            + " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
            + " b=";
    static final String ED25519_B = "/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus"
            + "Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==";

    static final String RSA_UNSIGNED = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\r\n"
            + " d=football.example.com; i=@football.example.com;\r\n"
            + " q=dns/txt; s=test; t=1528637909; h=from : to : subject :\r\n"
            + " date : message-id : from : subject : date;\r\n"
            + " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
            + " b=";
    static final String RSA_B = "F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3"
            + "DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz"
            + "dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=";

    static final DkimKey ED25519_KEY = new DkimKey("football.example.com", "brisbane", DkimAlgorithm.ED25519_SHA256,
            ED25519_SEED);
    static final DkimKey RSA_KEY = new DkimKey("football.example.com", "test", DkimAlgorithm.RSA_SHA256, RSA_PKCS1);

    @Test
    void bodyHashOfTheExample() throws Exception {
        assertThat(written().bodyHash()).isEqualTo(BODY_HASH);
    }

    @Test
    void ed25519SignatureOfTheExample() throws Exception {
        WrittenMessage written = written();

        String b = SignatureField.sign(written.fields(), SIGNED, ED25519_UNSIGNED, DkimAlgorithm.ED25519_SHA256,
                DkimKeys.parse(ED25519_KEY));

        assertThat(b).isEqualTo(ED25519_B);
    }

    @Test
    void rsaSignatureOfTheExample() throws Exception {
        WrittenMessage written = written();

        String b = SignatureField.sign(written.fields(), SIGNED, RSA_UNSIGNED, DkimAlgorithm.RSA_SHA256,
                DkimKeys.parse(RSA_KEY));

        assertThat(b).isEqualTo(RSA_B);
    }

    @Test
    void dnsRecordsOfTheExampleKeys() {
        assertThat(DkimKeys.dnsName(ED25519_KEY)).isEqualTo("brisbane._domainkey.football.example.com");
        assertThat(DkimKeys.dnsRecord(ED25519_KEY)).isEqualTo(ED25519_RECORD);
        assertThat(DkimKeys.dnsRecord(RSA_KEY)).isEqualTo(RSA_RECORD);
    }

    /** The test verifier itself, on the RFC's own signed message: both pass, and fail once it is changed. */
    @Test
    void theIndependentVerifierAcceptsTheRfcMessageAndNotAChangedOne() throws Exception {
        String signed = ED25519_UNSIGNED + fold(ED25519_B) + "\r\n" + RSA_UNSIGNED + fold(RSA_B) + "\r\n" + MESSAGE;
        IndependentVerifier verifier = new IndependentVerifier(Map.of(
                "brisbane._domainkey.football.example.com", ED25519_RECORD,
                "test._domainkey.football.example.com", RSA_RECORD));
        byte[] raw = signed.getBytes(StandardCharsets.US_ASCII);

        assertThat(verifier.validRsaSelectors(raw)).containsExactly("test");
        assertThat(verifier.ed25519Valid(raw, "brisbane")).isTrue();

        byte[] changed = signed.replace("hungry", "thirsty").getBytes(StandardCharsets.US_ASCII);
        assertThat(verifier.validRsaSelectors(changed)).isEmpty();
        assertThat(verifier.ed25519Valid(changed, "brisbane")).isFalse();
    }

    private static String fold(String b) {
        return b.substring(0, 40) + "\r\n " + b.substring(40);
    }

    /** The example as a parsed message written back, the way the signer reads a composed one. */
    static WrittenMessage written() throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.US_ASCII)));
        return WrittenMessage.of(message);
    }
}
