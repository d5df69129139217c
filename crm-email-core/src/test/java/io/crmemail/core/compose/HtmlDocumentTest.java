package io.crmemail.core.compose;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlDocumentTest {

    private static final String HEAD = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>";

    @Test
    void bodyOnly() {
        assertThat(HtmlDocument.build("<p>Hi</p>", null, null)).isEqualTo(HEAD + "<p>Hi</p></body></html>");
        assertThat(HtmlDocument.build(null, "  ", null)).isEqualTo(HEAD + "</body></html>");
    }

    @Test
    void fragmentIsNotRewritten() {
        String body = "<p>a<b>unclosed <script>x()</script>";
        assertThat(HtmlDocument.build(body, null, null)).isEqualTo(HEAD + body + "</body></html>");
    }

    @Test
    void signatureAndPixel() {
        String out = HtmlDocument.build("<p>Hi</p>", "<p>Ann</p>", "https://crm.example/email/pixel/abc.png?a=1&b=\"2\"");
        assertThat(out).isEqualTo(HEAD + "<p>Hi</p><br><div class=\"crm-email-signature\"><p>Ann</p></div>"
                + "<img src=\"https://crm.example/email/pixel/abc.png?a=1&amp;b=&quot;2&quot;\" width=\"1\" height=\"1\""
                + " alt=\"\" style=\"display:none;border:0;width:1px;height:1px\"></body></html>");
    }

    @Test
    void fullDocumentBodyIsUnwrapped() {
        String out = HtmlDocument.build("<!doctype html><html><head><title>x</title></head>"
                + "<body class=\"b\"><p>Inner</p></body></html>", "<i>sig</i>", null);
        assertThat(out).isEqualTo(HEAD + "<p>Inner</p><br><div class=\"crm-email-signature\"><i>sig</i></div>"
                + "</body></html>");
    }

    @Test
    void pixelIsHiddenFromTextAlternative() {
        String out = HtmlDocument.build("<p>Hi</p>", "<p>Ann</p>", "https://t/p.png");
        assertThat(HtmlToText.convert(out)).isEqualTo("Hi\n\nAnn");
    }
}
