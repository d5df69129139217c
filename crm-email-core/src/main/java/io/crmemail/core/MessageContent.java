package io.crmemail.core;

import io.crmemail.core.compose.HtmlSanitizer;
import io.crmemail.core.compose.MergeFields;
import io.crmemail.core.record.TableInfo;
import io.crmemail.core.template.Placeholders;
import io.crmemail.core.template.Template;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Subject, HTML and text of a {@code /api/v1} message as they are stored: taken from the request or, for what
 * it leaves empty, from its template; {@code {{name}}} variables filled; a default subject; HTML sanitised.
 * {@code {{field:slug}}} tokens stay, to be merged against the record at transmission.
 *
 * @param subject the subject, never blank
 * @param html    sanitised HTML, null for a text-only message
 * @param text    the plain-text alternative as given, null to derive it from the HTML
 */
record MessageContent(String subject, String html, String text) {

    static final String NO_SUBJECT = "(no subject)";

    /** One of subject, html and text with where it came from (the request field, or the template). */
    private record Part(String value, String field) {
        static Part pick(String requested, String requestField, Template template, String fromTemplate) {
            if (requested != null && !requested.isBlank()) {
                return new Part(requested, requestField);
            }
            if (template != null && fromTemplate != null && !fromTemplate.isBlank()) {
                return new Part(fromTemplate, "template_id");
            }
            return new Part(null, requestField);
        }
    }

    /**
     * The content, or null after reporting every problem found.
     *
     * @param template     the request's template, null for none
     * @param conversation the conversation it continues, null for a new one
     * @param table        the table of the message's record, null when it is on no record
     */
    static MessageContent of(MessageRequest request, Template template, Conversation conversation, TableInfo table,
                             Limits limits, List<FieldError> errors) {
        int before = errors.size();
        if (request.subject() != null) {
            FieldChecks.subject("subject", request.subject(), limits.maxSubjectChars(), errors);
        }
        Part subject = Part.pick(request.subject(), "subject", template, template == null ? null : template.subject());
        Part html = Part.pick(request.html(), "html", template, template == null ? null : template.html());
        Part text = Part.pick(request.text(), "text", template, template == null ? null : template.text());
        if (html.value() == null && text.value() == null) {
            errors.add(FieldChecks.invalid("html", template == null ? "html or text is required"
                    : "html or text is required: template " + template.id() + " has neither"));
        }
        Map<String, String> variables = request.variables();
        checkVariables(variables, List.of(subject, html, text), errors);
        if (errors.size() > before) {
            return null;
        }

        String filledSubject = Placeholders.fill(subject.value(), variables, Placeholders.HEADER);
        if (filledSubject == null || filledSubject.isBlank()) {
            filledSubject = conversation != null ? conversation.replySubject(limits.maxSubjectChars()) : NO_SUBJECT;
        }
        String filledHtml = Placeholders.fill(html.value(), variables, Placeholders.HTML);
        String filledText = Placeholders.fill(text.value(), variables, Placeholders.TEXT);

        FieldChecks.subject(subject.field(), filledSubject, limits.maxSubjectChars(), errors);
        FieldChecks.bodySize(html.field(), filledHtml, limits.maxBodyChars(), errors);
        FieldChecks.bodySize(text.field(), filledText, limits.maxBodyChars(), errors);
        FieldChecks.mergeFields(table, subject.field(), filledSubject, errors);
        FieldChecks.mergeFields(table, html.field(), filledHtml, errors);
        FieldChecks.mergeFields(table, text.field(), filledText, errors);
        if (errors.size() > before) {
            return null;
        }
        // Like a CRM send: the body may be shown on a timeline, so no scripts or handlers get stored.
        return new MessageContent(filledSubject, filledHtml == null ? null : HtmlSanitizer.sanitize(filledHtml),
                filledText);
    }

    /**
     * Every placeholder needs a value, and no value may carry a record merge token: it would be merged at
     * transmission, letting a variable (often end-user data) read any field of the record.
     */
    private static void checkVariables(Map<String, String> variables, List<Part> parts, List<FieldError> errors) {
        Set<String> used = new LinkedHashSet<>();
        parts.forEach(p -> used.addAll(Placeholders.names(p.value())));
        for (String name : used) {
            if (variables.get(name) == null) {
                errors.add(FieldChecks.invalid("variables." + name, "no value for the placeholder {{" + name + "}}"));
            }
        }
        variables.forEach((name, value) -> {
            if (value != null && !MergeFields.slugs(value).isEmpty()) {
                errors.add(FieldChecks.invalid("variables." + name,
                        "variables." + name + " must not contain a {{field:…}} merge token"));
            }
        });
    }
}
