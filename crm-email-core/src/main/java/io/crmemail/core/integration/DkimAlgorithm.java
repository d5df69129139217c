package io.crmemail.core.integration;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.crmemail.core.json.WireEnum;

/** DKIM signing algorithms (RFC 6376, RFC 8463). */
public enum DkimAlgorithm implements WireEnum {
    RSA_SHA256("rsa-sha256"),
    ED25519_SHA256("ed25519-sha256");

    private final String wire;

    DkimAlgorithm(String wire) {
        this.wire = wire;
    }

    /** The {@code a=} tag value. */
    @Override
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static DkimAlgorithm fromWire(String wire) {
        return WireEnum.parse(values(), wire);
    }
}
