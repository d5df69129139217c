package io.crmemail.core.compose;

import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

/**
 * Assembles the complete HTML document that is sent: body, signature and tracking pixel.
 *
 * <p>The signature is separated from the body by a single {@code <br>} and wrapped in
 * {@code <div class="crm-email-signature">}. The body is not sanitised here: the CRM user wrote it and
 * merged record values were escaped while rendering.
 */
public final class HtmlDocument {

    private static final Pattern FULL_DOCUMENT = Pattern.compile("(?i)<!doctype|<html[\\s>]|<body[\\s>]");

    private HtmlDocument() {
    }

    /**
     * Builds {@code <!DOCTYPE html><html><head><meta charset="utf-8"></head><body>…</body></html>}.
     *
     * @param bodyHtml      body fragment, or a full document whose body's inner HTML is used; null → empty
     * @param signatureHtml already sanitised signature, omitted when blank
     * @param pixelUrl      tracking pixel URL, omitted when null
     */
    public static String build(String bodyHtml, String signatureHtml, String pixelUrl) {
        StringBuilder html = new StringBuilder(256 + length(bodyHtml) + length(signatureHtml));
        html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>");
        html.append(bodyFragment(bodyHtml));
        if (signatureHtml != null && !signatureHtml.isBlank()) {
            html.append("<br><div class=\"crm-email-signature\">").append(signatureHtml).append("</div>");
        }
        if (pixelUrl != null) {
            html.append("<img src=\"").append(MergeFields.escapeHtml(pixelUrl))
                    .append("\" width=\"1\" height=\"1\" alt=\"\" ")
                    .append("style=\"display:none;border:0;width:1px;height:1px\">");
        }
        return html.append("</body></html>").toString();
    }

    private static String bodyFragment(String bodyHtml) {
        if (bodyHtml == null) {
            return "";
        }
        if (!FULL_DOCUMENT.matcher(bodyHtml).find()) {
            // A fragment goes in verbatim: re-serialising it through a parser could alter what the user wrote.
            return bodyHtml;
        }
        Document doc = Jsoup.parse(bodyHtml);
        doc.outputSettings().prettyPrint(false);
        return doc.body().html();
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }
}
