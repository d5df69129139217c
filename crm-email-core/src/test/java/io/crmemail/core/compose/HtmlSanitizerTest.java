package io.crmemail.core.compose;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlSanitizerTest {

    @Test
    void removesActiveContent() {
        String out = HtmlSanitizer.sanitize("<p onclick=\"x()\">Hi<script>alert(1)</script></p>"
                + "<style>p{color:red}</style><iframe src=\"http://x\">f</iframe><object data=x>o</object>"
                + "<embed src=x><form action=\"http://x\"><input name=a><textarea>t</textarea>Form text</form>"
                + "<a href=\"javascript:alert(1)\">js</a><a href=\" JaVaScRiPt:alert(1)\">js2</a>"
                + "<a href=\"vbscript:msgbox\">vb</a><img src=\"x\" onerror=\"alert(1)\">");
        assertThat(out).doesNotContainIgnoringCase("script").doesNotContain("onclick", "onerror", "alert",
                "iframe", "object", "embed", "form", "input", "textarea", "color:red");
        assertThat(out).contains("<p>Hi</p>", "Form text", ">js</a>");
    }

    @Test
    void keepsFormattingAndSafeLinks() {
        String html = "<div><b>b</b><i>i</i><u>u</u><strong>s</strong><em>e</em><br><span>s</span></div>"
                + "<h2>t</h2><ul><li>one</li></ul><ol><li>two</li></ol><hr><blockquote>q</blockquote>"
                + "<font color=\"#f00\" face=\"Arial\">f</font>"
                + "<a href=\"https://example.org/x?a=1&amp;b=2\" title=\"t\">l</a><a href=\"mailto:a@b.c\">m</a>"
                + "<a href=\"tel:+123\">t</a>"
                + "<table width=\"100%\" border=\"0\"><tr><td align=\"left\" colspan=\"2\">c</td></tr></table>";
        String out = HtmlSanitizer.sanitize(html);
        assertThat(out).contains("<b>b</b>", "<i>i</i>", "<u>u</u>", "<strong>s</strong>", "<em>e</em>", "<br>",
                "<h2>t</h2>", "<li>one</li>", "<hr>", "<blockquote>q</blockquote>",
                "<font color=\"#f00\" face=\"Arial\">f</font>",
                "href=\"https://example.org/x?a=1&amp;b=2\"", "href=\"mailto:a@b.c\"", "href=\"tel:+123\"",
                "<table width=\"100%\" border=\"0\">", "<td align=\"left\" colspan=\"2\">c</td>");
    }

    @Test
    void outputsBodyFragmentWithoutWrapperOrPrettyPrinting() {
        String out = HtmlSanitizer.sanitize("<html><head><title>T</title></head><body><p>a</p><p>b</p></body></html>");
        assertThat(out).isEqualTo("<p>a</p><p>b</p>");
    }

    @Test
    void keepsImagesWithAllowedSources() {
        String out = HtmlSanitizer.sanitize("<img src=\"https://x.org/a.png\" width=\"10\" height=\"20\" alt=\"A\">"
                + "<img src=\"cid:logo@x\"><img src=\"data:image/png;base64,iVBORw0KGgo=\">"
                + "<img src=\"data:text/html;base64,PHNjcmlwdD4=\"><img src=\"javascript:x\"><img src=\"ftp://x/a\">");
        assertThat(out).contains("<img src=\"https://x.org/a.png\" width=\"10\" height=\"20\" alt=\"A\">",
                "<img src=\"cid:logo@x\">", "<img src=\"data:image/png;base64,iVBORw0KGgo=\">");
        assertThat(out).doesNotContain("data:text", "javascript", "ftp:");
    }

    @Test
    void keepsSafeStyles() {
        String out = HtmlSanitizer.sanitize("<p style=\"color:#333;font-size:12px\">a</p>"
                + "<div style=\"background:url('https://x.org/bg.png')\">b</div>"
                + "<div style=\"background-image:url(cid:bg)\">c</div>");
        assertThat(out).contains("style=\"color:#333;font-size:12px\"",
                "style=\"background:url('https://x.org/bg.png')\"", "style=\"background-image:url(cid:bg)\"");
    }

    @Test
    void dropsDangerousStylesButKeepsElements() {
        String[] bad = {
            "width: expression(alert(1))", "background:url(javascript:alert(1))", "behavior: url(x.htc)",
            "@import 'http://x/a.css'", "background:url(//evil.org/a.png)", "background: url( \"ftp://x\" )",
            "width: expr\\65 ssion(alert(1))", "width: exp/**/ression(alert(1))", "-moz-binding:url(x.xml)",
            "background:URL(relative.png)"
        };
        for (String style : bad) {
            String out = HtmlSanitizer.sanitize("<p style=\"" + style.replace("\"", "&quot;") + "\">x</p>");
            assertThat(out).as(style).isEqualTo("<p>x</p>");
        }
    }

    @Test
    void keepsTextAndEscapesIt() {
        assertThat(HtmlSanitizer.sanitize("a &lt;b&gt; & c")).isEqualTo("a &lt;b&gt; &amp; c");
        assertThat(HtmlSanitizer.sanitize(null)).isEmpty();
        assertThat(HtmlSanitizer.sanitize("")).isEmpty();
    }

    @Test
    void handlesLargeInput() {
        StringBuilder html = new StringBuilder();
        while (html.length() < 200_000) {
            html.append("<p style=\"color:red\" onclick=\"x\">Paragraph <b>bold</b> <a href=\"https://x.org\">l</a>"
                    + "<script>bad()</script></p>");
        }
        long start = System.nanoTime();
        String out = HtmlSanitizer.sanitize(html.toString());
        assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
        assertThat(out).doesNotContain("onclick", "<script").contains("<b>bold</b>");
    }
}
