package io.crmemail.core;

import io.crmemail.core.message.EmailMessage;
import java.util.Arrays;
import java.util.List;

/**
 * Accepts {@code /api/v1} messages: validate everything, then count against the send caps, then write inline
 * attachments and store. In that order, a refused request (invalid or over a cap) leaves nothing behind.
 */
final class MessageAcceptor {

    static final int MAX_BATCH = 500;

    private final MessageValidator validator;
    private final MessageAttachments attachments;
    private final SendCaps caps;
    private final OutboundEnqueuer enqueuer;

    MessageAcceptor(MessageValidator validator, MessageAttachments attachments, SendCaps caps,
                    OutboundEnqueuer enqueuer) {
        this.validator = validator;
        this.attachments = attachments;
        this.caps = caps;
        this.enqueuer = enqueuer;
    }

    EmailMessage accept(Caller caller, MessageRequest request) {
        MessageValidator.ValidMessage valid = validator.validate(caller, request);
        caps.reserve(caller.accountId(), 1);
        return store(caller, valid);
    }

    /** Each entry on its own; the valid ones count against the caps together, all of them or none. */
    List<BatchEntry> acceptBatch(Caller caller, List<MessageRequest> requests) {
        if (requests == null || requests.isEmpty()) {
            throw EmailException.validation("messages", "messages must hold at least one message");
        }
        if (requests.size() > MAX_BATCH) {
            throw EmailException.validation("messages", "a batch holds at most " + MAX_BATCH + " messages, got "
                    + requests.size());
        }
        BatchEntry[] entries = new BatchEntry[requests.size()];
        MessageValidator.ValidMessage[] valid = new MessageValidator.ValidMessage[requests.size()];
        int accepted = 0;
        for (int i = 0; i < requests.size(); i++) {
            try {
                valid[i] = validator.validate(caller, requests.get(i));
                accepted++;
            } catch (EmailException e) {
                entries[i] = new BatchEntry(i, null, e);
            }
        }
        caps.reserve(caller.accountId(), accepted);
        for (int i = 0; i < valid.length; i++) {
            if (valid[i] != null) {
                entries[i] = new BatchEntry(i, store(caller, valid[i]), null);
            }
        }
        return List.copyOf(Arrays.asList(entries));
    }

    private EmailMessage store(Caller caller, MessageValidator.ValidMessage valid) {
        attachments.write(valid.pending());
        try {
            return enqueuer.enqueue(caller, valid.outbound());
        } catch (RuntimeException e) {
            attachments.discard(valid.pending().stream().map(MessageAttachments.Pending::path).toList());
            throw e;
        }
    }
}
