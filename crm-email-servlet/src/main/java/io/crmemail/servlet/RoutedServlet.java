package io.crmemail.servlet;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The one servlet class: every mounted servlet is an instance with its own {@link Router}. Gives each
 * request its X-Request-ID and turns failures into JSON errors.
 */
final class RoutedServlet extends HttpServlet {

    private final Router router;
    private final ObjectMapper mapper;
    private final ErrorStyle errors;

    RoutedServlet(Router router, ObjectMapper mapper) {
        this(router, mapper, ErrorStyle.CRM);
    }

    RoutedServlet(Router router, ObjectMapper mapper, ErrorStyle errors) {
        this.router = router;
        this.mapper = mapper;
        this.errors = errors;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) {
        Exchange exchange = new Exchange(request, response, mapper);
        try {
            router.dispatch(exchange);
        } catch (Exception e) {
            ErrorResponses.write(exchange, e, errors);
        }
    }
}
