package io.crmemail.servlet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny router: path templates with {@code {name}} (one segment) and {@code {name*}} (the rest) mapped to
 * handlers per method. No match is a 404; a path match with another method is a 405 with {@code Allow}.
 */
final class Router {

    /** Handles one matched request; throws to have the error written. */
    @FunctionalInterface
    interface Handler {
        void handle(Exchange exchange) throws IOException;
    }

    private record Route(String method, String template, Pattern pattern, List<String> names, Handler handler) {
    }

    private static final Pattern PARAM = Pattern.compile("\\{(\\w+)(\\*?)}");

    private final List<Route> routes = new ArrayList<>();

    Router route(String method, String template, Handler handler) {
        List<String> names = new ArrayList<>();
        StringBuilder regex = new StringBuilder();
        Matcher m = PARAM.matcher(template);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start())));
            regex.append(m.group(2).isEmpty() ? "([^/]+)" : "(.*)");
            names.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        routes.add(new Route(method, template, Pattern.compile(regex.toString()), List.copyOf(names), handler));
        return this;
    }

    /** Every route as {@code "METHOD template"}, e.g. {@code "POST /api/email/signature/{id}/update"}, in order. */
    List<String> routes() {
        return routes.stream().map(r -> r.method() + " " + r.template()).toList();
    }

    void dispatch(Exchange exchange) throws IOException {
        String path = exchange.path();
        Set<String> allowed = Set.of();
        for (Route route : routes) {
            Matcher m = route.pattern().matcher(path);
            if (!m.matches()) {
                continue;
            }
            if (!route.method().equals(exchange.method())) {
                if (allowed.isEmpty()) {
                    allowed = new LinkedHashSet<>();
                }
                allowed.add(route.method());
                continue;
            }
            exchange.params(params(route, m));
            route.handler().handle(exchange);
            return;
        }
        if (allowed.isEmpty()) {
            throw ApiException.notFound("no endpoint " + exchange.method() + " " + path);
        }
        exchange.response().setHeader("Allow", String.join(", ", allowed));
        throw ApiException.methodNotAllowed(exchange.method() + " is not allowed on " + path + "; use "
                + String.join(" or ", allowed));
    }

    private static Map<String, String> params(Route route, Matcher m) {
        List<String> names = route.names();
        if (names.size() == 1) {
            // Most routes have one parameter (the pixel's token, an id): no map to build.
            return Map.of(names.get(0), m.group(1));
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            params.put(names.get(i), m.group(i + 1));
        }
        return params;
    }
}
