package io.crmemail.jdbc;

import java.sql.SQLException;

/** A database failure inside {@link JdbcEmailStore}: the operation was rolled back and may be retried. */
public final class JdbcStoreException extends RuntimeException {

    /** SQLState of a unique-constraint violation (the same on H2 and PostgreSQL). */
    static final String UNIQUE_VIOLATION = "23505";

    public JdbcStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    static boolean isUniqueViolation(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if (UNIQUE_VIOLATION.equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
