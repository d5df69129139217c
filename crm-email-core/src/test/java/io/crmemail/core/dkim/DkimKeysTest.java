package io.crmemail.core.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crmemail.core.EmailException;
import io.crmemail.core.integration.DkimAlgorithm;
import io.crmemail.core.integration.DkimKey;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which key spellings parse, and how a bad one is reported (named, never quoted). */
class DkimKeysTest {

    @Test
    void acceptsPkcs1AndPkcs8PemBareBase64AndTheRawEd25519Seed() throws Exception {
        String pkcs8Rsa = Base64.getEncoder().encodeToString(
                KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate().getEncoded());

        DkimKeys.check(Rfc8463VectorsTest.RSA_KEY);
        DkimKeys.check(Rfc8463VectorsTest.ED25519_KEY);
        DkimKeys.check(new DkimKey("a.example", "s", DkimAlgorithm.RSA_SHA256, pkcs8Rsa));
        DkimKeys.check(new DkimKey("a.example", "s", DkimAlgorithm.RSA_SHA256,
                "-----BEGIN PRIVATE KEY-----\r\n" + pkcs8Rsa + "\r\n-----END PRIVATE KEY-----\r\n"));
    }

    @Test
    void aKeyOfTheOtherAlgorithmIsRefused() {
        DkimKey rsaAsEd = new DkimKey("a.example", "s1", DkimAlgorithm.ED25519_SHA256,
                Rfc8463VectorsTest.RSA_PKCS1);
        DkimKey edAsRsa = new DkimKey("a.example", "s2", DkimAlgorithm.RSA_SHA256, Rfc8463VectorsTest.ED25519_SEED);

        assertThatThrownBy(() -> DkimKeys.check(rsaAsEd)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("DKIM key s1._domainkey.a.example (ed25519-sha256) does not parse: "
                        + "not a PKCS#8 Ed25519 private key");
        assertThatThrownBy(() -> DkimKeys.check(edAsRsa)).hasMessageContaining("s2._domainkey.a.example")
                .hasMessageContaining("not a PKCS#8 RSA private key");
    }

    @Test
    void shortRsaEncryptedAndEmptyKeysAreRefused() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(512);
        String weak = Base64.getEncoder().encodeToString(generator.generateKeyPair().getPrivate().getEncoded());

        assertThatThrownBy(() -> DkimKeys.check(new DkimKey("a.example", "s", DkimAlgorithm.RSA_SHA256, weak)))
                .hasMessageContaining("512 bits is too short");
        assertThatThrownBy(() -> DkimKeys.check(new DkimKey("a.example", "s", DkimAlgorithm.RSA_SHA256,
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----")))
                .hasMessageContaining("encrypted private keys are not supported");
        assertThatThrownBy(() -> DkimKeys.check(new DkimKey("a.example", "s", DkimAlgorithm.RSA_SHA256, " ")))
                .hasMessageContaining("it is empty");
    }

    @Test
    void checkAllNamesTheFieldOfTheFirstBadKey() {
        DkimKey bad = new DkimKey("a.example", "s", DkimAlgorithm.RSA_SHA256, "c2VjcmV0");

        assertThatThrownBy(() -> DkimKeys.checkAll(List.of(Rfc8463VectorsTest.ED25519_KEY, bad)))
                .isInstanceOfSatisfying(EmailException.class, e -> {
                    assertThat(e.field()).isEqualTo("dkim[1].privateKey");
                    assertThat(e.getMessage()).doesNotContain("c2VjcmV0");
                });
    }
}
