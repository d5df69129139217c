package io.crmemail.core.integration;

import java.util.Locale;
import java.util.Objects;

/**
 * A DKIM signing key for one From domain. Several keys for one domain (e.g. RSA and Ed25519, as RFC 8463
 * suggests) each add a signature. The private key is not in {@link #toString()}.
 *
 * @param domain     the signing domain ({@code d=}), lower case; signs messages whose From is in it
 * @param selector   the selector ({@code s=}); the public key is published at {@code selector._domainkey.domain}
 * @param algorithm  rsa-sha256 or ed25519-sha256
 * @param privateKey the PKCS#8 private key, PEM ({@code -----BEGIN PRIVATE KEY-----}) or bare base64
 */
public record DkimKey(String domain, String selector, DkimAlgorithm algorithm, String privateKey) {

    public DkimKey {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(privateKey, "privateKey");
        domain = domain.strip().toLowerCase(Locale.ROOT);
        selector = selector.strip();
        if (domain.isEmpty() || selector.isEmpty()) {
            throw new IllegalArgumentException("DKIM domain and selector must not be blank");
        }
    }

    @Override
    public String toString() {
        return "DkimKey[domain=" + domain + ", selector=" + selector + ", algorithm=" + algorithm.wire()
                + ", privateKey=***]";
    }
}
