package io.crmemail.examples.demo;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar examples/target/crm-email-demo.jar [options]}: the demo CRM with a web UI, the
 * library's endpoints and a dev SMTP catcher. See {@code docs/demo.md} and {@code --help}.
 */
public final class DemoMain {

    /** Exit code for a bad command line or config file. */
    static final int USAGE_ERROR = 2;

    private DemoMain() {
    }

    public static void main(String[] args) {
        int code = run(args, System.getenv(), System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Starts the demo and blocks until the JVM stops; returns an exit code when it cannot start. */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        DemoOptions options;
        DemoWorld world;
        try {
            options = DemoOptions.parse(args, env);
            world = WorldConfig.load(options.configFile());
        } catch (DemoOptions.UsageException e) {
            if (e.isHelp()) {
                out.print(e.getMessage());
                return 0;
            }
            err.println("crm-email-demo: " + e.getMessage());
            return USAGE_ERROR;
        } catch (WorldConfig.ConfigException e) {
            err.println("crm-email-demo: bad config: " + e.getMessage());
            return USAGE_ERROR;
        }
        DemoServer server;
        try {
            server = DemoServer.start(options, world);
        } catch (Exception e) {
            err.println("crm-email-demo: cannot start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "crm-email-demo-shutdown"));
        out.print(banner(server));
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    static String banner(DemoServer server) {
        StringBuilder b = new StringBuilder();
        b.append("\n  crm-email demo CRM is running\n\n");
        b.append("  Open        ").append(server.localUrl()).append("/\n");
        if (!DemoOptions.isLoopback(server.options().host())) {
            b.append("  WARNING     listening on ").append(server.options().host())
                    .append(": anyone who can reach this port can sign in with the tokens below\n");
        }
        b.append("  Sign in with one of these tokens (also Bearer tokens for the API):\n");
        for (DemoWorld.User u : server.world().users()) {
            b.append("    ").append(String.format("%-12s", u.name())).append(u.token()).append('\n');
        }
        b.append("  Dev mailbox ").append(server.localUrl()).append("/mailbox");
        if (server.smtpPort() > 0) {
            b.append("  (SMTP catcher on 127.0.0.1:").append(server.smtpPort()).append(")\n");
        } else {
            b.append("  (no SMTP catcher: started with --smtp-port 0)\n");
        }
        b.append("  Tracking    ").append(server.publicUrl()).append("/email/pixel/…\n");
        b.append("  Data        ").append(server.options().dataDir().toAbsolutePath().normalize()).append('\n');
        b.append("  Messages    ").append(DemoStores.describe(server.options())).append('\n');
        b.append("\n  Stop with Ctrl+C.\n\n");
        return b.toString();
    }
}
