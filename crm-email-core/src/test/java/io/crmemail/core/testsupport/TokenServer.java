package io.crmemail.core.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local OAuth2 token endpoint for tests (the JDK's HTTP server on a loopback port). By default every call is
 * answered with a new access token {@code access-1}, {@code access-2}, … valid for {@link #expiresIn}; scripted
 * answers ({@link #answer}) go first. It records every call's form fields.
 */
public final class TokenServer implements AutoCloseable {

    /** One token request as received. */
    public record Call(String method, String contentType, Map<String, String> form) {
    }

    private record Answer(int status, String body) {
    }

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Deque<Answer> scripted = new ArrayDeque<>();
    private final AtomicInteger issued = new AtomicInteger();
    private volatile long expiresIn = 3600;
    private volatile Duration delay = Duration.ZERO;

    private TokenServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/token", this::handle);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "token-server");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public static TokenServer start() {
        try {
            return new TokenServer();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The token endpoint URL. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** The lifetime (seconds) of the access tokens it issues by default. */
    public TokenServer expiresIn(long seconds) {
        expiresIn = seconds;
        return this;
    }

    /** Waits this long before answering (to hold a refresh in flight). */
    public TokenServer delay(Duration d) {
        delay = d;
        return this;
    }

    /** Answers the next call with this status and JSON body. */
    public TokenServer answer(int status, String json) {
        synchronized (scripted) {
            scripted.add(new Answer(status, json));
        }
        return this;
    }

    /** Answers the next call with a new access token and a rotated refresh token. */
    public TokenServer rotateTo(String refreshToken) {
        int n = issued.incrementAndGet();
        return answer(200, "{\"access_token\":\"access-" + n + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                + expiresIn + ",\"refresh_token\":\"" + refreshToken + "\"}");
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public int callCount() {
        return calls.size();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            calls.add(new Call(exchange.getRequestMethod(), exchange.getRequestHeaders().getFirst("Content-Type"),
                    form(body)));
            if (!delay.isZero()) {
                Thread.sleep(delay.toMillis());
            }
            Answer answer;
            synchronized (scripted) {
                answer = scripted.poll();
            }
            if (answer == null) {
                answer = new Answer(200, "{\"access_token\":\"access-" + issued.incrementAndGet()
                        + "\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn + "}");
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }
}
