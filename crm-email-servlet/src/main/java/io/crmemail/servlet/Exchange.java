package io.crmemail.servlet;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/** One request being handled: the servlet pair, its request id, the route's path parameters. */
final class Exchange {

    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final String requestId;
    private final ObjectMapper mapper;
    private Map<String, String> params = Map.of();
    private Written written;
    private boolean deferred;

    Exchange(HttpServletRequest request, HttpServletResponse response, ObjectMapper mapper) {
        this.request = request;
        this.response = response;
        this.mapper = mapper;
        this.requestId = RequestIds.choose(request.getHeader(RequestIds.HEADER));
        response.setHeader(RequestIds.HEADER, requestId);
    }

    HttpServletRequest request() {
        return request;
    }

    HttpServletResponse response() {
        return response;
    }

    String requestId() {
        return requestId;
    }

    String method() {
        return request.getMethod();
    }

    /** The path inside the context, decoded, e.g. {@code /api/email/send}. */
    String path() {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        return (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
    }

    void params(Map<String, String> matched) {
        params = matched;
    }

    String param(String name) {
        return params.get(name);
    }

    /** A numeric path segment; anything else means the route does not exist. */
    long idParam(String name) {
        String value = params.get(name);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.notFound("no endpoint " + method() + " " + path());
        }
    }

    void json(int status, Object body) throws IOException {
        bytes(status, mapper.writeValueAsBytes(body));
    }

    /** Writes a JSON body already serialised (a replayed response, say). */
    void bytes(int status, byte[] json) throws IOException {
        written = new Written(status, json);
        if (!deferred) {
            send(written);
        }
    }

    /** From now on responses are kept until {@link #flush()}: an idempotency key is saved before the client sees them. */
    void defer() {
        deferred = true;
    }

    /** Sends the kept response, if any. */
    void flush() throws IOException {
        deferred = false;
        if (written != null) {
            send(written);
        }
    }

    private void send(Written out) throws IOException {
        byte[] json = out.body();
        response.setStatus(out.status());
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(json.length);
        response.getOutputStream().write(json);
    }

    /** The JSON response written by this exchange, or null; idempotency keys save it for replays. */
    Written written() {
        return written;
    }

    /** A JSON response as it went out. */
    record Written(int status, byte[] body) {
    }
}
