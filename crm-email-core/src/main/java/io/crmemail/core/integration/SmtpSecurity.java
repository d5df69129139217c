package io.crmemail.core.integration;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.crmemail.core.json.WireEnum;

/** How the connection to the SMTP server is secured. */
public enum SmtpSecurity implements WireEnum {
    /** Plain text; only for local relays and tests. */
    NONE,
    /** Plain connect, then STARTTLS (required: the send fails if the server does not offer it). */
    STARTTLS,
    /** TLS from the first byte (SMTPS, usually port 465). */
    TLS;

    /** Parses the wire form (any case). */
    @JsonCreator
    public static SmtpSecurity fromWire(String wire) {
        return WireEnum.parse(values(), wire);
    }
}
