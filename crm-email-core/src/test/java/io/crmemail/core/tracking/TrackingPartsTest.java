package io.crmemail.core.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrackingPartsTest {

    @Test
    void thePixelIsOneTransparentPixel() throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(Pixel.png()));
        assertThat(image.getWidth()).isEqualTo(1);
        assertThat(image.getHeight()).isEqualTo(1);
        assertThat(image.getRGB(0, 0) >>> 24).as("alpha").isZero();
        assertThat(Pixel.CONTENT_TYPE).isEqualTo("image/png");
    }

    @Test
    void tokensAreRandomAndWellFormed() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String pixel = Tokens.pixelToken();
            assertThat(Tokens.isPixelToken(pixel)).isTrue();
            assertThat(seen.add(pixel)).isTrue();
            assertThat(Tokens.isReplyToken(Tokens.replyToken())).isTrue();
        }
        assertThat(Tokens.isPixelToken("../etc/passwd")).isFalse();
        assertThat(Tokens.isPixelToken("ABCDEF0123456789ABCDEF0123456789")).isFalse();
        assertThat(Tokens.messageId("Acme.COM")).matches("<[0-9a-f]{40}@acme\\.com>");
    }

    @Test
    void clickTokensAndThreadIdsHaveTheirOwnShape() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String click = Tokens.clickToken();
            assertThat(click).matches("c[0-9a-f]{32}");
            assertThat(Tokens.isClickToken(click)).isTrue();
            assertThat(Tokens.isPixelToken(click)).isFalse();
            assertThat(seen.add(click)).isTrue();
            String thread = Tokens.threadId();
            assertThat(thread).matches("thr_[0-9a-f]{24}");
            assertThat(Tokens.isThreadId(thread)).isTrue();
            assertThat(seen.add(thread)).isTrue();
        }
        assertThat(Tokens.isClickToken(Tokens.pixelToken())).isFalse();
        assertThat(Tokens.isClickToken("C0123456789ABCDEF0123456789ABCDEF")).isFalse();
        assertThat(Tokens.isClickToken(null)).isFalse();
        assertThat(Tokens.isThreadId("thr_../../etc/passwd")).isFalse();
        assertThat(Tokens.isThreadId(null)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) BingPreview/1.0b",
            "Microsoft Office Existence Discovery",
            "Mozilla/4.0 (compatible; ms-office; MSOffice 16)",
            "Mozilla/5.0 (compatible; SafeLinks/1.0)",
            "Proofpoint URL Defense",
            "Mozilla/5.0 (compatible; Mimecast URL Protect)",
            "Barracuda Sentinel (EE)",
            "Symantec Email Security.cloud",
            "MessageLabs Link Scanner",
            "Cisco IronPort Email Security",
            "Mozilla/5.0 (compatible; Trend Micro InterScan)",
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "Twitterbot/1.0",
            "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
            "WhatsApp/2.23.20.0",
            "TelegramBot (like TwitterBot)",
            "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5",
            "Discordbot/2.0",
            "python-requests/2.31.0",
            "Python-urllib/3.11",
            "curl/8.5.0",
            "Wget/1.21.4",
            "Go-http-client/2.0",
            "Java/17.0.9",
            "okhttp/4.12.0",
            "axios/1.6.2",
            "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
            "Mozilla/5.0 (WindowsPowerShell/5.1.19041.3803)",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36",
            "Mozilla/5.0 (compatible; Embedly/0.2; +http://support.embed.ly/)",
            "AppEngine-Google; (+http://code.google.com/appengine; appid: s~scanner)"})
    void scannersPreviewsAndLibrariesAreAutomated(String userAgent) {
        assertThat(AutomatedAgents.isAutomated(userAgent)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.2365.66",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0",
            "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Mobile Safari/537.36",
            "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Gecko/20100101 Thunderbird/115.8.0",
            "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
            "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html"})
    void peopleAndMailProxiesAreNotAutomated(String userAgent) {
        assertThat(AutomatedAgents.isAutomated(userAgent)).isFalse();
    }

    @Test
    void scannersAndLibrariesAreAutomatedPeopleAndMailProxiesAreNot() {
        assertThat(AutomatedAgents.isAutomated(null)).isTrue();
        assertThat(AutomatedAgents.isAutomated("")).isTrue();
        assertThat(AutomatedAgents.isAutomated("curl/8.5.0")).isTrue();
        assertThat(AutomatedAgents.isAutomated("Mozilla/5.0 (compatible; Barracuda Sentinel)")).isTrue();
        assertThat(AutomatedAgents.isAutomated("Microsoft Office Protocol Discovery")).isTrue();
        assertThat(AutomatedAgents.isAutomated("Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)"))
                .isFalse();
        assertThat(AutomatedAgents.isAutomated("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15"))
                .isFalse();
    }
}
