package io.crmemail.jdbc;

import io.crmemail.core.delivery.MailTransport;
import io.crmemail.core.delivery.MailTransportFactory;
import io.crmemail.core.delivery.SmtpTransportFactory;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * What one node talks to — its DataSource and its mail transports — with a switch that makes the node
 * die abruptly: every later database call and every send fails, and the database connections it holds are
 * cut (as when the process dies), so its open transactions are rolled back by the server and its leases
 * are left to expire. Nothing is released gracefully.
 */
final class CrashableNode implements DataSource, MailTransportFactory {

    private final DataSource delegate;
    private final SmtpTransportFactory transports = new SmtpTransportFactory();
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean crashed;

    CrashableNode(DataSource delegate) {
        this.delegate = delegate;
    }

    void crash() {
        crashed = true;
        for (Connection c : open) {
            try {
                c.abort(Runnable::run);
            } catch (SQLException ignored) {
                // Already gone is just as good.
            }
            // H2's abort() does nothing; closing the physical connection ends its server session and rolls back
            // its transaction, as the server does when a dead client's socket closes. In its own thread: H2's
            // close waits for a call another thread may have in progress on the same session.
            Thread closer = new Thread(() -> {
                try {
                    c.unwrap(Connection.class).close();
                } catch (SQLException ignored) {
                    // Already gone is just as good.
                }
            }, "crash-close");
            closer.setDaemon(true);
            closer.start();
        }
    }

    private void check() throws SQLException {
        if (crashed) {
            throw new SQLException("node crashed (simulated)", "08006");
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        check();
        Connection real = delegate.getConnection();
        open.add(real);
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        open.remove(real);
                        if (crashed) {
                            return null;
                        }
                    } else {
                        check();
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Override
    public MailTransport create(io.crmemail.core.integration.SmtpIntegration integration) {
        MailTransport real = transports.create(integration);
        return new MailTransport() {
            @Override
            public io.crmemail.core.delivery.TransportResult send(jakarta.mail.internet.MimeMessage message,
                                                                   io.crmemail.core.delivery.Envelope envelope) {
                if (crashed) {
                    throw new IllegalStateException("node crashed (simulated)");
                }
                return real.send(message, envelope);
            }

            @Override
            public void close() {
                real.close();
            }
        };
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }
}
