package io.crmemail.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmemail.core.Caller;
import io.crmemail.core.EmailService;
import io.crmemail.jdbc.JdbcEmailStore;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcDataSource;
import io.crmemail.core.json.EmailJson;
import io.crmemail.core.store.EmailStore;
import io.crmemail.core.testsupport.TestWorld;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real Jetty 12 on a free port serving the mounted servlets over the {@link TestWorld} CRM, with
 * bearer tokens for three users of account 1 and a JDK HttpClient to talk to it.
 */
final class TestServer implements AutoCloseable {

    /** User 42: may write every table. */
    static final String TOKEN = "token-42";
    /** User 43: may write every table; owns none of user 42's signatures. */
    static final String OTHER_USER_TOKEN = "token-43";
    /** User 44: may write no table. */
    static final String READ_ONLY_TOKEN = "token-44";
    static final long READ_ONLY_USER = 44;
    /** The access policy throws for this table, to see what an unexpected failure looks like. */
    static final long BROKEN_TABLE = 666;

    /** User 77 of account 2: sees nothing of account 1. */
    static final String OTHER_ACCOUNT_TOKEN = "token-account-2";

    private static final Map<String, Caller> USERS = Map.of(
            TOKEN, TestWorld.CALLER,
            OTHER_ACCOUNT_TOKEN, new Caller(2, 77),
            OTHER_USER_TOKEN, new Caller(TestWorld.ACCOUNT, 43),
            READ_ONLY_TOKEN, new Caller(TestWorld.ACCOUNT, READ_ONLY_USER));

    final TestWorld world;
    final EmailService service;
    final HttpClient http;
    private final Server jetty;
    private final URI base;

    private TestServer(TestWorld world, EmailService service, Server jetty, URI base) {
        this.world = world;
        this.service = service;
        this.jetty = jetty;
        this.base = base;
        this.http = client();
    }

    private static final AtomicInteger DATABASES = new AtomicInteger();

    /**
     * The store every servlet test runs on: the JDBC store on a fresh in-memory H2 database (the embedded
     * default a host gets), migrated by the store itself.
     */
    static EmailStore newStore(Path temp) {
        JdbcDataSource h2 = new JdbcDataSource();
        // DB_CLOSE_DELAY=-1 keeps the database for the test's lifetime although connections come and go.
        h2.setURL("jdbc:h2:mem:servlet-test-" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
        JdbcEmailStore store = JdbcEmailStore.builder(h2).credentialKey(new byte[32]).build();
        store.migrate();
        return store;
    }

    /** Real clock and two delivery workers, as a host would run it. */
    static TestServer start(Path temp, int smtpPort) {
        return start(temp, smtpPort, b -> { });
    }

    static TestServer start(Path temp, int smtpPort, Consumer<CrmEmailServlets.Builder> servletConfig) {
        return start(temp, smtpPort, servletConfig, store -> store);
    }

    /** As {@link #start(Path, int, Consumer)}, with the service's store wrapped (e.g. to simulate an outage). */
    static TestServer start(Path temp, int smtpPort, Consumer<CrmEmailServlets.Builder> servletConfig,
                            java.util.function.UnaryOperator<EmailStore> wrapStore) {
        return start(temp, smtpPort, servletConfig, wrapStore, b -> { });
    }

    /** As above, with the service's builder adjusted too (send caps, say). */
    static TestServer start(Path temp, int smtpPort, Consumer<CrmEmailServlets.Builder> servletConfig,
                            java.util.function.UnaryOperator<EmailStore> wrapStore,
                            Consumer<EmailService.Builder> serviceConfig) {
        TestWorld world = new TestWorld(temp, smtpPort, newStore(temp));
        EmailService.Builder builder = world.serviceBuilder().store(wrapStore.apply(world.store))
                .clock(Clock.systemUTC()).workers(2).pollInterval(Duration.ofMillis(50));
        serviceConfig.accept(builder);
        EmailService service = builder.build().start();

        CrmEmailServlets.Builder servlets = CrmEmailServlets.builder(service)
                .authenticator(RequestAuthenticator.firstOf(
                        new SessionAuthenticator(),
                        new BearerTokenAuthenticator(token -> Optional.ofNullable(USERS.get(token))
                                .map(AuthenticatedUser::of))))
                .accessPolicy((caller, tableId) -> {
                    if (tableId == BROKEN_TABLE) {
                        throw new IllegalStateException("permission service down: secret-detail");
                    }
                    return caller.userId() != READ_ONLY_USER;
                });
        servletConfig.accept(servlets);

        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.setContextPath("/");
        servlets.build().mount(context.getServletContext());
        context.addServlet(new ServletHolder(new LoginServlet()), "/test/login");
        jetty.setHandler(context);
        try {
            jetty.start();
        } catch (Exception e) {
            service.close();
            throw new IllegalStateException("jetty did not start", e);
        }
        return new TestServer(world, service, jetty, URI.create("http://127.0.0.1:" + connector.getLocalPort()));
    }

    /** A client of its own (with a cookie jar), e.g. for session tests. */
    static HttpClient client() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager())
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Where the server listens, e.g. {@code http://127.0.0.1:41234}. */
    URI base() {
        return base;
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20));
    }

    /** A POST with extra headers given as name, value, name, value… */
    HttpResponse<String> post(String path, String token, String json, String... headers) {
        HttpRequest.Builder request = request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(authorized(request, token).build());
    }

    HttpResponse<String> delete(String path, String token) {
        return send(authorized(request(path).DELETE(), token).build());
    }

    HttpResponse<String> put(String path, String token, String json) {
        HttpRequest.Builder request = request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json));
        return send(authorized(request, token).build());
    }

    HttpResponse<String> get(String path, String token) {
        return send(authorized(request(path).GET(), token).build());
    }

    static HttpRequest.Builder authorized(HttpRequest.Builder request, String token) {
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    HttpResponse<String> send(HttpRequest request) {
        return send(http, request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> sendForBytes(HttpRequest request) {
        return send(http, request, HttpResponse.BodyHandlers.ofByteArray());
    }

    static <T> HttpResponse<T> send(HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return client.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return EmailJson.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.body(), e);
        }
    }

    /** A valid send request body from record 456 of table 123. */
    String sendBody() {
        return """
                {"tableId":123,"recordId":456,"smtpIntegrationId":%d,
                 "fromIdentity":{"name":"Sales","email":"sales@acme.com"},
                 "to":["Jane Doe <lead@example.org>"],"cc":[],"bcc":[],
                 "subject":"Welcome {{field:title}}","body":"<p>Hi {{field:title}},</p>"}
                """.formatted(world.integration.id());
    }

    static String commentsPath(long table, long record) {
        return "/api/table/" + table + "/record/" + record + "/comments/get";
    }

    @Override
    public void close() throws Exception {
        try {
            jetty.stop();
        } finally {
            service.close();
        }
    }

    /** Stands in for the host's login: puts user 42 into the session. */
    static final class LoginServlet extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) {
            req.getSession(true).setAttribute(SessionAuthenticator.DEFAULT_ATTRIBUTE, TestWorld.CALLER);
            resp.setStatus(204);
        }
    }
}
