package io.crmemail.core;

import java.time.Duration;

/**
 * Input limits. Anything over a limit is refused with a clear error rather than truncated.
 *
 * @param maxRecipients        to + cc + bcc of one message
 * @param maxSubjectChars      RFC 5322 line limit
 * @param maxBodyChars         HTML body template size
 * @param maxAttachments       attachments per message
 * @param maxAttachmentBytes   total size of one message's attachments
 * @param maxSignatureBytes    signature HTML, UTF-8 bytes (the spec caps it at 200 KB)
 * @param maxScheduleAhead     how far in the future {@code scheduledAt} may lie
 */
public record Limits(int maxRecipients, int maxSubjectChars, int maxBodyChars, int maxAttachments,
                     long maxAttachmentBytes, int maxSignatureBytes, Duration maxScheduleAhead) {

    public static Limits defaults() {
        return new Limits(100, 998, 1_000_000, 20, 50L * 1024 * 1024, 200 * 1024, Duration.ofDays(365));
    }
}
