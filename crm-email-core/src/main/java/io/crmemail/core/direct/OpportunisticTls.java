package io.crmemail.core.direct;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The socket factory for STARTTLS towards MX hosts: opportunistic TLS (RFC 7435, RFC 3207 §4.1), so any
 * certificate is accepted: MX hosts rarely present one that matches their name, and refusing would only push
 * the message onto plain text. The handshake is done here, so that a failing one is noted for its host; the
 * transport then retries that host without STARTTLS (see {@link #takeFailure}).
 */
final class OpportunisticTls extends SSLSocketFactory {

    private final SSLSocketFactory delegate;
    private final Set<String> failedHosts = ConcurrentHashMap.newKeySet();

    OpportunisticTls() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustAll()}, null);
            this.delegate = context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available", e);
        }
    }

    /** True (once) when a handshake with this host failed since the last call. */
    boolean takeFailure(String host) {
        return failedHosts.remove(key(host));
    }

    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
        SSLSocket tls = (SSLSocket) delegate.createSocket(socket, host, port, autoClose);
        try {
            tls.startHandshake();
        } catch (IOException | RuntimeException e) {
            failedHosts.add(key(host));
            throw e;
        }
        return tls;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return delegate.createSocket(host, port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return delegate.createSocket(host, port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return delegate.createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return delegate.createSocket(address, port, localAddress, localPort);
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    private static String key(String host) {
        return host == null ? "" : host.toLowerCase(Locale.ROOT);
    }

    /** Opportunistic TLS encrypts against passive listeners; it does not authenticate the server. */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // not a server
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // any certificate: see the class comment
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
