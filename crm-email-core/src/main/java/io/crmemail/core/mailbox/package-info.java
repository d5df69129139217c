/**
 * Connected mailboxes: a user's Gmail or Office 365 account used to send (SMTP with XOAUTH2) and, optionally,
 * polled over IMAP for replies. Access tokens come from a {@link io.crmemail.core.mailbox.TokenProvider}.
 */
package io.crmemail.core.mailbox;
