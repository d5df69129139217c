package io.crmemail.core.inbound;

import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises delivery reports: standard delivery status notifications (multipart/report;
 * report-type=delivery-status, RFC 3464), which may report failures and successful deliveries alike, and the
 * common non-standard bounce kinds (an X-Failed-Recipients header, mailer-daemon notices that quote the
 * original headers in their text).
 */
final class BounceParser {

    /** One failed recipient (RFC 3464 action {@code failed}, or {@code delayed}: a soft failure). */
    record Failure(String recipient, String status, String diagnostic, boolean hard) {
    }

    /**
     * One recipient the report says the message reached: action {@code delivered}, or {@code relayed} /
     * {@code expanded} (handed on where no further report will come from, which is as far as we can know).
     */
    record Delivery(String recipient, String action, String status, String remoteMta) {

        /** The {@code delivered} event's details: recipient, action, and status and remoteMta when known. */
        Map<String, String> details() {
            Map<String, String> details = new LinkedHashMap<>();
            details.put("recipient", recipient);
            details.put("action", action);
            if (status != null) {
                details.put("status", status);
            }
            if (remoteMta != null) {
                details.put("remoteMta", remoteMta);
            }
            return details;
        }
    }

    /** A recognised report: who failed, who was reached, and the Message-IDs that may name the original. */
    record Report(List<Failure> failures, List<Delivery> deliveries, List<String> originalMessageIds) {
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
    private static final Pattern ACTION = Pattern.compile("[a-z]+");
    private static final Map<String, Pattern> FIELDS = java.util.stream.Stream.of(
                    "Final-Recipient", "Original-Recipient", "Action", "Status", "Diagnostic-Code", "Remote-MTA")
            .collect(java.util.stream.Collectors.toMap(name -> name,
                    name -> Pattern.compile("(?im)^" + Pattern.quote(name) + ":\\s*(.*)$")));

    private BounceParser() {
    }

    static Optional<Report> parse(MimeMessage message, MailBody body) {
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

    private static Report fromReport(MimeMessage message, MailBody body) {
        List<Failure> failures = new ArrayList<>();
        List<Delivery> deliveries = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (Part part : reportParts(message)) {
            String type = MailBodyWalker.baseType(part);
            if (type.equals("message/delivery-status")) {
                deliveryStatus(MailBodyWalker.read(part), failures, deliveries);
            } else if (type.equals("message/rfc822") || type.equals("text/rfc822-headers")) {
                ids.addAll(quotedMessageIds(headerText(part)));
            }
        }
        ids.addAll(MailHeaders.messageIds(message, "In-Reply-To"));
        ids.addAll(MailHeaders.messageIds(message, "References"));
        return new Report(failures, deliveries, List.copyOf(ids));
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

    /**
     * RFC 3464 per-recipient blocks (Final-Recipient, Action, Status, Diagnostic-Code, Remote-MTA), sorted into
     * failures and deliveries; blocks without a recipient or with an unknown action are skipped.
     */
    private static void deliveryStatus(String report, List<Failure> failures, List<Delivery> deliveries) {
        String unfolded = CONTINUATION.matcher(report.replace("\r\n", "\n")).replaceAll(" ");
        for (String block : BLANK_LINE.split(unfolded)) {
            String recipient = address(field(block, "Final-Recipient"));
            if (recipient == null) {
                recipient = address(field(block, "Original-Recipient"));
            }
            if (recipient == null) {
                continue;
            }
            String action = action(block);
            String status = field(block, "Status");
            switch (action) {
                case "failed", "delayed" -> failures.add(new Failure(recipient, status,
                        typed(field(block, "Diagnostic-Code")),
                        action.equals("failed") && (status == null || !status.startsWith("4"))));
                case "delivered", "relayed", "expanded" ->
                        deliveries.add(new Delivery(recipient, action, status, typed(field(block, "Remote-MTA"))));
                default -> { }
            }
        }
    }

    /** The action's keyword, lower case; some MTAs add a comment after it. */
    private static String action(String block) {
        Matcher m = ACTION.matcher(String.valueOf(field(block, "Action")).toLowerCase(Locale.ROOT));
        return m.lookingAt() ? m.group() : "";
    }

    /** "smtp; 550 …" → "550 …", "dns; mx.example.org" → "mx.example.org": the value without its type. */
    private static String typed(String value) {
        return value == null || value.indexOf(';') <= 0 ? value : value.substring(value.indexOf(';') + 1).strip();
    }

    private static Optional<Report> fromText(MimeMessage message, MailBody body) {
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
            return Optional.of(new Report(List.of(), List.of(), List.copyOf(ids)));
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
        return Optional.of(new Report(failures, List.of(), List.copyOf(ids)));
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
