package io.crmemail.core.dkim;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.security.DigestOutputStream;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.james.jdkim.DKIMCommon;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.canon.RelaxedBodyCanonicalizer;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.impl.Message;
import org.apache.james.jdkim.tagvalue.SignatureRecordImpl;

/**
 * Verifies DKIM signatures of raw received messages without the signer's code. RSA: Apache James jDKIM,
 * whole, with the key records given instead of looked up in DNS. Ed25519 (which jDKIM 0.3 does not know):
 * jDKIM parses the message and the signature and canonicalises headers and body; the JDK checks the Ed25519
 * signature over the SHA-256 of the header data (RFC 8463).
 */
final class IndependentVerifier {

    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    /** TXT records by {@code selector._domainkey.domain}. */
    private final Map<String, String> records;

    IndependentVerifier(Map<String, String> records) {
        this.records = records;
    }

    /** The selectors of the rsa-sha256 signatures jDKIM finds valid; empty when none is. */
    List<String> validRsaSelectors(byte[] raw) throws Exception {
        DKIMVerifier verifier = new DKIMVerifier((method, selector, domain) -> {
            String record = records.get(selector + "._domainkey." + domain);
            return record == null ? List.of() : List.of(record);
        });
        try {
            List<SignatureRecord> valid = verifier.verify(new ByteArrayInputStream(raw));
            List<String> selectors = new ArrayList<>();
            for (SignatureRecord r : valid == null ? List.<SignatureRecord>of() : valid) {
                if ("rsa".contentEquals(r.getHashKeyType())) {
                    selectors.add(r.getSelector().toString());
                }
            }
            return selectors;
        } catch (FailException e) {
            return List.of();
        }
    }

    /** True when the message carries an ed25519-sha256 signature with this selector that verifies. */
    boolean ed25519Valid(byte[] raw, String selector) throws Exception {
        Message message = new Message(new ByteArrayInputStream(raw));
        for (String field : message.getFields("DKIM-Signature")) {
            SignatureRecord record = new SignatureRecordImpl(field.substring(field.indexOf(':') + 1));
            if (!"ed25519".contentEquals(record.getHashKeyType()) || !selector.contentEquals(record.getSelector())) {
                continue;
            }
            if (!Arrays.equals(relaxedBodyHash(new Message(new ByteArrayInputStream(raw)).getBodyInputStream()),
                    record.getBodyHash())) {
                return false;
            }
            byte[] headerData = HeaderData.of(message, record);
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initVerify(ed25519PublicKey(record));
            ed25519.update(MessageDigest.getInstance("SHA-256").digest(headerData));
            return ed25519.verify(record.getSignature());
        }
        return false;
    }

    private PublicKey ed25519PublicKey(SignatureRecord record) throws Exception {
        String txt = records.get(record.getSelector() + "._domainkey." + record.getDToken());
        String p = txt.substring(txt.indexOf("p=") + 2).strip();
        byte[] raw = Base64.getDecoder().decode(p);
        byte[] spki = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + raw.length);
        System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, raw.length);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    }

    private static byte[] relaxedBodyHash(InputStream body) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        try (RelaxedBodyCanonicalizer out = new RelaxedBodyCanonicalizer(
                new DigestOutputStream(ByteArrayOutputStream.nullOutputStream(), sha256))) {
            body.transferTo(out);
        }
        return sha256.digest();
    }

    /** jDKIM's header canonicalisation, collected through a {@link Signature} that only records its input. */
    private static final class HeaderData extends DKIMCommon {

        static byte[] of(Message message, SignatureRecord record) throws Exception {
            Recording recording = new Recording();
            recording.initVerify((PublicKey) null);
            signatureCheck(message, record, record.getHeaders(), recording);
            return recording.data.toByteArray();
        }
    }

    private static final class Recording extends Signature {
        final ByteArrayOutputStream data = new ByteArrayOutputStream();

        Recording() {
            super("recording");
        }

        @Override
        protected void engineInitVerify(PublicKey publicKey) {
        }

        @Override
        protected void engineInitSign(PrivateKey privateKey) {
        }

        @Override
        protected void engineUpdate(byte b) {
            data.write(b);
        }

        @Override
        protected void engineUpdate(byte[] b, int off, int len) {
            data.write(b, off, len);
        }

        @Override
        protected byte[] engineSign() {
            throw new UnsupportedOperationException();
        }

        @Override
        protected boolean engineVerify(byte[] sigBytes) {
            throw new UnsupportedOperationException();
        }

        @Override
        @Deprecated
        protected void engineSetParameter(String param, Object value) {
        }

        @Override
        @Deprecated
        protected Object engineGetParameter(String param) {
            return null;
        }
    }
}
