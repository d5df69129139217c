package io.crmemail.core.tracking;

import java.util.List;
import java.util.Locale;

/**
 * Tells machine hits (security scanners, link checkers, prefetchers) from people by user agent.
 * Mail-provider image proxies (Gmail, Yahoo) fetch on the reader's behalf when the mail is opened, so
 * they count as people; Apple Mail Privacy Protection cannot be told apart by user agent at all.
 */
public final class AutomatedAgents {

    private static final List<String> MARKERS = List.of(
            "bot", "crawler", "spider", "slurp", "scanner", "preview", "prefetch", "headless",
            "curl/", "wget/", "python-requests", "python-urllib", "go-http-client", "java/", "okhttp",
            "apache-httpclient", "libwww-perl", "httpie", "barracuda", "mimecast", "proofpoint", "symantec",
            "messagelabs", "trendmicro", "sophos", "fortinet", "forcepoint", "cisco", "ironport", "zscaler",
            "microsoft office protocol discovery", "ms-office", "safelinks", "urldefense", "linkchecker",
            "facebookexternalhit", "slackbot", "discordbot", "whatsapp", "telegrambot", "skypeuripreview");

    private AutomatedAgents() {
    }

    /** True for a missing user agent or one that names a known scanner, bot or library. */
    public static boolean isAutomated(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return true;
        }
        String ua = userAgent.toLowerCase(Locale.ROOT);
        if (ua.contains("googleimageproxy") || ua.contains("yahoomailproxy")) {
            return false;
        }
        for (String marker : MARKERS) {
            if (ua.contains(marker)) {
                return true;
            }
        }
        return false;
    }
}
