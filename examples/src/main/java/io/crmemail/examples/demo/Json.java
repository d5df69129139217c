package io.crmemail.examples.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmemail.core.json.EmailJson;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON answers of the demo's own endpoints, in the same shape as the library's ({@code {"error": {...}}}). */
final class Json {

    static final ObjectMapper MAPPER = EmailJson.mapper();

    private Json() {
    }

    static void write(HttpServletResponse response, int status, Object body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        MAPPER.writeValue(response.getOutputStream(), body);
    }

    /** Answers 405 with {@code Allow: GET} unless the request is a GET; true when it is. */
    static boolean onlyGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if ("GET".equals(request.getMethod())) {
            return true;
        }
        response.setHeader("Allow", "GET");
        error(response, 405, "method_not_allowed", "use GET", null);
        return false;
    }

    static void error(HttpServletResponse response, int status, String code, String message, String field)
            throws IOException {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        if (field != null) {
            error.put("field", field);
        }
        if (status == 401) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        write(response, status, Map.of("error", error));
    }

    /** An error to answer with; thrown from deep inside a handler. */
    static final class Failure extends Exception {
        final int status;
        final String code;
        final String field;

        Failure(int status, String code, String message, String field) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
            this.field = field;
        }

        void answer(HttpServletResponse response) throws IOException {
            error(response, status, code, getMessage(), field);
        }
    }
}
