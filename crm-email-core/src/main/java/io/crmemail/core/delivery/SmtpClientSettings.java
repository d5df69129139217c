package io.crmemail.core.delivery;

import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.integration.SmtpSecurity;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * What {@link PipelinedSmtpTransport} needs to connect, read from the same Jakarta Mail session
 * properties {@link SmtpTransportFactory#sessionProperties} computes for Angus, so the extras a host or
 * test passes there apply to both transports: {@code timeout}, {@code writetimeout}, {@code connectiontimeout},
 * {@code localhost}, {@code ssl.checkserveridentity}, {@code ssl.trust} ({@code *} or a host list) and
 * {@code ssl.socketFactory} (an {@link SSLSocketFactory} object), under {@code mail.smtp.} or
 * {@code mail.smtps.}.
 */
record SmtpClientSettings(
        String host,
        int port,
        SmtpSecurity security,
        int connectTimeoutMillis,
        int readTimeoutMillis,
        int writeTimeoutMillis,
        String ehloName,
        SSLSocketFactory tls,
        boolean checkServerIdentity,
        String username,
        String password) {

    static SmtpClientSettings of(SmtpIntegration integration, Properties props) {
        String p = "mail." + SmtpTransportFactory.protocol(integration.security()) + ".";
        String host = props.getProperty(p + "host", integration.host());
        SSLSocketFactory tls = integration.security() == SmtpSecurity.NONE ? null : tls(props, p, host);
        return new SmtpClientSettings(host,
                intProperty(props, p + "port", integration.port()),
                integration.security(),
                intProperty(props, p + "connectiontimeout", (int) integration.connectTimeout().toMillis()),
                intProperty(props, p + "timeout", (int) integration.readTimeout().toMillis()),
                intProperty(props, p + "writetimeout", (int) integration.readTimeout().toMillis()),
                ehloName(props.getProperty(p + "localhost")),
                tls,
                !"false".equalsIgnoreCase(props.getProperty(p + "ssl.checkserveridentity", "true")),
                integration.hasCredentials() ? integration.username() : null,
                integration.password());
    }

    String hostPort() {
        return host + ":" + port;
    }

    boolean hasCredentials() {
        return username != null;
    }

    @Override
    public String toString() {
        return "SmtpClientSettings[" + hostPort() + ", " + security + ", user=" + username + "]";
    }

    private static SSLSocketFactory tls(Properties props, String p, String host) {
        if (props.get(p + "ssl.socketFactory") instanceof SSLSocketFactory given) {
            return given;
        }
        String trust = props.getProperty(p + "ssl.trust");
        if (trust != null && (trust.strip().equals("*") || Arrays.asList(trust.strip().split("\\s+")).contains(host))) {
            return trustingAnyCertificate();
        }
        return (SSLSocketFactory) SSLSocketFactory.getDefault();
    }

    /**
     * Accepts any certificate chain, as Angus does for {@code ssl.trust=*}. A plain (not extended)
     * X509TrustManager on purpose: JSSE then still checks the host name when the socket asks for it.
     */
    private static SSLSocketFactory trustingAnyCertificate() {
        TrustManager any = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {any}, null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS implementation", e);
        }
    }

    private static int intProperty(Properties props, String key, int fallback) {
        String v = props.getProperty(key);
        if (v == null || v.isBlank()) {
            return Math.max(1, fallback);
        }
        try {
            return Math.max(1, Integer.parseInt(v.strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is not a number: " + v, e);
        }
    }

    private static String ehloName(String configured) {
        return configured != null && !configured.isBlank() ? configured.strip() : LocalName.VALUE;
    }

    /** The local host name for EHLO, looked up once (the lookup may be slow). */
    private static final class LocalName {
        static final String VALUE = lookUp();

        private static String lookUp() {
            try {
                InetAddress local = InetAddress.getLocalHost();
                String name = local.getCanonicalHostName();
                if (name != null && !name.isBlank() && !name.equals(local.getHostAddress())) {
                    return name;
                }
                String ip = local.getHostAddress();
                return ip.contains(":") ? "[IPv6:" + ip + "]" : "[" + ip + "]";
            } catch (Exception e) {
                return "localhost";
            }
        }
    }
}
