package io.crmemail.core.dkim;

import static io.crmemail.core.testsupport.TestWorld.CALLER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.crmemail.core.EmailException;
import io.crmemail.core.EmailService;
import io.crmemail.core.MessageRequest;
import io.crmemail.core.integration.DkimAlgorithm;
import io.crmemail.core.integration.DkimKey;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.testsupport.Messages;
import io.crmemail.core.testsupport.TestWorld;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Messages sent through the service to a real SMTP server, signed with an RSA and an Ed25519 key of the
 * From domain; the bytes the server received are checked by {@link IndependentVerifier}, not by the signer.
 */
class SignedDeliveryTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    static DkimKey rsaKey;
    static DkimKey ed25519Key;
    static IndependentVerifier verifier;

    @TempDir
    Path temp;

    TestWorld world;
    EmailService service;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair rsaPair = rsa.generateKeyPair();
        KeyPair edPair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        // RSA as PKCS#8 PEM, Ed25519 as bare base64 PKCS#8: the two accepted spellings.
        rsaKey = new DkimKey("acme.com", "rsa2026", DkimAlgorithm.RSA_SHA256, pem(rsaPair.getPrivate().getEncoded()));
        ed25519Key = new DkimKey("ACME.com", "ed2026", DkimAlgorithm.ED25519_SHA256,
                Base64.getEncoder().encodeToString(edPair.getPrivate().getEncoded()));
        // The records come from DkimKeys.dnsRecord; the RFC vector test pins that helper to the RFC's records.
        verifier = new IndependentVerifier(Map.of(
                DkimKeys.dnsName(rsaKey), DkimKeys.dnsRecord(rsaKey),
                DkimKeys.dnsName(ed25519Key), DkimKeys.dnsRecord(ed25519Key)));
        assertThat(DkimKeys.dnsRecord(rsaKey)).isEqualTo("v=DKIM1; k=rsa; p="
                + Base64.getEncoder().encodeToString(rsaPair.getPublic().getEncoded()));
        byte[] edSpki = edPair.getPublic().getEncoded();
        assertThat(DkimKeys.dnsRecord(ed25519Key)).isEqualTo("v=DKIM1; k=ed25519; p="
                + Base64.getEncoder().encodeToString(Arrays.copyOfRange(edSpki, 12, 44)));
    }

    @BeforeEach
    void setUp() {
        world = new TestWorld(temp, greenMail.getSmtp().getPort());
        service = world.service();
        world.integration = service.saveIntegration(world.integration.toBuilder()
                .fromDomains("acme.com", "news.acme.com", "other.org")
                .fromIdentities(new Mailbox("Sales", "sales@acme.com"))
                .dkim(List.of(rsaKey, ed25519Key)).build());
    }

    @AfterEach
    void tearDown() {
        service.close();
    }

    @Test
    void bothSignaturesOfAMultipartMessageVerifyOnWhatTheServerReceived() throws Exception {
        EmailMessage accepted = service.sendMessage(CALLER, Messages.onRecord()
                .subject("Grüße an {{field:title}} – a subject long enough to be folded by the composer, surely")
                .html("<p>Hi {{field:title}},</p><p>trailing   spaces   </p>")
                .cc("Boss <boss@example.org>")
                .header("List-Unsubscribe", "<mailto:unsubscribe@acme.com>, <https://crm.example/u/abc>")
                .header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
                .attach(new MessageRequest.Attachment("brochure.txt", "text/plain", null,
                        "Our brochure\nwith  two   spaces \n\n\n".getBytes(StandardCharsets.UTF_8)))
                .build());

        assertThat(service.deliverDue()).isEqualTo(1);
        assertThat(service.get(CALLER, accepted.id()).status()).isEqualTo(EmailStatus.SENT);
        byte[] raw = received(0);
        String text = new String(raw, StandardCharsets.ISO_8859_1);

        assertThat(verifier.validRsaSelectors(raw)).containsExactly("rsa2026");
        assertThat(verifier.ed25519Valid(raw, "ed2026")).isTrue();
        String signature = signatureField(text, "rsa-sha256");
        assertThat(signature.replaceAll("\\s", ""))
                .contains("c=relaxed/relaxed;d=acme.com;s=rsa2026;t=" + world.clock.instant().getEpochSecond() + ";")
                .contains("h=from:to:cc:subject:date:message-id:reply-to:mime-version:content-type:list-unsubscribe:"
                        + "list-unsubscribe-post:from;");
        assertThat(signature.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
        assertThat(text).contains("Message-ID: " + accepted.metadata().messageId());
    }

    @Test
    void aChangedBodyOrSignedHeaderFailsBothSignatures() throws Exception {
        service.sendMessage(CALLER, Messages.basic().subject("Quarterly numbers").html("<p>Total: 100</p>").build());
        service.deliverDue();
        String text = new String(received(0), StandardCharsets.ISO_8859_1);
        assertThat(verifier.validRsaSelectors(bytes(text))).containsExactly("rsa2026");

        for (String changed : List.of(text.replace("Total: 100", "Total: 900"),
                text.replace("Subject: Quarterly numbers", "Subject: Quarterly numbers!"),
                text.replaceFirst("\r\nFrom: ", "\r\nFrom: Mallory <mallory@evil.example>\r\nFrom: "))) {
            assertThat(changed).isNotEqualTo(text);
            assertThat(verifier.validRsaSelectors(bytes(changed))).isEmpty();
            assertThat(verifier.ed25519Valid(bytes(changed), "ed2026")).isFalse();
        }
    }

    @Test
    void aFromDomainWithoutKeyIsNotSignedAndASubdomainUsesItsParentsKey() throws Exception {
        service.sendMessage(CALLER, Messages.basic().from("sales@other.org").build());
        service.sendMessage(CALLER, Messages.basic().from("letters@news.acme.com").build());
        service.deliverDue();

        String unsigned = new String(receivedFrom("sales@other.org"), StandardCharsets.ISO_8859_1);
        assertThat(unsigned).doesNotContainIgnoringCase("DKIM-Signature");

        byte[] subdomain = receivedFrom("letters@news.acme.com");
        assertThat(new String(subdomain, StandardCharsets.ISO_8859_1)).contains("d=acme.com;");
        assertThat(verifier.validRsaSelectors(subdomain)).containsExactly("rsa2026");
        assertThat(verifier.ed25519Valid(subdomain, "ed2026")).isTrue();
    }

    @Test
    void aKeyThatDoesNotParseIsRefusedAtSaveAndHoldsTheMessageAtSend() throws Exception {
        DkimKey broken = new DkimKey("acme.com", "bad", DkimAlgorithm.RSA_SHA256, "bm90IGEga2V5");
        SmtpIntegration withBroken = world.integration.toBuilder().dkim(List.of(ed25519Key, broken)).build();

        assertThatThrownBy(() -> service.saveIntegration(withBroken))
                .isInstanceOfSatisfying(EmailException.class, e -> {
                    assertThat(e.field()).isEqualTo("dkim[1].privateKey");
                    assertThat(e.getMessage()).contains("bad._domainkey.acme.com").doesNotContain("bm90IGEga2V5");
                });

        // Saved around the check (e.g. an older row): the message waits with the reason, nothing unsigned leaves.
        world.store.saveIntegration(withBroken);
        EmailMessage accepted = service.sendMessage(CALLER, Messages.basic().build());
        service.deliverDue();

        EmailMessage waiting = service.get(CALLER, accepted.id());
        assertThat(waiting.status()).isEqualTo(EmailStatus.QUEUED);
        assertThat(waiting.metadata().error()).contains("bad._domainkey.acme.com")
                .contains("integration " + world.integration.id());
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    private byte[] received(int index) throws Exception {
        return raw(greenMail.getReceivedMessages()[index]);
    }

    private byte[] receivedFrom(String from) throws Exception {
        for (MimeMessage message : greenMail.getReceivedMessages()) {
            if (message.getFrom()[0].toString().contains(from)) {
                return raw(message);
            }
        }
        throw new AssertionError("nothing received from " + from);
    }

    private static byte[] raw(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String signatureField(String message, String algorithm) {
        for (String field : WrittenMessage.fields(message.substring(0, message.indexOf("\r\n\r\n") + 2))) {
            if (field.startsWith("DKIM-Signature:") && field.contains("a=" + algorithm)) {
                return field;
            }
        }
        throw new AssertionError("no " + algorithm + " signature in\n" + message);
    }

    private static String pem(byte[] der) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END PRIVATE KEY-----\n";
    }
}
