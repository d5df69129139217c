package io.crmemail.examples.demo;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The demo's command line: each option as a flag ({@code --port 8080} or {@code --port=8080}) or as an
 * environment variable ({@code CRM_EMAIL_PORT}); a flag wins over the environment.
 *
 * @param port         HTTP port; 0 picks a free one (tests)
 * @param host         address the HTTP server listens on: {@link #DEFAULT_HOST} (this machine only) unless
 *                     exposed on purpose, e.g. {@code 0.0.0.0}; an IP literal (IPv6 without brackets) or a host name
 * @param dataDir      where the database and attachments live
 * @param jdbcUrl      the durable store's JDBC URL (default: an H2 file database in {@code dataDir})
 * @param jdbcUser     database user, may be null
 * @param jdbcPassword database password, may be null
 * @param smtpPort     port of the built-in SMTP catcher; {@link #NO_CATCHER} for none, {@link #FREE_PORT} for any free one
 * @param publicUrl    base of tracking links; null means {@link #localUrl(int)}
 * @param configFile   the world to load; null means the built-in {@code demo-world.json}
 */
public record DemoOptions(int port, String host, Path dataDir, String jdbcUrl, String jdbcUser, String jdbcPassword,
                          int smtpPort, String publicUrl, Path configFile) {

    public static final int DEFAULT_PORT = 8080;
    /** Loopback only: the built-in tokens are public, so the demo is not reachable from other machines by default. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_SMTP_PORT = 2525;
    public static final String DEFAULT_DATA_DIR = "crm-email-data";
    /** {@code --smtp-port 0}: run without the catcher. */
    public static final int NO_CATCHER = 0;
    /** Not reachable from the command line: the catcher takes any free port (tests). */
    public static final int FREE_PORT = -1;

    public static final String USAGE = """
            Usage: java -jar crm-email-demo.jar [options]

              --port N             HTTP port (default 8080)                       env CRM_EMAIL_PORT
              --host ADDR          address to listen on (default 127.0.0.1, this machine only;
                                   0.0.0.0 exposes the demo and its tokens to your network)
                                                                                  env CRM_EMAIL_HOST
              --data-dir DIR       database and attachments (default ./crm-email-data)  env CRM_EMAIL_DATA_DIR
              --jdbc-url URL       JDBC URL of the store (default: H2 file database in the data dir)
                                                                                  env CRM_EMAIL_JDBC_URL
              --jdbc-user USER     database user                                  env CRM_EMAIL_JDBC_USER
              --jdbc-password PW   database password                              env CRM_EMAIL_JDBC_PASSWORD
              --smtp-port N        port of the built-in dev SMTP catcher, 0 = none (default 2525)
                                                                                  env CRM_EMAIL_SMTP_PORT
              --public-url URL     base of tracking links (default: the URL the demo prints)
                                                                                  env CRM_EMAIL_PUBLIC_URL
              --config FILE        JSON file declaring account, users, tables, records and SMTP
                                   integrations (default: the built-in demo world)  env CRM_EMAIL_CONFIG
              --help               print this help
            """;

    private static final Map<String, String> FLAGS = new LinkedHashMap<>();

    static {
        for (String flag : new String[] {"port", "host", "data-dir", "jdbc-url", "jdbc-user", "jdbc-password",
                "smtp-port", "public-url", "config"}) {
            FLAGS.put(flag, "CRM_EMAIL_" + flag.replace('-', '_').toUpperCase(Locale.ROOT));
        }
    }

    /** Defaults for everything: what {@code java -jar crm-email-demo.jar} runs with. */
    public static DemoOptions defaults() {
        return new DemoOptions(DEFAULT_PORT, DEFAULT_HOST, Path.of(DEFAULT_DATA_DIR), null, null, null, DEFAULT_SMTP_PORT, null, null);
    }

    /** Thrown for a bad command line; the message says what is wrong. */
    public static final class UsageException extends Exception {
        private final boolean help;

        UsageException(String message, boolean help) {
            super(message);
            this.help = help;
        }

        /** True when {@code --help} was asked for (not an error). */
        public boolean isHelp() {
            return help;
        }
    }

    /** Parses flags over environment variables over defaults. */
    public static DemoOptions parse(String[] args, Map<String, String> env) throws UsageException {
        Map<String, String> values = new LinkedHashMap<>();
        FLAGS.forEach((flag, variable) -> {
            String value = env.get(variable);
            if (value != null && !value.isBlank()) {
                values.put(flag, value.strip());
            }
        });
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                throw new UsageException(USAGE, true);
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "' (options start with --; see --help)", false);
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (!FLAGS.containsKey(name)) {
                throw new UsageException("unknown option --" + name + " (see --help)", false);
            }
            if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new UsageException("option --" + name + " needs a value", false);
                }
                value = args[++i];
            }
            values.put(name, value);
        }
        return fromValues(values);
    }

    private static DemoOptions fromValues(Map<String, String> values) throws UsageException {
        DemoOptions d = defaults();
        int port = values.containsKey("port") ? port(values.get("port"), "--port", 1) : d.port();
        String host = values.containsKey("host") ? host(values.get("host")) : d.host();
        int smtpPort = values.containsKey("smtp-port") ? port(values.get("smtp-port"), "--smtp-port", 0) : d.smtpPort();
        Path dataDir = values.containsKey("data-dir") ? path(values.get("data-dir"), "--data-dir") : d.dataDir();
        String jdbcUrl = values.get("jdbc-url");
        if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:")) {
            throw new UsageException("--jdbc-url must be a JDBC URL starting with 'jdbc:', got '" + jdbcUrl + "'", false);
        }
        if (jdbcUrl == null && (values.containsKey("jdbc-user") || values.containsKey("jdbc-password"))) {
            throw new UsageException("--jdbc-user and --jdbc-password need --jdbc-url", false);
        }
        String publicUrl = values.get("public-url");
        if (publicUrl != null) {
            publicUrl = publicUrl(publicUrl);
        }
        Path config = values.containsKey("config") ? path(values.get("config"), "--config") : null;
        if (config != null && !config.toFile().isFile()) {
            throw new UsageException("--config: no such file " + config.toAbsolutePath(), false);
        }
        return new DemoOptions(port, host, dataDir, jdbcUrl, values.get("jdbc-user"), values.get("jdbc-password"),
                smtpPort, publicUrl, config);
    }

    private static int port(String value, String flag, int min) throws UsageException {
        try {
            int port = Integer.parseInt(value.strip());
            if (port >= min && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below with the accepted range
        }
        throw new UsageException(flag + " must be a number from " + min + " to 65535, got '" + value + "'", false);
    }

    private static final Pattern HOST_NAME = Pattern.compile(
            "(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern IPV6 = Pattern.compile("(?i)[0-9a-f:.]*:[0-9a-f:.]*");

    /** An IPv4 or IPv6 literal (brackets optional, dropped) or a host name; nothing else. */
    private static String host(String value) throws UsageException {
        String h = value.strip();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        boolean valid;
        if (IPV6.matcher(h).matches()) {
            valid = isIpLiteral(h);
        } else if (h.matches("[0-9.]+")) {
            valid = isIpv4(h);
        } else {
            valid = h.length() <= 253 && HOST_NAME.matcher(h).matches();
        }
        if (!valid) {
            throw new UsageException("--host must be an IP address or host name such as 127.0.0.1 or 0.0.0.0, got '"
                    + value + "'", false);
        }
        return h;
    }

    private static boolean isIpv4(String h) {
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (!part.matches("\\d{1,3}") || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpLiteral(String h) {
        try {
            // A string with ':' is parsed as an IPv6 literal only, never looked up as a name.
            InetAddress.getByName(h);
            return true;
        } catch (UnknownHostException | RuntimeException e) {
            return false;
        }
    }

    /** True for 127.0.0.0/8, ::1 and localhost. */
    public static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1") || h.matches("127(\\.\\d{1,3}){3}");
    }

    /**
     * Where a browser reaches the demo once the port is known: {@code http://localhost:{port}} when it listens on
     * loopback, else the given host ({@code http://0.0.0.0:8080}, {@code http://[2001:db8::1]:8080}).
     */
    public String localUrl(int boundPort) {
        String h = isLoopback(host) ? "localhost" : host.contains(":") ? "[" + host + "]" : host;
        return "http://" + h + ":" + boundPort;
    }

    private static Path path(String value, String flag) throws UsageException {
        if (value.isBlank()) {
            throw new UsageException(flag + " must not be empty", false);
        }
        try {
            return Path.of(value);
        } catch (RuntimeException e) {
            throw new UsageException(flag + " is not a valid path: " + value, false);
        }
    }

    private static String publicUrl(String value) throws UsageException {
        String trimmed = value.strip().replaceAll("/+$", "");
        try {
            URI uri = URI.create(trimmed);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getQuery() == null && uri.getFragment() == null) {
                return trimmed;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new UsageException("--public-url must be an absolute http(s) URL such as https://crm.example.com, got '"
                + value + "'", false);
    }

    /** The JDBC URL to use: the given one, or an H2 file database in the data directory. */
    public String effectiveJdbcUrl() {
        return jdbcUrl != null ? jdbcUrl
                : "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("crm-email") + ";AUTO_SERVER=FALSE";
    }

    /** The base of tracking links once the HTTP port is known. */
    public String effectivePublicUrl(int boundPort) {
        return publicUrl != null ? publicUrl : localUrl(boundPort);
    }

    public Path attachmentsDir() {
        return dataDir.resolve("attachments");
    }

    /** A copy with other ports, for tests. */
    public DemoOptions withPorts(int httpPort, int catcherPort) {
        return new DemoOptions(httpPort, host, dataDir, jdbcUrl, jdbcUser, jdbcPassword, catcherPort, publicUrl, configFile);
    }

    /** A copy with another data directory, for tests. */
    public DemoOptions withDataDir(Path dir) {
        return new DemoOptions(port, host, dir, jdbcUrl, jdbcUser, jdbcPassword, smtpPort, publicUrl, configFile);
    }

    @Override
    public String toString() {
        // Never print the database password.
        return "DemoOptions[port=" + port + ", host=" + host + ", dataDir=" + dataDir + ", jdbcUrl=" + jdbcUrl + ", jdbcUser=" + jdbcUser
                + ", jdbcPassword=" + (jdbcPassword == null ? "null" : "***") + ", smtpPort=" + smtpPort
                + ", publicUrl=" + publicUrl + ", configFile=" + configFile + "]";
    }
}
