package io.crmemail.core.inbound;

import jakarta.mail.internet.MimeMessage;
import java.util.Locale;
import java.util.regex.Pattern;

/** Recognises automatic replies (RFC 3834 Auto-Submitted, vendor headers, out-of-office subjects). */
final class AutoReplies {

    private static final Pattern SUBJECT = Pattern.compile(
            "^(out of (the )?office|automatic reply|auto:|autoreply|auto-reply|abwesenheitsnotiz|"
                    + "réponse automatique|respuesta automática|i am (currently )?out of)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern PRECEDENCE = Pattern.compile("auto_reply|bulk|junk");

    private AutoReplies() {
    }

    static boolean isAutoReply(MimeMessage message, String subject) {
        String autoSubmitted = MailHeaders.raw(message, "Auto-Submitted");
        if (autoSubmitted != null && !autoSubmitted.strip().toLowerCase(Locale.ROOT).startsWith("no")) {
            return true;
        }
        if (MailHeaders.raw(message, "X-Autoreply") != null || MailHeaders.raw(message, "X-Autorespond") != null
                || MailHeaders.raw(message, "X-Auto-Response-Suppress") != null
                && MailHeaders.raw(message, "X-MS-Exchange-Generated-Message-Source") != null) {
            return true;
        }
        String precedence = MailHeaders.raw(message, "Precedence");
        if (precedence != null && PRECEDENCE.matcher(precedence.strip().toLowerCase(Locale.ROOT)).matches()) {
            return true;
        }
        return subject != null && SUBJECT.matcher(subject.strip()).find();
    }
}
