package io.crmemail.core.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

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
