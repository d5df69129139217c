package io.crmemail.core.signature;

/** The body of signature create and update: {@code {name, html, is_default}}. */
public record SignatureRequest(String name, String html, boolean isDefault) {
}
