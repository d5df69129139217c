package io.crmemail.servlet;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmemail.core.EmailService;
import io.crmemail.core.json.EmailJson;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The CRM record email endpoints as a handful of servlets, mounted with one call:
 *
 * <pre>{@code
 * CrmEmailServlets.builder(emailService)
 *         .authenticator(RequestAuthenticator.firstOf(new SessionAuthenticator(), new BearerTokenAuthenticator(keys)))
 *         .accessPolicy((caller, tableId) -> permissions.canWrite(caller, tableId))
 *         .build()
 *         .mount(servletContext);
 * }</pre>
 *
 * Or take {@link #servlets()} and register each with the container yourself (Spring's
 * {@code ServletRegistrationBean}).
 */
public final class CrmEmailServlets {

    /** Default limit of a JSON request body: 1 MB. */
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    /** Default limit of a raw message posted to the inbound webhook: 50 MB. */
    public static final long DEFAULT_MAX_WEBHOOK_BYTES = 50L * 1024 * 1024;
    /** Default bound of a v1 send with {@code "wait": true}. */
    public static final Duration DEFAULT_SEND_WAIT_LIMIT = Duration.ofSeconds(10);

    /**
     * One servlet and the URL patterns it must be mapped to.
     *
     * @param name        a unique servlet name, e.g. {@code crm-email-api}
     * @param servlet     the instance
     * @param urlPatterns its mappings, relative to the context path
     */
    public record ServletMount(String name, HttpServlet servlet, List<String> urlPatterns) {
    }

    /**
     * How the OpenAPI document writes a route whose template a router cannot say in OpenAPI terms: a
     * {@code {rest*}} catch-all. Any other {@code {name*}} becomes {@code {name}}.
     */
    private static final Map<String, String> DOCUMENTED_AS = Map.of(
            "/email/pixel/{rest*}", "/email/pixel/{token}.png",
            "/email/click/{rest*}", "/email/click/{token}");

    private final List<ServletMount> servlets;
    private final List<String> routes;

    private CrmEmailServlets(Builder b) {
        ObjectMapper mapper = EmailJson.mapper();
        Guard guard = new Guard(b.authenticator, b.accessPolicy);
        JsonBodies bodies = new JsonBodies(mapper, b.maxBodyBytes);

        Router api = new Router();
        new EmailEndpoints(b.email, guard, bodies).register(api);
        new SignatureEndpoints(b.email, guard, bodies).register(api);
        Router table = new Router();
        new CommentEndpoints(b.email, guard, bodies).register(table);
        Router pixel = new Router();
        new PixelEndpoint(b.email).register(pixel);
        Router webhook = new Router();
        new WebhookEndpoint(b.email, b.maxWebhookBytes).register(webhook);
        Router click = new Router();
        new ClickEndpoint(b.email).register(click);
        Router unsubscribe = new Router();
        new UnsubscribeEndpoint(b.email).register(unsubscribe);
        Router v1 = new Router();
        V1Gate gate = new V1Gate(b.email, guard, b.accessPolicy);
        V1Idempotency idempotency = new V1Idempotency(b.email);
        V1EmailEndpoints emails = new V1EmailEndpoints(b.email, gate, idempotency, bodies, b.sendWaitLimit);
        emails.register(v1);
        new V1BatchEndpoint(b.email, gate, idempotency, bodies).register(v1);
        new V1TemplateEndpoints(b.email, gate, idempotency, bodies).register(v1);
        new V1UploadEndpoints(b.email, gate, idempotency, bodies, emails,
                new MultipartLimits(b.maxUploadFiles, b.maxUploadFileBytes, MultipartLimits.DEFAULT_MAX_FIELDS,
                        Math.max(MultipartLimits.DEFAULT_MAX_FIELD_BYTES, b.maxBodyBytes)), b.uploadTempDir).register(v1);

        servlets = List.of(
                new ServletMount("crm-email-api", new RoutedServlet(api, mapper), List.of("/api/email/*")),
                new ServletMount("crm-email-table", new RoutedServlet(table, mapper), List.of("/api/table/*")),
                new ServletMount("crm-email-pixel", new RoutedServlet(pixel, mapper), List.of("/email/pixel/*")),
                new ServletMount("crm-email-webhook", new RoutedServlet(webhook, mapper),
                        List.of("/webhooks/email_receive")),
                new ServletMount("crm-email-click", new RoutedServlet(click, mapper), List.of("/email/click/*")),
                new ServletMount("crm-email-unsubscribe", new RoutedServlet(unsubscribe, mapper),
                        List.of("/email/unsubscribe/*")),
                new ServletMount("crm-email-v1", new RoutedServlet(v1, mapper, ErrorStyle.V1), List.of("/api/v1/*")));
        routes = routesOf(api, table, pixel, webhook, click, unsubscribe, v1);
    }

    private static List<String> routesOf(Router... routers) {
        return Stream.of(routers).flatMap(r -> r.routes().stream()).map(route -> {
            int space = route.indexOf(' ');
            String template = route.substring(space + 1);
            return route.substring(0, space + 1)
                    + DOCUMENTED_AS.getOrDefault(template, template.replaceAll("\\{(\\w+)\\*}", "{$1}"));
        }).toList();
    }

    public static Builder builder(EmailService emailService) {
        return new Builder(emailService);
    }

    /** The servlets with their URL patterns, for containers where you register servlets yourself. */
    public List<ServletMount> servlets() {
        return servlets;
    }

    /**
     * Every route the servlets serve, as {@code "METHOD /path/{param}"} in the form of the OpenAPI document
     * ({@code io/crmemail/servlet/openapi.yaml}), e.g. {@code "GET /email/pixel/{token}.png"}.
     */
    List<String> routes() {
        return routes;
    }

    /**
     * Adds every servlet to the context. Call it while the context is being initialised (before a Jetty
     * context starts, from a {@code ServletContainerInitializer} or Spring's {@code ServletContextInitializer}).
     *
     * @throws IllegalStateException when a servlet of the same name is already registered
     */
    public void mount(ServletContext context) {
        for (ServletMount mount : servlets) {
            ServletRegistration.Dynamic registration = context.addServlet(mount.name(), mount.servlet());
            if (registration == null) {
                throw new IllegalStateException("a servlet named " + mount.name() + " is already registered");
            }
            registration.addMapping(mount.urlPatterns().toArray(String[]::new));
        }
    }

    /** Configures the servlets; {@link #authenticator} and {@link #accessPolicy} are required. */
    public static final class Builder {
        private final EmailService email;
        private RequestAuthenticator authenticator;
        private AccessPolicy accessPolicy;
        private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private long maxWebhookBytes = DEFAULT_MAX_WEBHOOK_BYTES;
        private Duration sendWaitLimit = DEFAULT_SEND_WAIT_LIMIT;
        private int maxUploadFiles = MultipartLimits.DEFAULT_MAX_FILES;
        private long maxUploadFileBytes = MultipartLimits.DEFAULT_MAX_FILE_BYTES;
        private Path uploadTempDir = Path.of(System.getProperty("java.io.tmpdir"));

        private Builder(EmailService email) {
            this.email = Objects.requireNonNull(email, "emailService");
        }

        /** Who a request is; see {@link RequestAuthenticator#firstOf}. */
        public Builder authenticator(RequestAuthenticator v) { authenticator = v; return this; }
        /** Which tables a caller may write; {@link AccessPolicy#allowAll()} for demos. */
        public Builder accessPolicy(AccessPolicy v) { accessPolicy = v; return this; }
        /** Largest JSON request body in bytes (default 1 MB); larger ones get 413. */
        public Builder maxBodyBytes(long v) { maxBodyBytes = positive(v, "maxBodyBytes"); return this; }
        /** Largest raw message on the inbound webhook in bytes (default 50 MB); larger ones get 413. */
        public Builder maxWebhookBytes(long v) { maxWebhookBytes = positive(v, "maxWebhookBytes"); return this; }
        /** Most file parts in one v1 multipart request (default 10); more get 400. */
        public Builder maxUploadFiles(int v) { maxUploadFiles = (int) positive(v, "maxUploadFiles"); return this; }
        /** Largest file part of a v1 multipart request in bytes (default 50 MB); larger ones get 413. */
        public Builder maxUploadFileBytes(long v) { maxUploadFileBytes = positive(v, "maxUploadFileBytes"); return this; }
        /** Where multipart file parts are spooled while a request is handled (default java.io.tmpdir). */
        public Builder uploadTempDir(Path v) { uploadTempDir = java.util.Objects.requireNonNull(v, "uploadTempDir"); return this; }
        /** How long a v1 send with {@code "wait": true} waits for the first delivery attempt (default 10 s). */
        public Builder sendWaitLimit(Duration v) {
            if (v == null || v.isNegative() || v.isZero()) {
                throw new IllegalArgumentException("sendWaitLimit must be positive");
            }
            sendWaitLimit = v;
            return this;
        }

        public CrmEmailServlets build() {
            Objects.requireNonNull(authenticator, "authenticator is required");
            Objects.requireNonNull(accessPolicy, "accessPolicy is required (AccessPolicy.allowAll() for demos)");
            return new CrmEmailServlets(this);
        }

        private static long positive(long v, String name) {
            if (v <= 0) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return v;
        }
    }
}
