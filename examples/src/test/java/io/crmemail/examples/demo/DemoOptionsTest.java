package io.crmemail.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

    @Test
    void defaultsAreTheReadmes() throws Exception {
        DemoOptions o = DemoOptions.parse(new String[0], Map.of());
        assertThat(o.port()).isEqualTo(8080);
        assertThat(o.smtpPort()).isEqualTo(2525);
        assertThat(o.dataDir()).isEqualTo(Path.of("crm-email-data"));
        assertThat(o.effectivePublicUrl(8080)).isEqualTo("http://localhost:8080");
        assertThat(o.effectiveJdbcUrl()).startsWith("jdbc:h2:file:").contains("crm-email-data");
        assertThat(o.configFile()).isNull();
    }

    @Test
    void flagsWinOverEnvironment() throws Exception {
        DemoOptions o = DemoOptions.parse(new String[] {"--port", "9090", "--smtp-port=0", "--public-url", "https://crm.example.com/"},
                Map.of("CRM_EMAIL_PORT", "7070", "CRM_EMAIL_DATA_DIR", "/tmp/x", "CRM_EMAIL_JDBC_URL", "jdbc:postgresql://db/crm",
                        "CRM_EMAIL_JDBC_PASSWORD", "pw"));
        assertThat(o.port()).isEqualTo(9090);
        assertThat(o.smtpPort()).isEqualTo(DemoOptions.NO_CATCHER);
        assertThat(o.dataDir()).isEqualTo(Path.of("/tmp/x"));
        assertThat(o.publicUrl()).isEqualTo("https://crm.example.com");
        assertThat(o.jdbcUrl()).isEqualTo("jdbc:postgresql://db/crm");
        assertThat(o.toString()).doesNotContain("pw");
    }

    @Test
    void badInputIsExplained() {
        assertUsage(new String[] {"--port", "http"}, "--port must be a number from 1 to 65535, got 'http'");
        assertUsage(new String[] {"--port", "0"}, "--port must be a number from 1 to 65535");
        assertUsage(new String[] {"--smtp-port", "70000"}, "--smtp-port must be a number from 0 to 65535");
        assertUsage(new String[] {"--colour"}, "unknown option --colour");
        assertUsage(new String[] {"serve"}, "unexpected argument 'serve'");
        assertUsage(new String[] {"--port"}, "option --port needs a value");
        assertUsage(new String[] {"--jdbc-url", "postgres://db"}, "--jdbc-url must be a JDBC URL starting with 'jdbc:'");
        assertUsage(new String[] {"--jdbc-user", "sa"}, "--jdbc-user and --jdbc-password need --jdbc-url");
        assertUsage(new String[] {"--public-url", "crm.example.com"}, "--public-url must be an absolute http(s) URL");
        assertUsage(new String[] {"--config", "/no/such/world.json"}, "--config: no such file");
    }

    @Test
    void listensOnLoopbackUnlessAHostIsGiven() throws Exception {
        DemoOptions d = DemoOptions.parse(new String[0], Map.of());
        assertThat(d.host()).isEqualTo("127.0.0.1");
        assertThat(d.localUrl(8080)).isEqualTo("http://localhost:8080");

        DemoOptions exposed = DemoOptions.parse(new String[] {"--host", "0.0.0.0"}, Map.of());
        assertThat(exposed.host()).isEqualTo("0.0.0.0");
        assertThat(exposed.localUrl(8080)).isEqualTo("http://0.0.0.0:8080");
        assertThat(exposed.effectivePublicUrl(8080)).isEqualTo("http://0.0.0.0:8080");

        assertThat(DemoOptions.parse(new String[0], Map.of("CRM_EMAIL_HOST", "192.168.1.20")).host()).isEqualTo("192.168.1.20");
        assertThat(DemoOptions.parse(new String[] {"--host=127.0.0.1"}, Map.of("CRM_EMAIL_HOST", "0.0.0.0")).host())
                .isEqualTo("127.0.0.1");
        assertThat(DemoOptions.parse(new String[] {"--host", "[::1]"}, Map.of()).localUrl(80)).isEqualTo("http://localhost:80");
        assertThat(DemoOptions.parse(new String[] {"--host", "2001:db8::7"}, Map.of()).localUrl(80)).isEqualTo("http://[2001:db8::7]:80");
        assertThat(DemoOptions.parse(new String[] {"--host", "localhost"}, Map.of()).localUrl(80)).isEqualTo("http://localhost:80");
        assertThat(DemoOptions.parse(new String[] {"--host", "crm.lan"}, Map.of()).localUrl(80)).isEqualTo("http://crm.lan:80");

        for (String bad : new String[] {"http://0.0.0.0", "256.1.1.1", "1.2.3", "a b", "-x.example", "::g", "0.0.0.0:8080", " "}) {
            assertUsage(new String[] {"--host", bad}, "--host must be an IP address or host name");
        }
    }

    @Test
    void helpNamesTheHostOption() {
        assertThat(DemoOptions.USAGE).contains("--host ADDR").contains("CRM_EMAIL_HOST").contains("127.0.0.1");
    }

    @Test
    void mainExitsWithTwoOnBadFlagsAndPrintsHelp() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = DemoMain.run(new String[] {"--bogus"}, Map.of(), print(out), print(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --bogus");

        assertThat(DemoMain.run(new String[] {"--help"}, Map.of(), print(out), print(err))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: java -jar crm-email-demo.jar").contains("CRM_EMAIL_PORT");
    }

    @Test
    void mainExitsWithTwoOnABadConfig(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("w.json"), "{\"account\": {}}");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = DemoMain.run(new String[] {"--config", file.toString()}, Map.of(), print(new ByteArrayOutputStream()), print(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("bad config: " + file + ": account.id: is required");
    }

    private static PrintStream print(ByteArrayOutputStream out) {
        return new PrintStream(out, true, StandardCharsets.UTF_8);
    }

    private static void assertUsage(String[] args, String message) {
        assertThatThrownBy(() -> DemoOptions.parse(args, Map.of())).isInstanceOf(DemoOptions.UsageException.class)
                .hasMessageContaining(message);
    }
}
