package io.crmemail.core;

import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.RecordRef;
import java.util.List;

/**
 * A validated outbound message from either surface, ready for {@link OutboundEnqueuer}: the one shape both
 * the CRM send and the {@code /api/v1} send end in, so they are stored the same way.
 *
 * @param record    the record whose timeline shows it, {@link RecordRef#NONE} for none
 * @param content   what was asked for: sender, recipients, content, links; the enqueuer adds status, Message-ID
 *                  and, when {@code content.threadId()} is null, a new conversation
 * @param pixel     embed the open pixel
 * @param clickUrls the trackable links of the body in order, one click token each
 * @param listUnsubscribe the sender opted in to one-click {@code List-Unsubscribe}; the enqueuer makes the token
 *                  only for a message with exactly one recipient
 */
record Outbound(RecordRef record, EmailMetadata content, boolean pixel, List<String> clickUrls,
                boolean listUnsubscribe) {

    Outbound {
        clickUrls = List.copyOf(clickUrls);
    }
}
