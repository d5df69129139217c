package io.crmemail.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Runs one unit of work in one transaction on a connection of the host's pool, and always gives the
 * connection back: committed on success, rolled back on any failure.
 */
final class Tx {

    /** Work on a connection that belongs to a transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final DataSource dataSource;

    Tx(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    <T> T run(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            if (autoCommit) {
                c.setAutoCommit(false);
            }
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollback(c, e);
                throw e;
            } finally {
                if (autoCommit) {
                    restoreAutoCommit(c);
                }
            }
        } catch (SQLException e) {
            throw new JdbcStoreException("database operation failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs work that needs no transaction around it: reads (each statement reads committed data either way at the
     * READ COMMITTED level both databases default to) or a single statement, which is atomic by itself. On a
     * connection in auto-commit, as pools hand them out by default, it runs as it is: no BEGIN and no COMMIT,
     * which on PostgreSQL saves a round trip per call. A connection with auto-commit off is committed as in
     * {@link #run}.
     */
    <T> T autoCommit(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            if (!c.getAutoCommit()) {
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException | Error e) {
                    rollback(c, e);
                    throw e;
                }
            }
            return work.run(c);
        } catch (SQLException e) {
            throw new JdbcStoreException("database operation failed: " + e.getMessage(), e);
        }
    }

    private static void rollback(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static void restoreAutoCommit(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException ignored) {
            // The connection is closed next anyway; a pool resets or discards it.
        }
    }
}
