package io.crmemail.core.template;

/**
 * What a caller asks to save as a template; at least one of {@code html} and {@code text} is required.
 *
 * @param name    unique within the account, one line, at most 200 characters
 * @param subject subject template (one line, at most 998 characters), may be null
 * @param html    HTML template, may be null
 * @param text    plain-text template, may be null
 */
public record TemplateRequest(String name, String subject, String html, String text) {
}
