package io.crmemail.core.integration;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.crmemail.core.json.WireEnum;

/** How an integration hands messages to the world. */
public enum IntegrationKind implements WireEnum {
    /** An SMTP relay, with a password or none. */
    SMTP,
    /** A user's Gmail mailbox: SMTP with XOAUTH2 (smtp.gmail.com by default). */
    GMAIL,
    /** A user's Office 365 / Outlook mailbox: SMTP with XOAUTH2 (smtp.office365.com by default). */
    OUTLOOK,
    /** The built-in mail server: straight to each recipient domain's MX hosts. */
    DIRECT;

    /** True for the kinds that send as a connected mailbox over XOAUTH2. */
    public boolean isOAuthMailbox() {
        return this == GMAIL || this == OUTLOOK;
    }

    /** Parses the wire form (any case); {@code office365} is accepted for {@link #OUTLOOK}. */
    @JsonCreator
    public static IntegrationKind fromWire(String wire) {
        if ("office365".equalsIgnoreCase(wire)) {
            return OUTLOOK;
        }
        return WireEnum.parse(values(), wire);
    }
}
