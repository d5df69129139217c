package io.crmemail.core.compose;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlToTextTest {

    @Test
    void blocksBecomeLines() {
        String text = HtmlToText.convert("<h1>Title</h1><p>Hello   <b>there</b>,\n  friend.</p><div>a</div><div>b</div>"
                + "<p>one<br>two</p>");
        assertThat(text).isEqualTo("Title\n\nHello there, friend.\n\na\nb\n\none\ntwo");
    }

    @Test
    void listItemsGetDashes() {
        assertThat(HtmlToText.convert("<p>List:</p><ul><li>one</li><li>two <i>2</i></li></ul><p>end</p>"))
                .isEqualTo("List:\n\n- one\n- two 2\n\nend");
    }

    @Test
    void linksShowTheirUrl() {
        String text = HtmlToText.convert("<p><a href=\"https://x.org/a\">Site</a> "
                + "<a href=\"https://x.org/b\">https://x.org/b</a> <a href=\"mailto:a@b.c\">a@b.c</a> "
                + "<a href=\"mailto:a@b.c\">Mail us</a> <a href=\"#top\">Top</a> <a href=\"javascript:x\">J</a> "
                + "<a href=\"https://x.org/c\"><img src=\"i.png\"></a></p>");
        assertThat(text).isEqualTo("Site (https://x.org/a) https://x.org/b a@b.c Mail us (mailto:a@b.c) Top J "
                + "https://x.org/c");
    }

    @Test
    void imagesKeepOnlyAltText() {
        assertThat(HtmlToText.convert("<p>Logo: <img src=\"a.png\" alt=\"ACME\"><img src=\"b.png\" alt=\" \"></p>"))
                .isEqualTo("Logo: ACME");
    }

    @Test
    void hiddenAndNonContentNeverAppear() {
        String html = "<html><head><title>T</title><style>p{color:red}</style></head><body>"
                + "<script>var x = 1;</script><p>Visible</p>"
                + "<img src=\"https://t/p.png\" alt=\"pixel\" style=\"display: none;width:1px\">"
                + "<div style=\"DISPLAY:NONE\">secret</div><span hidden>h</span></body></html>";
        assertThat(HtmlToText.convert(html)).isEqualTo("Visible");
    }

    @Test
    void atMostOneBlankLineAndNoTrailingBlanks() {
        String text = HtmlToText.convert("<p>a</p><p></p><br><br><br><div></div><p>b</p><br><br><p> </p>");
        assertThat(text).isEqualTo("a\n\nb");
    }

    @Test
    void tableRowsAreLines() {
        assertThat(HtmlToText.convert("<table><tr><td>Name</td><td>Ann</td></tr><tr><th>Age</th><td>3</td></tr></table>"))
                .isEqualTo("Name Ann\nAge 3");
    }

    @Test
    void blockquoteAndEntities() {
        assertThat(HtmlToText.convert("<p>x &amp; y&nbsp;&nbsp;z</p><blockquote>quoted</blockquote>"))
                .isEqualTo("x & y z\n\nquoted");
    }

    @Test
    void nullAndBlank() {
        assertThat(HtmlToText.convert(null)).isEmpty();
        assertThat(HtmlToText.convert("  ")).isEmpty();
    }
}
