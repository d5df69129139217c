package io.crmemail.core.inbound;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Cuts the quoted history off a plain-text reply: the attribution line of Gmail and Apple Mail
 * ("On … wrote:", also wrapped over two lines and in a few other languages), Outlook's "-----Original
 * Message-----", its underscore rule and "From: … Sent: …" header block, Thunderbird's "&gt;" quoting.
 */
final class QuotedHistory {

    private static final List<Pattern> CUT_BEFORE = List.of(
            Pattern.compile("^-{2,}\\s*Original Message\\s*-{2,}\\s*$", Pattern.CASE_INSENSITIVE),
            Pattern.compile("^-{2,}\\s*(Ursprüngliche Nachricht|Message d'origine|Mensaje original)\\s*-{2,}\\s*$",
                    Pattern.CASE_INSENSITIVE),
            Pattern.compile("^_{20,}\\s*$"),
            Pattern.compile("^(On|Am|Le|El|Op|Il) .{4,300}(wrote|schrieb|a écrit|escribió|schreef|ha scritto)\\s*:\\s*$",
                    Pattern.CASE_INSENSITIVE),
            Pattern.compile("^(From|Von|De):\\s.+$"));

    /** An attribution wrapped by the sender's client: "On Tue, 3 Mar 2026 at 10:00, Jane" / "<j@x> wrote:". */
    private static final Pattern WRAPPED_ATTRIBUTION_START = Pattern.compile("^(On|Am|Le|El) .{4,200}$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern FROM_LINE = Pattern.compile("(?i)^(From|Von|De):.*");
    private static final Pattern WRAPPED_ATTRIBUTION_END = Pattern.compile(
            "^.{0,200}(wrote|schrieb|a écrit|escribió)\\s*:\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern OUTLOOK_SENT = Pattern.compile("^(Sent|Date|Gesendet|Envoyé|Enviado):\\s.+$",
            Pattern.CASE_INSENSITIVE);

    private QuotedHistory() {
    }

    /** The reply without the quoted history; the whole text when no history is recognised. */
    static String strip(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String[] lines = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
        int cut = lines.length;
        for (int i = 0; i < lines.length && cut == lines.length; i++) {
            String line = lines[i].strip();
            if (startsHistory(lines, i, line)) {
                cut = i;
            }
        }
        // Thunderbird and plain clients: a trailing block of "> " lines (blank lines allowed in between).
        int end = cut;
        while (end > 0 && (lines[end - 1].startsWith(">") || lines[end - 1].isBlank())) {
            end--;
        }
        boolean quotedTail = false;
        for (int i = end; i < cut; i++) {
            quotedTail |= lines[i].startsWith(">");
        }
        if (quotedTail) {
            cut = end;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < cut; i++) {
            out.append(lines[i]).append('\n');
        }
        String reply = out.toString().strip();
        return reply.isEmpty() ? text.strip() : reply;
    }

    private static boolean startsHistory(String[] lines, int i, String line) {
        for (Pattern pattern : CUT_BEFORE) {
            if (pattern.matcher(line).matches()) {
                // "From: x" alone is too common in prose; Outlook's header block has Sent:/Date: right after.
                return !FROM_LINE.matcher(line).matches() || (i + 1 < lines.length
                        && OUTLOOK_SENT.matcher(lines[i + 1].strip()).matches());
            }
        }
        return i + 1 < lines.length && WRAPPED_ATTRIBUTION_START.matcher(line).matches()
                && WRAPPED_ATTRIBUTION_END.matcher(lines[i + 1].strip()).matches()
                && !line.endsWith(".");
    }
}
