package io.crmemail.examples.demo;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.crmemail.core.EmailService;
import io.crmemail.core.attachment.FileSystemAttachmentStore;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.record.FieldInfo;
import io.crmemail.core.record.InMemoryRecordDirectory;
import io.crmemail.core.record.TableInfo;
import io.crmemail.servlet.CrmEmailServlets;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.HttpServlet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The whole demo CRM in one object: the dev SMTP catcher, the {@link EmailService} over the world's
 * records, and Jetty serving the library's endpoints, the demo's own endpoints and the UI. Started by
 * {@link DemoMain}, and in-process by the tests.
 */
public final class DemoServer implements AutoCloseable {

    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1", "[::1]");

    private final DemoOptions options;
    private final DemoWorld world;
    private final GreenMail catcher;
    private final EmailService email;
    private final DemoStores.DemoStore store;
    private final Server jetty;
    private final int httpPort;
    private final String publicUrl;

    private DemoServer(DemoOptions options, DemoWorld world, GreenMail catcher, EmailService email, DemoStores.DemoStore store,
                       Server jetty, int httpPort, String publicUrl) {
        this.options = options;
        this.world = world;
        this.catcher = catcher;
        this.email = email;
        this.store = store;
        this.jetty = jetty;
        this.httpPort = httpPort;
        this.publicUrl = publicUrl;
    }

    /** Starts everything; on failure whatever was started is stopped again. */
    public static DemoServer start(DemoOptions options, DemoWorld world) throws Exception {
        Path dataDir = options.dataDir().toAbsolutePath().normalize();
        Files.createDirectories(dataDir);
        GreenMail catcher = startCatcher(options.smtpPort());
        DemoStores.DemoStore store = null;
        EmailService email = null;
        Server jetty = new Server();
        try {
            ServerConnector connector = new ServerConnector(jetty);
            connector.setHost(options.host());
            connector.setPort(options.port());
            // Bound before the service is built: with port 0 the tracking links need the real port.
            connector.open();
            jetty.addConnector(connector);
            int httpPort = connector.getLocalPort();
            String publicUrl = options.effectivePublicUrl(httpPort);

            FileSystemAttachmentStore attachments = new FileSystemAttachmentStore(options.attachmentsDir());
            store = DemoStores.create(options);
            Path spool = Files.createDirectories(dataDir.resolve("spool"));
            email = EmailService.builder()
                    .store(store.store())
                    .records(records(world))
                    .attachments(attachments)
                    .publicBaseUrl(publicUrl)
                    .replyDomain(world.replyDomain())
                    .spoolDirectory(spool)
                    // Snappy for a demo: the timeline shows "sent" a moment after sending.
                    .pollInterval(Duration.ofMillis(250))
                    .build();
            int catcherPort = catcher == null ? 0 : catcher.getSmtp().getPort();
            for (DemoWorld.Smtp smtp : world.smtpIntegrations()) {
                email.saveIntegration(integration(world, smtp, catcherPort));
            }
            email.start();

            DemoAuth auth = new DemoAuth(world);
            ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
            context.setContextPath("/");
            // Strict: the API accepts the session cookie, so no other site may make the browser send it.
            context.getSessionHandler().setSameSite(HttpCookie.SameSite.STRICT);
            context.getSessionHandler().setHttpOnly(true);
            context.getSessionHandler().setMaxInactiveInterval(8 * 3600);
            CrmEmailServlets.builder(email)
                    .authenticator(auth.authenticator())
                    .accessPolicy(auth.accessPolicy())
                    .build()
                    .mount(context.getServletContext());

            add(context, new LoginServlet(world, auth), "/demo/login", "/demo/logout", "/demo/api/me");
            add(context, new RecordsServlet(world, auth), "/demo/api/tables", "/demo/api/table/*");
            add(context, new MailboxServlet(world, auth, catcher, store.store()), "/demo/api/mailbox", "/demo/api/mailbox/*");
            ServletHolder upload = add(context, new UploadServlet(world, auth, attachments, publicUrl), "/api/upload");
            Path uploadTemp = Files.createDirectories(dataDir.resolve("upload-tmp"));
            upload.getRegistration().setMultipartConfig(new MultipartConfigElement(uploadTemp.toString(),
                    UploadServlet.MAX_FILE_BYTES, UploadServlet.MAX_FILE_BYTES + 64 * 1024, 256 * 1024));
            add(context, new StaticServlet(), "/");

            jetty.setHandler(context);
            jetty.setStopAtShutdown(false);
            jetty.start();
            return new DemoServer(options, world, catcher, email, store, jetty, httpPort, publicUrl);
        } catch (Exception | Error e) {
            stopQuietly(jetty);
            if (email != null) {
                email.close();
            }
            closeStore(store);
            if (catcher != null) {
                catcher.stop();
            }
            throw e;
        }
    }

    private static ServletHolder add(ServletContextHandler context, HttpServlet servlet, String... patterns) {
        ServletHolder holder = new ServletHolder(servlet.getClass().getSimpleName(), servlet);
        for (String pattern : patterns) {
            context.addServlet(holder, pattern);
        }
        return holder;
    }

    private static GreenMail startCatcher(int port) {
        if (port == DemoOptions.NO_CATCHER) {
            return null;
        }
        ServerSetup setup = new ServerSetup(port == DemoOptions.FREE_PORT ? 0 : port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        if (port == DemoOptions.FREE_PORT) {
            setup = setup.dynamicPort();
        }
        GreenMail catcher = new GreenMail(setup);
        try {
            catcher.start();
        } catch (RuntimeException e) {
            throw new IllegalStateException("the dev SMTP catcher cannot listen on port " + port
                    + " (in use? choose another with --smtp-port, or 0 for none): " + e.getMessage(), e);
        }
        return catcher;
    }

    static InMemoryRecordDirectory records(DemoWorld world) {
        InMemoryRecordDirectory records = new InMemoryRecordDirectory();
        long account = world.account().id();
        for (DemoWorld.Table t : world.tables()) {
            records.putTable(account, new TableInfo(t.id(), t.name(), world.account().spaceId(),
                    t.fields().stream().map(f -> new FieldInfo(f.id(), f.name(), f.type())).toList()));
            for (DemoWorld.Record r : t.records()) {
                records.putRecord(account, t.id(), r.id(), r.values());
            }
        }
        return records;
    }

    /**
     * An integration of the world. One that points at the catcher's default address (a loopback host, port
     * 2525) is sent to wherever the catcher really listens, so {@code --smtp-port} needs no config change.
     */
    static SmtpIntegration integration(DemoWorld world, DemoWorld.Smtp smtp, int catcherPort) {
        int port = smtp.port();
        if (catcherPort > 0 && port == DemoOptions.DEFAULT_SMTP_PORT && LOOPBACK.contains(smtp.host())) {
            port = catcherPort;
        }
        return SmtpIntegration.builder()
                .id(smtp.id()).accountId(world.account().id()).label(smtp.label())
                .host(smtp.host()).port(port).security(smtp.security())
                .credentials(smtp.username(), smtp.password())
                .fromDomains(smtp.fromDomains()).fromIdentities(smtp.fromIdentities())
                .disablePixel(smtp.disablePixel())
                .build();
    }

    public int httpPort() {
        return httpPort;
    }

    /** The catcher's port, or 0 without one. */
    public int smtpPort() {
        return catcher == null ? 0 : catcher.getSmtp().getPort();
    }

    public String publicUrl() {
        return publicUrl;
    }

    /** Where a browser reaches the UI: {@code http://localhost:{port}} on loopback, else the host listened on. */
    public String localUrl() {
        return options.localUrl(httpPort);
    }

    /** The address the HTTP server listens on ({@link DemoOptions#host()}). */
    public String httpHost() {
        return jetty.getConnectors().length == 0 ? options.host() : ((ServerConnector) jetty.getConnectors()[0]).getHost();
    }

    public DemoWorld world() {
        return world;
    }

    public DemoOptions options() {
        return options;
    }

    public EmailService emailService() {
        return email;
    }

    /** The catcher, or null when the demo runs without one. */
    public GreenMail catcher() {
        return catcher;
    }

    @Override
    public void close() {
        stopQuietly(jetty);
        email.close();
        closeStore(store);
        if (catcher != null) {
            catcher.stop();
        }
    }

    private static void stopQuietly(Server jetty) {
        try {
            jetty.stop();
        } catch (Exception e) {
            // Shutting down anyway; nothing useful to do with it.
        }
    }

    private static void closeStore(DemoStores.DemoStore store) {
        if (store != null) {
            store.close();
        }
    }
}
