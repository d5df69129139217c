package io.crmemail.core.tracking;

import java.util.List;
import java.util.Locale;

/**
 * Tells machine hits (security scanners, link checkers, chat and social link previews, prefetchers, HTTP
 * libraries) from people by user agent. Only people's opens and clicks move a message's engagement.
 *
 * <p>Mail-provider image proxies (Gmail, Yahoo) fetch on the reader's behalf when the mail is opened, so they
 * count as people; Apple Mail Privacy Protection cannot be told apart by user agent at all. Outlook for
 * Windows fetches images as {@code Microsoft Office/16.0 (… Microsoft Outlook …)} when the reader opens the
 * mail, so that is a person too; Office's link checks before a click ({@code ms-office},
 * {@code Microsoft Office Protocol/Existence Discovery}) are not. Many gateway scanners (Microsoft Defender
 * Safe Links among them) fetch with an ordinary browser's user agent: those cannot be recognised here.
 */
public final class AutomatedAgents {

    /** Fetches made for a person reading the mail, checked before the markers. */
    private static final List<String> PEOPLE_VIA_PROXY = List.of("googleimageproxy", "yahoomailproxy");

    /** Device names that contain a marker by accident (the CUBOT phones), removed before matching. */
    private static final List<String> INNOCENT = List.of("cubot");

    private static final List<String> MARKERS = List.of(
            // generic words crawlers and preview fetchers put in their names (BingPreview, Googlebot, …)
            "bot", "crawler", "spider", "slurp", "scanner", "preview", "prefetch", "headless",
            // browser automation
            "phantomjs", "puppeteer", "playwright", "selenium",
            // HTTP libraries and command-line tools
            "curl/", "wget/", "python-requests", "python-urllib", "python-httpx", "aiohttp", "scrapy",
            "go-http-client", "java/", "okhttp", "apache-httpclient", "jakarta commons-httpclient", "libwww-perl",
            "httpie", "axios/", "node-fetch", "undici", "got (", "winhttp", "powershell", "guzzlehttp",
            // mail security gateways and link scanners
            "barracuda", "mimecast", "proofpoint", "urldefense", "symantec", "messagelabs", "trendmicro",
            "trend micro", "sophos", "fortinet", "forcepoint", "websense", "cisco", "ironport", "zscaler",
            "safelinks", "linkchecker", "virustotal", "appengine-google",
            // Office's own checks before it opens a link
            "microsoft office protocol discovery", "microsoft office existence discovery", "ms-office",
            // chat and social link previews
            "facebookexternalhit", "facebookcatalog", "slackbot", "slack-imgproxy", "discordbot", "whatsapp",
            "telegrambot", "skypeuripreview", "twitterbot", "linkedinbot", "embedly", "iframely", "vkshare");

    private AutomatedAgents() {
    }

    /** True for a missing user agent or one that names a known scanner, bot, preview or library. */
    public static boolean isAutomated(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return true;
        }
        String ua = userAgent.toLowerCase(Locale.ROOT);
        for (String proxy : PEOPLE_VIA_PROXY) {
            if (ua.contains(proxy)) {
                return false;
            }
        }
        for (String innocent : INNOCENT) {
            ua = ua.replace(innocent, "");
        }
        for (String marker : MARKERS) {
            if (ua.contains(marker)) {
                return true;
            }
        }
        return false;
    }
}
