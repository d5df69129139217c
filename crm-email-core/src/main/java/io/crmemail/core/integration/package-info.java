/**
 * SMTP accounts that mail goes out through. {@link SmtpIntegration} (with {@link SmtpSecurity}) is what a
 * host saves through {@code EmailService}; it holds the credentials and keeps them out of {@code toString}.
 * {@link SmtpOption} is the credential-free view offered to the compose modal. All are public values.
 */
package io.crmemail.core.integration;
