package io.crmemail.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmemail.servlet.SessionAuthenticator;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The host side of signing in: {@code POST /demo/login} with {@code {"token": "..."}} checks the token and
 * puts the user into a fresh session (where {@link SessionAuthenticator} finds it); {@code POST /demo/logout}
 * ends the session; {@code GET /demo/api/me} says who is signed in.
 */
final class LoginServlet extends HttpServlet {

    private static final int MAX_BODY = 4096;

    private final DemoWorld world;
    private final DemoAuth auth;

    LoginServlet(DemoWorld world, DemoAuth auth) {
        this.world = world;
        this.auth = auth;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!"/demo/api/me".equals(req.getServletPath())) {
            Json.error(resp, 405, "method_not_allowed", "use POST", null);
            return;
        }
        try {
            DemoWorld.User user = auth.require(req);
            Map<String, Object> me = new LinkedHashMap<>();
            me.put("id", user.id());
            me.put("name", user.name());
            me.put("email", user.email());
            me.put("writableTables", user.writableTables());
            Json.write(resp, 200, me);
        } catch (Json.Failure f) {
            f.answer(resp);
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        switch (req.getServletPath()) {
            case "/demo/login" -> login(req, resp);
            case "/demo/logout" -> {
                HttpSession session = req.getSession(false);
                if (session != null) {
                    session.invalidate();
                }
                Json.write(resp, 200, Map.of("ok", true));
            }
            default -> Json.error(resp, 405, "method_not_allowed", "use GET", null);
        }
    }

    private void login(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String contentType = req.getContentType();
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            Json.error(resp, 415, "unsupported_media_type", "send {\"token\": \"...\"} as application/json", null);
            return;
        }
        JsonNode body;
        try (InputStream in = req.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                Json.error(resp, 413, "payload_too_large", "the login body is limited to " + MAX_BODY + " bytes", null);
                return;
            }
            body = Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            Json.error(resp, 400, "validation_error", "the body is not valid JSON", null);
            return;
        }
        JsonNode token = body == null ? null : body.get("token");
        if (token == null || !token.isTextual() || token.asText().isBlank()) {
            Json.error(resp, 400, "validation_error", "token is required", "token");
            return;
        }
        DemoWorld.User user = world.userByToken(token.asText().strip()).orElse(null);
        if (user == null) {
            Json.error(resp, 401, "invalid_key", "unknown token", "token");
            return;
        }
        // A new session id at sign-in, so a session id planted before it is worth nothing (session fixation).
        HttpSession old = req.getSession(false);
        if (old != null) {
            old.invalidate();
        }
        req.getSession(true).setAttribute(SessionAuthenticator.DEFAULT_ATTRIBUTE, auth.principal(user));
        Json.write(resp, 200, Map.of("id", user.id(), "name", user.name()));
    }
}
