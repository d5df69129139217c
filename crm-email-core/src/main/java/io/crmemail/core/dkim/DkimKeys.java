package io.crmemail.core.dkim;

import io.crmemail.core.EmailException;
import io.crmemail.core.integration.DkimAlgorithm;
import io.crmemail.core.integration.DkimKey;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * DKIM private keys: parsing ({@code PRIVATE KEY} PKCS#8 or {@code RSA PRIVATE KEY} PKCS#1 PEM, bare base64
 * of either, and for Ed25519 also the bare 32-byte seed RFC 8463 prints), checking, and the DNS TXT record
 * that publishes the matching public key.
 */
public final class DkimKeys {

    /** RFC 8301 §3.2: shorter RSA keys must not be used for signing (and verifiers reject them). */
    static final int MIN_RSA_BITS = 1024;
    private static final byte[] ED25519_PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");
    private static final byte[] RSA_ALGORITHM_ID = HexFormat.of().parseHex("300d06092a864886f70d0101010500");
    private static final Pattern PEM_ARMOR = Pattern.compile("-----[A-Z0-9 ]+-----");

    private DkimKeys() {
    }

    /**
     * Checks that the key parses as its algorithm's private key.
     *
     * @throws IllegalArgumentException naming the key (never quoting it) and what is wrong
     */
    public static void check(DkimKey key) {
        parse(key);
    }

    /**
     * Checks every key of an integration being saved.
     *
     * @throws EmailException validation_error naming the first bad key's field, {@code dkim[i].privateKey}
     */
    public static void checkAll(List<DkimKey> keys) {
        for (int i = 0; i < keys.size(); i++) {
            try {
                parse(keys.get(i));
            } catch (IllegalArgumentException e) {
                throw EmailException.validation("dkim[" + i + "].privateKey", e.getMessage());
            }
        }
    }

    /** Where the record goes: {@code selector._domainkey.domain}. */
    public static String dnsName(DkimKey key) {
        return key.selector() + "._domainkey." + key.domain();
    }

    /**
     * The TXT record to publish at {@link #dnsName}: {@code v=DKIM1; k=rsa; p=<SubjectPublicKeyInfo>} or
     * {@code v=DKIM1; k=ed25519; p=<raw 32-byte key>} (RFC 8463 §4). A 2048-bit RSA record is longer than 255
     * characters: DNS servers take it as several quoted strings, which resolvers join.
     */
    public static String dnsRecord(DkimKey key) {
        PrivateKey privateKey = parse(key);
        try {
            if (key.algorithm() == DkimAlgorithm.RSA_SHA256) {
                RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) privateKey;
                byte[] spki = KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent())).getEncoded();
                return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(spki);
            }
            byte[] spki = ed25519Public((EdECPrivateKey) privateKey);
            byte[] raw = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
            return "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(raw);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException(describe(key) + " has no derivable public key: " + e.getMessage(), e);
        }
    }

    /** The private key, or an IllegalArgumentException naming the key and the problem. */
    static PrivateKey parse(DkimKey key) {
        String text = key.privateKey();
        if (text.contains("ENCRYPTED")) {
            throw invalid(key, "encrypted private keys are not supported; store it unencrypted (PKCS#8)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(PEM_ARMOR.matcher(text).replaceAll("").strip());
        } catch (IllegalArgumentException e) {
            throw invalid(key, "not PEM or base64");
        }
        if (der.length == 0) {
            throw invalid(key, "it is empty");
        }
        try {
            if (key.algorithm() == DkimAlgorithm.ED25519_SHA256) {
                byte[] pkcs8 = der.length == 32 ? concat(ED25519_PKCS8_PREFIX, der) : der;
                return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            }
            return rsa(key, der);
        } catch (InvalidKeySpecException | ClassCastException e) {
            throw invalid(key, "not a PKCS#8 " + keyType(key) + " private key");
        } catch (GeneralSecurityException e) {
            throw invalid(key, e.getMessage());
        }
    }

    static String describe(DkimKey key) {
        return "DKIM key " + key.selector() + "._domainkey." + key.domain() + " (" + key.algorithm().wire() + ")";
    }

    private static PrivateKey rsa(DkimKey key, byte[] der) throws GeneralSecurityException {
        KeyFactory factory = KeyFactory.getInstance("RSA");
        PrivateKey parsed;
        try {
            parsed = factory.generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (InvalidKeySpecException e) {
            // "BEGIN RSA PRIVATE KEY" (PKCS#1), as older openssl genrsa writes: wrap it into PKCS#8.
            parsed = factory.generatePrivate(new PKCS8EncodedKeySpec(pkcs1ToPkcs8(der)));
        }
        int bits = ((RSAPrivateCrtKey) parsed).getModulus().bitLength();
        if (bits < MIN_RSA_BITS) {
            throw invalid(key, "an RSA key of " + bits + " bits is too short (RFC 8301: at least 1024, 2048 advised)");
        }
        return parsed;
    }

    /** PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier rsaEncryption, OCTET STRING pkcs1 }. */
    private static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        byte[] version = {0x02, 0x01, 0x00};
        return der(0x30, concat(concat(version, RSA_ALGORITHM_ID), der(0x04, pkcs1)));
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            byte[] digits = BigInteger.valueOf(length).toByteArray();
            int start = digits[0] == 0 ? 1 : 0;
            out.write(0x80 | (digits.length - start));
            out.write(digits, start, digits.length - start);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    /**
     * Java 17 cannot derive an Ed25519 public key from the private one directly; its key pair generator
     * takes the 32-byte private key from the random source, so a source that returns the key derives it.
     */
    private static byte[] ed25519Public(EdECPrivateKey key) throws GeneralSecurityException {
        byte[] seed = key.getBytes().orElseThrow(() -> new GeneralSecurityException("the key hides its bytes"));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        generator.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
            }
        });
        return generator.generateKeyPair().getPublic().getEncoded();
    }

    private static String keyType(DkimKey key) {
        return key.algorithm() == DkimAlgorithm.RSA_SHA256 ? "RSA" : "Ed25519";
    }

    private static IllegalArgumentException invalid(DkimKey key, String problem) {
        return new IllegalArgumentException(describe(key) + " does not parse: " + problem);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
