package io.crmemail.core.template;

import java.time.Instant;

/**
 * A saved message template of an account. Subject, HTML and text use the same merge syntax as a send:
 * {@code {{field:slug}}} for the record's fields and {@code {{name}}} for the caller's variables.
 *
 * @param id        store-assigned id, 0 before it is stored
 * @param accountId owning account
 * @param name      unique within the account
 * @param subject   subject template, may be null
 * @param html      HTML template, may be null
 * @param text      plain-text template, may be null
 * @param createdAt when it was created
 * @param updatedAt when it was last changed
 */
public record Template(long id, long accountId, String name, String subject, String html, String text,
                       Instant createdAt, Instant updatedAt) {

    public Template withId(long newId) {
        return new Template(newId, accountId, name, subject, html, text, createdAt, updatedAt);
    }
}
