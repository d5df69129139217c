package io.crmemail.examples.demo;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Serves the UI from the class path ({@code demo-web/}): the pages {@code /}, {@code /login},
 * {@code /record/{tid}/{rid}} and {@code /mailbox}, and the assets under {@code /static/}. Pages check the
 * session themselves (through {@code /demo/api/me}) and send the visitor to {@code /login} when needed.
 */
final class StaticServlet extends HttpServlet {

    private static final Pattern RECORD_PAGE = Pattern.compile("/record/\\d{1,18}/\\d{1,18}");
    private static final Pattern ASSET = Pattern.compile("/static/[a-z0-9-]+\\.(css|js|svg)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html;charset=utf-8",
            "css", "text/css;charset=utf-8",
            "js", "text/javascript;charset=utf-8",
            "svg", "image/svg+xml");
    /**
     * Scripts and styles only from here; the dev mailbox's pixel button may load any http(s) image. The
     * sandboxed iframe that shows mail HTML inherits this policy, and its remote images are stripped anyway.
     */
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data: http: https:; frame-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getRequestURI().substring(req.getContextPath().length());
        String resource;
        if (path.equals("/") || path.equals("/index.html")) {
            resource = "index.html";
        } else if (path.equals("/login")) {
            resource = "login.html";
        } else if (path.equals("/mailbox")) {
            resource = "mailbox.html";
        } else if (RECORD_PAGE.matcher(path).matches()) {
            resource = "record.html";
        } else if (ASSET.matcher(path).matches()) {
            resource = path.substring(1);
        } else {
            Json.error(resp, 404, "not_found", "no page " + path, null);
            return;
        }
        try (InputStream in = StaticServlet.class.getResourceAsStream("/demo-web/" + resource)) {
            if (in == null) {
                Json.error(resp, 404, "not_found", "no page " + path, null);
                return;
            }
            String ext = resource.substring(resource.lastIndexOf('.') + 1);
            resp.setContentType(TYPES.get(ext));
            resp.setHeader("Cache-Control", "no-cache");
            resp.setHeader("X-Content-Type-Options", "nosniff");
            resp.setHeader("Referrer-Policy", "same-origin");
            if (ext.equals("html")) {
                resp.setHeader("Content-Security-Policy", CSP);
            }
            in.transferTo(resp.getOutputStream());
        }
    }
}
