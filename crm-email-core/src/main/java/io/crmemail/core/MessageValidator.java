package io.crmemail.core;

import io.crmemail.core.compose.ClickLinks;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.record.RecordDirectory;
import io.crmemail.core.record.TableInfo;
import io.crmemail.core.store.EmailStore;
import io.crmemail.core.template.Template;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a {@link MessageRequest} and turns it into an {@link Outbound}, naming fields in their wire form
 * ({@code to[1]}, {@code template_id}). A record that does not exist fails at once (the content checks depend
 * on its table); every other problem is collected so the caller sees them all. Nothing is written here: inline
 * attachment bytes are returned to be written once the message is accepted.
 */
final class MessageValidator {

    /** A message that passed, and the inline attachment bytes to write before it is stored. */
    record ValidMessage(Outbound outbound, List<MessageAttachments.Pending> pending) {
    }

    /** The record a message shows on, and its table for merge-field checks (null on no record). */
    private record OnRecord(RecordRef ref, TableInfo table) {
        static final OnRecord NONE = new OnRecord(RecordRef.NONE, null);
    }

    private final RecordDirectory records;
    private final EmailStore store;
    private final SenderResolver senders;
    private final MessageAttachments attachments;
    private final Limits limits;
    private final Clock clock;

    MessageValidator(RecordDirectory records, EmailStore store, MessageAttachments attachments, Limits limits,
                     Clock clock) {
        this.records = records;
        this.store = store;
        this.senders = new SenderResolver(store);
        this.attachments = attachments;
        this.limits = limits;
        this.clock = clock;
    }

    ValidMessage validate(Caller caller, MessageRequest request) {
        if (request == null) {
            throw EmailException.validation(null, "a message is required");
        }
        List<FieldError> errors = new ArrayList<>();
        SenderResolver.Sender sender = senders.resolve(caller, request.from(), request.integrationId(), errors);
        List<String> to = FieldChecks.recipients("to", request.to(), errors);
        List<String> cc = FieldChecks.recipients("cc", request.cc(), errors);
        List<String> bcc = FieldChecks.recipients("bcc", request.bcc(), errors);
        List<String> replyTo = FieldChecks.recipients("reply_to", request.replyTo(), errors);
        recipientCount(request, errors);
        Conversation conversation = Conversation.find(store, caller, request.threadId(), errors);
        OnRecord record = record(caller, request.record(), conversation);
        Template template = template(caller, request.templateId(), errors);
        MessageContent content = MessageContent.of(request, template, conversation, record.table(), limits, errors);
        String inReplyTo = request.inReplyTo() != null
                ? MessageExtras.messageId("in_reply_to", request.inReplyTo(), errors)
                : conversation == null ? null : conversation.inReplyTo();
        String references = request.references() != null
                ? MessageExtras.references(request.references(), errors)
                : conversation == null ? null : conversation.references();
        Map<String, String> headers = MessageExtras.headers(request.headers(), errors);
        List<String> tags = MessageExtras.tags(request.tags(), errors);
        Map<String, String> clientMetadata = MessageExtras.metadata(request.metadata(), errors);
        String contactId = MessageExtras.linkId("contact_id", request.contactId(), errors);
        String dealId = MessageExtras.linkId("deal_id", request.dealId(), errors);
        MessageAttachments.Resolved files = attachments.resolve(caller, request.attachments(), errors);
        Instant scheduledAt = FieldChecks.scheduledAt("scheduled_at", request.scheduledAt(), clock.instant(),
                limits.maxScheduleAhead(), errors);
        if (!errors.isEmpty()) {
            throw new EmailException(errors);
        }

        EmailMetadata metadata = EmailMetadata.builder()
                .smtpIntegrationId(sender.integration().id())
                .fromIdentity(sender.from())
                .to(to).cc(cc).bcc(bcc).replyTo(replyTo)
                .subject(content.subject()).body(content.html()).text(content.text())
                .attachments(files.refs())
                .scheduledAt(scheduledAt)
                .threadId(conversation == null ? null : conversation.id())
                .inReplyTo(inReplyTo).references(references)
                .headers(headers).tags(tags).clientMetadata(clientMetadata)
                .contactId(contactId).dealId(dealId)
                .templateId(template == null ? null : template.id())
                .build();
        boolean pixel = !Boolean.FALSE.equals(request.trackOpens()) && !sender.integration().disablePixel();
        List<String> clickUrls = Boolean.FALSE.equals(request.trackClicks()) ? List.of()
                : ClickLinks.trackableUrls(content.html());
        boolean listUnsubscribe = request.listUnsubscribe() != null ? request.listUnsubscribe()
                : sender.integration().listUnsubscribe();
        return new ValidMessage(new Outbound(record.ref(), metadata, pixel, clickUrls, listUnsubscribe),
                files.pending());
    }

    private void recipientCount(MessageRequest request, List<FieldError> errors) {
        if (request.to().isEmpty()) {
            errors.add(FieldChecks.invalid("to", "to must name at least one recipient"));
        }
        int count = request.to().size() + request.cc().size() + request.bcc().size();
        if (count > limits.maxRecipients()) {
            errors.add(FieldChecks.invalid("to", "at most " + limits.maxRecipients()
                    + " recipients (to, cc and bcc together) are allowed, got " + count));
        }
    }

    /**
     * The record asked for (it must exist: not_found otherwise), else the conversation's, else none. A
     * conversation's record that was deleted since is no longer anyone's timeline: the reply goes on none.
     */
    private OnRecord record(Caller caller, RecordRef given, Conversation conversation) {
        if (given != null && !given.isNone()) {
            TableInfo table = RecordLookup.table(records, caller, given.tableId(), "record.table_id");
            RecordLookup.record(records, caller, table, given.recordId(), "record.record_id");
            return new OnRecord(given, table);
        }
        RecordRef inherited = conversation == null ? RecordRef.NONE : conversation.record();
        if (inherited.isNone()) {
            return OnRecord.NONE;
        }
        return records.table(caller.accountId(), inherited.tableId())
                .filter(t -> records.record(caller.accountId(), t.id(), inherited.recordId()).isPresent())
                .map(t -> new OnRecord(inherited, t))
                .orElse(OnRecord.NONE);
    }

    private Template template(Caller caller, Long id, List<FieldError> errors) {
        if (id == null) {
            return null;
        }
        Template template = store.findTemplate(id).filter(t -> t.accountId() == caller.accountId()).orElse(null);
        if (template == null) {
            errors.add(FieldChecks.invalid("template_id", "unknown template " + id));
        }
        return template;
    }
}
