package io.crmemail.core.template;

import io.crmemail.core.EmailException;
import io.crmemail.core.ErrorCode;
import io.crmemail.core.FieldError;
import io.crmemail.core.Limits;
import io.crmemail.core.store.DuplicateNameException;
import io.crmemail.core.store.EmailStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An account's message templates: validated, HTML sanitised (placeholders kept), names unique per account.
 * Another account's template is indistinguishable from a missing one.
 */
public final class TemplateService {

    static final int MAX_NAME_CHARS = 200;

    private final EmailStore store;
    private final Clock clock;
    private final Limits limits;

    public TemplateService(EmailStore store, Clock clock, Limits limits) {
        this.store = store;
        this.clock = clock;
        this.limits = limits;
    }

    public List<Template> list(long accountId) {
        return store.templates(accountId);
    }

    /** @throws EmailException not_found on {@code id} unless the template is the account's */
    public Template get(long accountId, long id) {
        return store.findTemplate(id)
                .filter(t -> t.accountId() == accountId)
                .orElseThrow(() -> EmailException.notFound("id", "unknown template " + id));
    }

    /** @throws EmailException validation_error / payload_too_large naming the field, conflict on {@code name} */
    public Template create(long accountId, TemplateRequest request) {
        Template valid = validate(request);
        Instant now = clock.instant();
        return save(new Template(0, accountId, valid.name(), valid.subject(), valid.html(), valid.text(), now, now));
    }

    /** @throws EmailException not_found, validation_error / payload_too_large, conflict on {@code name} */
    public Template update(long accountId, long id, TemplateRequest request) {
        Template existing = get(accountId, id);
        Template valid = validate(request);
        return save(new Template(id, accountId, valid.name(), valid.subject(), valid.html(), valid.text(),
                existing.createdAt(), clock.instant()));
    }

    /** @throws EmailException not_found unless the template is the account's */
    public void delete(long accountId, long id) {
        get(accountId, id);
        store.deleteTemplate(id);
    }

    private Template save(Template template) {
        try {
            return store.saveTemplate(template);
        } catch (DuplicateNameException e) {
            throw new EmailException(ErrorCode.CONFLICT, "name",
                    "a template named \"" + template.name() + "\" exists already");
        }
    }

    /** The request's values as they are stored (in a Template without ids or times), or every problem at once. */
    private Template validate(TemplateRequest request) {
        if (request == null) {
            throw EmailException.validation("name", "a template needs a name and html or text");
        }
        List<FieldError> errors = new ArrayList<>();
        String name = request.name() == null ? "" : request.name().strip();
        if (name.isEmpty() || name.length() > MAX_NAME_CHARS || !oneLine(name)) {
            errors.add(invalid("name", "name must be one line of 1 to " + MAX_NAME_CHARS + " characters"));
        }
        String subject = blankToNull(request.subject());
        if (subject != null && (!oneLine(subject) || subject.length() > limits.maxSubjectChars())) {
            errors.add(invalid("subject", "subject must be one line of at most " + limits.maxSubjectChars()
                    + " characters"));
        }
        String html = blankToNull(request.html());
        String text = blankToNull(request.text());
        if (html == null && text == null) {
            errors.add(invalid("html", "html or text is required"));
        }
        size("html", html, errors);
        size("text", text, errors);
        if (!errors.isEmpty()) {
            throw new EmailException(errors);
        }
        return new Template(0, 0, name, subject, Placeholders.sanitize(html), text, null, null);
    }

    private void size(String field, String value, List<FieldError> errors) {
        if (value != null && value.length() > limits.maxBodyChars()) {
            errors.add(new FieldError(ErrorCode.PAYLOAD_TOO_LARGE, field, field + " must be at most "
                    + limits.maxBodyChars() + " characters, got " + value.length()));
        }
    }

    private static boolean oneLine(String value) {
        return value.chars().noneMatch(Character::isISOControl);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static FieldError invalid(String field, String message) {
        return new FieldError(ErrorCode.VALIDATION_ERROR, field, message);
    }
}
