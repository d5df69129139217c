package io.crmemail.core.store;

import io.crmemail.core.message.EmailMessage;

/** The result of {@link EmailStore#storeInbound}: the stored comment, or the one already there. */
public record InboundStored(EmailMessage message, boolean duplicate) {
}
