package io.crmemail.core.integration;

/** How the connection to the SMTP server is secured. */
public enum SmtpSecurity {
    /** Plain text; only for local relays and tests. */
    NONE,
    /** Plain connect, then STARTTLS (required: the send fails if the server does not offer it). */
    STARTTLS,
    /** TLS from the first byte (SMTPS, usually port 465). */
    TLS
}
