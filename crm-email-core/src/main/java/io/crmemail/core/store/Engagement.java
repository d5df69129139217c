package io.crmemail.core.store;

import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.tracking.EmailEvent;
import java.time.Instant;

/**
 * How opens, clicks and delivery reports change a message's metadata: the one rule every store applies (as
 * {@link DeliveryUpdate#applyTo} is for delivery outcomes). Each returns the metadata unchanged (equal) when the
 * event changes nothing, so a store can skip the write.
 */
public final class Engagement {

    private Engagement() {
    }

    /**
     * Any open, automated or not, makes a {@code sent} message {@code read} (the CRM surface's rule, kept as it
     * was); only a person's first open stamps {@code firstOpenedAt}, whatever the status.
     */
    public static EmailMetadata afterOpen(EmailMetadata metadata, EmailEvent open) {
        EmailMetadata.Builder after = metadata.toBuilder();
        if (metadata.status() == EmailStatus.SENT) {
            after.status(EmailStatus.READ).readAt(open.occurredAt());
        }
        if (!open.automated() && metadata.firstOpenedAt() == null) {
            after.firstOpenedAt(open.occurredAt());
        }
        return after.build();
    }

    /**
     * True when no open can change the message any more: it has left {@code sent} (and is not pending) and a
     * person's open is stamped. That lasts: no status after {@code sent} returns to it or to pending, and
     * {@code firstOpenedAt} is never cleared, so a store may record later opens of such a message without reading
     * it again.
     */
    public static boolean openCannotChange(EmailMetadata metadata) {
        EmailStatus status = metadata.status();
        return status != null && status != EmailStatus.SENT && !status.isPending() && metadata.firstOpenedAt() != null;
    }

    /** A person's first click stamps {@code firstClickedAt}; automated clicks (link scanners) change nothing. */
    public static EmailMetadata afterClick(EmailMetadata metadata, EmailEvent click) {
        if (click.automated() || metadata.firstClickedAt() != null) {
            return metadata;
        }
        return metadata.toBuilder().firstClickedAt(click.occurredAt()).build();
    }

    /** The first delivery report stamps {@code deliveredAt}; later ones only add their event. */
    public static EmailMetadata afterDelivered(EmailMetadata metadata, Instant at) {
        if (metadata.deliveredAt() != null) {
            return metadata;
        }
        return metadata.toBuilder().deliveredAt(at).build();
    }
}
