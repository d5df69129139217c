package io.crmemail.jdbc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts integration secrets at rest with AES-256-GCM: a random 96-bit IV per value, a 128-bit tag, and
 * the owning account as associated data (a value copied to another account's row does not decrypt).
 * Stored form: {@code v1:} + Base64(IV + ciphertext + tag). Secrets and the key are never logged.
 */
final class CredentialCipher {

    private static final String PREFIX = "v1:";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    private CredentialCipher(SecretKey key) {
        this.key = key;
    }

    /** A cipher over a 32-byte AES-256 key; the array is copied. */
    static CredentialCipher of(byte[] key) {
        if (key == null || key.length != 32) {
            throw new IllegalArgumentException("the credential key must be 32 bytes (AES-256), got "
                    + (key == null ? "none" : key.length + " bytes"));
        }
        return new CredentialCipher(new SecretKeySpec(Arrays.copyOf(key, key.length), "AES"));
    }

    String encrypt(String secret, long accountId) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(aad(accountId));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(
                    ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt an integration credential", e);
        }
    }

    String decrypt(String stored, long accountId) {
        if (!stored.startsWith(PREFIX)) {
            throw new IllegalStateException("unknown credential format (expected " + PREFIX + ")");
        }
        byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
            cipher.updateAAD(aad(accountId));
            return new String(cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            // No detail from the exception: it must not help guessing. Usually the key is not the one used to save.
            throw new IllegalStateException("cannot decrypt an integration credential of account " + accountId
                    + ": wrong credential key, or the value was altered");
        }
    }

    private static byte[] aad(long accountId) {
        return ("crm-email/integration/account/" + accountId).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "CredentialCipher[AES-256-GCM]";
    }
}
