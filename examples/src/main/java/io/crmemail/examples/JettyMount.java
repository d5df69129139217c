package io.crmemail.examples;

import io.crmemail.core.EmailService;
import io.crmemail.core.attachment.FileSystemAttachmentStore;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.integration.SmtpSecurity;
import io.crmemail.core.record.FieldInfo;
import io.crmemail.core.record.FieldType;
import io.crmemail.core.record.InMemoryRecordDirectory;
import io.crmemail.core.record.TableInfo;
import io.crmemail.servlet.AccessPolicy;
import io.crmemail.servlet.AuthenticatedUser;
import io.crmemail.servlet.BearerTokenAuthenticator;
import io.crmemail.servlet.CrmEmailServlets;
import io.crmemail.servlet.RequestAuthenticator;
import io.crmemail.servlet.SessionAuthenticator;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;

/**
 * Mounts the crm-email endpoints into an existing Jetty 12 (ee10) server, next to the host's own servlets.
 *
 * <pre>
 * mvn -q -B package -DskipTests -pl examples -am
 * java -cp examples/target/crm-email-demo.jar io.crmemail.examples.JettyMount 8081
 * curl -H 'Authorization: Bearer token-42' -X POST http://localhost:8081/api/email/smtpOptions
 * </pre>
 * Sends go to an SMTP server on 127.0.0.1:2525 (e.g. the demo's catcher).
 */
public final class JettyMount {

    private JettyMount() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8081;

        InMemoryRecordDirectory records = new InMemoryRecordDirectory()
                .putTable(1, new TableInfo(123, "Leads", "1", List.of(
                        new FieldInfo("title", "Title", FieldType.TEXT),
                        new FieldInfo("email", "Email", FieldType.EMAIL))))
                .putRecord(1, 123, 456, Map.of("title", "Jane Doe", "email", "lead@example.org"));
        EmailService email = EmailService.builder()
                .records(records)
                .attachments(new FileSystemAttachmentStore(Files.createTempDirectory("crm-email-attachments")))
                .publicBaseUrl("http://localhost:" + port)
                .replyDomain("reply.acme.example")
                .build()
                .start();
        email.saveIntegration(SmtpIntegration.builder().accountId(1).label("local").host("127.0.0.1").port(2525)
                .security(SmtpSecurity.NONE).fromDomains("acme.com").build());

        // The host's existing server and context (sessions on, so the host's login can be reused).
        Server server = new Server(port);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.setContextPath("/");

        // Your API keys; in a real host a lookup in your user store.
        Map<String, AuthenticatedUser> apiKeys = Map.of("token-42", AuthenticatedUser.of(1, 42));
        CrmEmailServlets.builder(email)
                .authenticator(RequestAuthenticator.firstOf(
                        new SessionAuthenticator(),                      // your login put the user in the session
                        new BearerTokenAuthenticator(token -> Optional.ofNullable(apiKeys.get(token)))))
                .accessPolicy(AccessPolicy.allowAll())                   // replace with your table permissions
                .build()
                .mount(context.getServletContext());                     // before the context starts

        server.setHandler(context);
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop();
            } catch (Exception e) {
                // exiting anyway
            }
            email.close();
        }));
        System.out.println("crm-email endpoints on http://localhost:" + port + "/api/email/* (Bearer token-42)");
        server.join();
    }
}
