package io.crmemail.core.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

class ClickLinksTest {

    private static final String BODY = "<p><a href=\"https://shop.example/offer?a=1&amp;b=2\">offer</a> "
            + "<a href=\"mailto:sales@acme.com\">mail</a> <a href=\"tel:+15551234\">call</a> <a href=\"#top\">top</a> "
            + "<a href=\"https://docs.example/\" data-notrack>docs</a> "
            + "<a href=\"https://shop.example/prefs/unsubscribe?u=1\">preferences</a> "
            + "<a href=\"https://shop.example/u?u=1\">Unsubscribe here</a> "
            + "<a href=\"https://crm.example/r/{{field:id}}\">yours</a> "
            + "<a href=\" HTTP://Shop.example/Ünï code?q=a b \">odd</a> "
            + "<a href=\"https://x.example/a&#10;b\">broken across lines</a> "
            + "<a href=\"ftp://files.example/x\">ftp</a> "
            + "<a href=\"https://shop.example/offer?a=1&amp;b=2\">again</a></p>";

    @Test
    void tracksHttpLinksOnlyInDocumentOrderUnescapedAndAsABrowserWouldRequestThem() {
        assertThat(ClickLinks.trackableUrls(BODY)).containsExactly(
                "https://shop.example/offer?a=1&b=2",
                "HTTP://Shop.example/%C3%9Cn%C3%AF%20code?q=a%20b",
                "https://x.example/ab",
                "https://shop.example/offer?a=1&b=2");
        assertThat(ClickLinks.trackableUrls(null)).isEmpty();
        assertThat(ClickLinks.trackableUrls(" ")).isEmpty();
    }

    @Test
    void rewritePointsTheNthTrackableLinkAtTheNthUrlAndLeavesTheRestAlone() {
        List<String> hrefs = Jsoup.parse(ClickLinks.rewrite(BODY, List.of("T1", "T2", "T3", "T4")))
                .select("a[href]").stream().map(e -> e.attr("href")).toList();
        assertThat(hrefs).containsExactly("T1", "mailto:sales@acme.com", "tel:+15551234", "#top",
                "https://docs.example/", "https://shop.example/prefs/unsubscribe?u=1", "https://shop.example/u?u=1",
                "https://crm.example/r/{{field:id}}", "T2", "T3", "ftp://files.example/x", "T4");
    }

    @Test
    void linksBeyondTheTokensStayAsTheyAre() {
        String html = ClickLinks.rewrite(BODY, List.of("T1"));
        Element last = Jsoup.parse(html).select("a[href]").last();
        assertThat(last.attr("href")).isEqualTo("https://shop.example/offer?a=1&b=2");
        assertThat(ClickLinks.rewrite(BODY, List.of())).isSameAs(BODY);
    }

    @Test
    void overlongAndControlCharacterUrlsAreNotTracked() {
        String longUrl = "https://x.example/" + "ü".repeat(3000);
        String html = "<a href=\"" + longUrl + "\">long</a><a href=\"https://x.example/a&#1;b\">ctl</a>"
                + "<a href=\"https://ok.example/\">ok</a>";
        assertThat(ClickLinks.trackableUrls(html)).containsExactly("https://ok.example/");
    }
}
