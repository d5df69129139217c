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
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        mapper.writeValue(response.getOutputStream(), body);
    }
}
