package io.crmemail.core.integration;

import io.crmemail.core.message.Mailbox;
import java.util.List;

/** An integration as the compose modal sees it: no host, no credentials. */
public record SmtpOption(long id, String label, List<String> fromDomains, List<Mailbox> fromIdentities,
                         boolean disablePixel) {
}
