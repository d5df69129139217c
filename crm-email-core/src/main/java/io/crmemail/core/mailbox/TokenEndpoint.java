package io.crmemail.core.mailbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmemail.core.integration.OAuthSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One OAuth2 {@code refresh_token} grant (RFC 6749 section 6) against a token endpoint. Errors say what the
 * endpoint answered but never carry a token: neither ours nor one the endpoint echoed.
 */
final class TokenEndpoint {

    /** What a successful refresh gave: the access token, its lifetime, and a rotated refresh token or null. */
    record Grant(String accessToken, Duration expiresIn, String rotatedRefreshToken) {
        @Override
        public String toString() {
            return "Grant[accessToken=***, expiresIn=" + expiresIn + ", rotated=" + (rotatedRefreshToken != null) + "]";
        }
    }

    /** Lifetime assumed when the endpoint does not say ({@code expires_in} is only RECOMMENDED). */
    static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_DETAIL = 200;

    private final HttpClient http;
    private final Duration requestTimeout;

    TokenEndpoint(HttpClient http, Duration requestTimeout) {
        this.http = http;
        this.requestTimeout = requestTimeout;
    }

    Grant refresh(OAuthSettings oauth, String refreshToken) throws TokenException {
        URI uri;
        try {
            uri = URI.create(oauth.tokenEndpoint());
        } catch (IllegalArgumentException e) {
            throw new TokenException("the token endpoint is not a valid URI: " + oauth.tokenEndpoint(), true);
        }
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form(oauth, refreshToken)))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new TokenException("the token endpoint " + uri + " did not answer within " + requestTimeout, false, e);
        } catch (IOException e) {
            throw new TokenException("the token endpoint " + uri + " is unreachable: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + oneLine(e.getMessage())), false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenException("interrupted while refreshing the access token", false, e);
        }
        return grant(uri, response.statusCode(), response.body());
    }

    static Grant grant(URI uri, int status, String body) throws TokenException {
        JsonNode json = parse(body);
        String error = text(json, "error");
        if (status == 200 && error == null) {
            String access = text(json, "access_token");
            if (access == null) {
                throw new TokenException("the token endpoint " + uri + " answered 200 without an access_token", false);
            }
            JsonNode expires = json.get("expires_in");
            // Some endpoints send the lifetime as a string ("3599"); asLong reads both.
            long seconds = expires == null || expires.isNull() ? DEFAULT_LIFETIME.toSeconds() : expires.asLong(-1);
            if (seconds <= 0) {
                throw new TokenException("the token endpoint " + uri + " answered an invalid expires_in", false);
            }
            return new Grant(access, Duration.ofSeconds(seconds), text(json, "refresh_token"));
        }
        String detail = error == null ? "HTTP " + status
                : "HTTP " + status + " " + error + describe(text(json, "error_description"));
        // RFC 6749 5.2: invalid_grant is a revoked or expired refresh token, invalid_client / unauthorized_client a
        // client the provider no longer accepts. Neither passes by waiting: someone has to reconnect the mailbox.
        boolean permanent = status == 400 || status == 401 || "invalid_grant".equals(error)
                || "invalid_client".equals(error) || "unauthorized_client".equals(error);
        throw new TokenException("the token endpoint " + uri + " refused the refresh: " + detail, permanent);
    }

    private static String form(OAuthSettings oauth, String refreshToken) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("grant_type", "refresh_token");
        fields.put("client_id", oauth.clientId());
        if (oauth.clientSecret() != null) {
            fields.put("client_secret", oauth.clientSecret());
        }
        fields.put("refresh_token", refreshToken);
        if (oauth.scope() != null && !oauth.scope().isBlank()) {
            fields.put("scope", oauth.scope());
        }
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : JSON.readTree(body);
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            // An HTML error page from a proxy, say: the status decides.
            return JSON.createObjectNode();
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode v = json.get(field);
        return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
    }

    private static String describe(String description) {
        return description == null ? "" : " (" + oneLine(description) + ")";
    }

    private static String oneLine(String s) {
        String line = s.replaceAll("[\\p{Cntrl}]+", " ").strip();
        return line.length() > MAX_DETAIL ? line.substring(0, MAX_DETAIL) + "…" : line;
    }
}
