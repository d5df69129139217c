package io.crmemail.core.inbound;

import java.util.List;

/**
 * The readable content of a message and its attachments, found within the caps.
 *
 * @param text        first inline text/plain part, null when none
 * @param html        first inline text/html part, null when none
 * @param attachments everything else worth keeping, streamed out by the caller
 */
record MailBody(String text, String html, List<jakarta.mail.Part> attachments) {
}
