package io.crmemail.core.inbound;

import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises bounce reports: standard delivery status notifications (multipart/report;
 * report-type=delivery-status, RFC 3464) and the common non-standard kinds (an X-Failed-Recipients header,
 * mailer-daemon notices that quote the original headers in their text).
 */
final class BounceParser {

    /** One failed recipient. */
    record Failure(String recipient, String status, String diagnostic, boolean hard) {
    }

    /** A recognised bounce: who failed, and the Message-IDs that may name the original message. */
    record Bounce(List<Failure> failures, List<String> originalMessageIds) {
    }

    private static final Pattern ENHANCED_STATUS = Pattern.compile("\\b([245])\\.(\\d{1,3})\\.(\\d{1,3})\\b");
    private static final Pattern SMTP_CODE = Pattern.compile("(?m)(?:^|\\s)([45]\\d\\d)[ -]");
    private static final Pattern QUOTED_MESSAGE_ID = Pattern.compile("(?im)^\\s*Message-ID:\\s*(<[^<>\\s]+>)");
    private static final Pattern POSTFIX_RECIPIENT = Pattern.compile("(?m)^<([^<>\\s@]+@[^<>\\s]+)>:");
    private static final Pattern ANY_ADDRESS = Pattern.compile("[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    private static final Pattern BOUNCE_SUBJECT = Pattern.compile(
            "undeliver|returned mail|delivery status notification \\(failure|delivery failure|mail delivery failed"
                    + "|failure notice|delivery has failed|non.?delivery", Pattern.CASE_INSENSITIVE);
    private static final int MAX_REPORT_CHARS = 256 * 1024;
    private static final Pattern CONTINUATION = Pattern.compile("\n[ \t]+");
    private static final Pattern BLANK_LINE = Pattern.compile("\n\\s*\n");
    private static final Pattern ANGLE_BRACKETS = Pattern.compile("^<|>$");
    private static final Pattern LINE_BREAK = Pattern.compile("\r?\n");
    private static final java.util.Map<String, Pattern> FIELDS = java.util.stream.Stream.of(
                    "Final-Recipient", "Original-Recipient", "Action", "Status", "Diagnostic-Code")
            .collect(java.util.stream.Collectors.toMap(name -> name,
                    name -> Pattern.compile("(?im)^" + Pattern.quote(name) + ":\\s*(.*)$")));

    private BounceParser() {
    }

    static Optional<Bounce> parse(MimeMessage message, MailBody body) {
        if (isDeliveryStatusReport(message)) {
            return Optional.of(fromReport(message, body));
        }
        return looksLikeBounce(message) ? fromText(message, body) : Optional.empty();
    }

    private static boolean isDeliveryStatusReport(MimeMessage message) {
        try {
            ContentType type = new ContentType(message.getContentType());
            return type.match("multipart/report")
                    && "delivery-status".equalsIgnoreCase(type.getParameter("report-type"));
        } catch (MessagingException | RuntimeException e) {
            return false;
        }
    }

    private static boolean looksLikeBounce(MimeMessage message) {
        if (MailHeaders.raw(message, "X-Failed-Recipients") != null) {
            return true;
        }
        String from = String.valueOf(MailHeaders.raw(message, "From")).toLowerCase(Locale.ROOT);
        String subject = MailHeaders.text(message, "Subject");
        return (from.contains("mailer-daemon") || from.contains("postmaster"))
                && subject != null && BOUNCE_SUBJECT.matcher(subject).find();
    }

    private static Bounce fromReport(MimeMessage message, MailBody body) {
        List<Failure> failures = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (Part part : reportParts(message)) {
            String type = MailBodyWalker.baseType(part);
            if (type.equals("message/delivery-status")) {
                failures.addAll(deliveryStatus(MailBodyWalker.read(part)));
            } else if (type.equals("message/rfc822") || type.equals("text/rfc822-headers")) {
                ids.addAll(quotedMessageIds(headerText(part)));
            }
        }
        ids.addAll(MailHeaders.messageIds(message, "In-Reply-To"));
        ids.addAll(MailHeaders.messageIds(message, "References"));
        return new Bounce(failures, List.copyOf(ids));
    }

    private static List<Part> reportParts(MimeMessage message) {
        try {
            return message.getContent() instanceof Multipart multipart ? parts(multipart) : List.of();
        } catch (IOException | MessagingException | RuntimeException e) {
            return List.of();
        }
    }

    private static List<Part> parts(Multipart multipart) throws MessagingException {
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < multipart.getCount() && i < 20; i++) {
            parts.add(multipart.getBodyPart(i));
        }
        return parts;
    }

    /** The header block of an attached original (message/rfc822 or text/rfc822-headers), as text. */
    private static String headerText(Part part) {
        String text = MailBodyWalker.read(part);
        int end = text.indexOf("\n\n");
        int crlf = text.indexOf("\r\n\r\n");
        int cut = end < 0 ? crlf : crlf < 0 ? end : Math.min(end, crlf);
        return cut < 0 ? text : text.substring(0, cut);
    }

    /** RFC 3464 per-recipient blocks: Final-Recipient, Action, Status, Diagnostic-Code. */
    static List<Failure> deliveryStatus(String report) {
        String unfolded = CONTINUATION.matcher(report.replace("\r\n", "\n")).replaceAll(" ");
        List<Failure> failures = new ArrayList<>();
        for (String block : BLANK_LINE.split(unfolded)) {
            String recipient = address(field(block, "Final-Recipient"));
            if (recipient == null) {
                recipient = address(field(block, "Original-Recipient"));
            }
            String action = String.valueOf(field(block, "Action")).strip().toLowerCase(Locale.ROOT);
            if (recipient == null || !(action.equals("failed") || action.equals("delayed"))) {
                continue;
            }
            String status = field(block, "Status");
            status = status == null ? null : status.strip();
            String diagnostic = field(block, "Diagnostic-Code");
            if (diagnostic != null && diagnostic.indexOf(';') > 0) {
                diagnostic = diagnostic.substring(diagnostic.indexOf(';') + 1).strip();
            }
            boolean hard = action.equals("failed") && (status == null || !status.startsWith("4"));
            failures.add(new Failure(recipient, status, diagnostic, hard));
        }
        return failures;
    }

    private static Optional<Bounce> fromText(MimeMessage message, MailBody body) {
        String text = body.text() != null ? body.text() : body.html() != null ? body.html() : "";
        if (text.length() > MAX_REPORT_CHARS) {
            text = text.substring(0, MAX_REPORT_CHARS);
        }
        Set<String> recipients = new LinkedHashSet<>();
        String failed = MailHeaders.raw(message, "X-Failed-Recipients");
        if (failed != null) {
            Matcher m = ANY_ADDRESS.matcher(failed);
            while (m.find()) {
                recipients.add(m.group());
            }
        }
        if (recipients.isEmpty()) {
            Matcher m = POSTFIX_RECIPIENT.matcher(text);
            while (m.find()) {
                recipients.add(m.group(1));
            }
        }
        Set<String> ids = new LinkedHashSet<>(quotedMessageIds(text));
        for (Part part : body.attachments()) {
            String type = MailBodyWalker.baseType(part);
            if (type.equals("message/rfc822") || type.equals("text/rfc822-headers")) {
                ids.addAll(quotedMessageIds(headerText(part)));
            }
        }
        ids.addAll(MailHeaders.messageIds(message, "In-Reply-To"));
        ids.addAll(MailHeaders.messageIds(message, "References"));
        if (recipients.isEmpty()) {
            return Optional.of(new Bounce(List.of(), List.copyOf(ids)));
        }
        String status = firstMatch(ENHANCED_STATUS, text, 0);
        String code = firstMatch(SMTP_CODE, text, 1);
        String decisive = status != null ? status : code;
        boolean hard = decisive == null || decisive.startsWith("5");
        String diagnostic = diagnosticLine(text, decisive);
        List<Failure> failures = new ArrayList<>();
        for (String recipient : recipients) {
            failures.add(new Failure(recipient, decisive, diagnostic, hard));
        }
        return Optional.of(new Bounce(failures, List.copyOf(ids)));
    }

    static List<String> quotedMessageIds(String text) {
        List<String> ids = new ArrayList<>();
        Matcher m = QUOTED_MESSAGE_ID.matcher(text);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    private static String field(String block, String name) {
        Matcher m = FIELDS.get(name).matcher(block);
        return m.find() ? m.group(1).strip() : null;
    }

    /** "rfc822; lead@example.org" → lead@example.org. */
    private static String address(String value) {
        if (value == null) {
            return null;
        }
        String address = value.contains(";") ? value.substring(value.indexOf(';') + 1).strip() : value.strip();
        address = ANGLE_BRACKETS.matcher(address).replaceAll("");
        return address.contains("@") ? address : null;
    }

    private static String firstMatch(Pattern pattern, String text, int group) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(group) : null;
    }

    private static String diagnosticLine(String text, String code) {
        if (code == null) {
            return null;
        }
        for (String line : LINE_BREAK.split(text)) {
            if (line.contains(code)) {
                String trimmed = line.strip();
                return trimmed.length() > 500 ? trimmed.substring(0, 500) : trimmed;
            }
        }
        return null;
    }
}
