package io.crmemail.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Small JDBC helpers shared by the store's parts: instants in UTC with microsecond precision, nulls, IN lists. */
final class Sql {

    private Sql() {
    }

    /** Binds a statement's parameters. */
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /** Both databases keep microseconds; truncating here makes what we return equal to what we read back. */
    static Instant micros(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
    }

    static void setInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
        if (instant == null) {
            ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, OffsetDateTime.ofInstant(micros(instant), ZoneOffset.UTC));
        }
    }

    static Instant getInstant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }

    static Long getLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    /** Most values bound in one IN list: well below PostgreSQL's 32,767 bind parameters per statement. */
    static final int MAX_IN_LIST = 1000;

    /** {@code values} in consecutive slices of at most {@link #MAX_IN_LIST}, for one IN list each. */
    static <T> List<List<T>> slices(Collection<T> values) {
        List<T> all = values instanceof List<T> list ? list : new ArrayList<>(values);
        List<List<T>> slices = new ArrayList<>();
        for (int from = 0; from < all.size(); from += MAX_IN_LIST) {
            slices.add(all.subList(from, Math.min(all.size(), from + MAX_IN_LIST)));
        }
        return slices;
    }

    /** {@code ?, ?, ?} for an IN list of {@code n} values (n > 0). */
    static String placeholders(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("an IN list needs at least one value");
        }
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    /**
     * Runs {@code update} and returns the {@code message_id}s of the rows it changed, in one statement (see
     * {@link Dialect#updateReturning}); a set-based update instead of a JDBC batch of one update per row.
     */
    static Set<Long> updatedMessageIds(Connection c, Dialect dialect, String update, Binder binder)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect.updateReturning(update, "message_id"))) {
            binder.bind(ps);
            Set<Long> changed = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    changed.add(rs.getLong(1));
                }
            }
            return changed;
        }
    }

    /** Binds {@code ids} from parameter {@code first} on; returns the next free parameter index. */
    static int setLongs(PreparedStatement ps, int first, Collection<Long> ids) throws SQLException {
        int index = first;
        for (Long id : ids) {
            ps.setLong(index++, id);
        }
        return index;
    }
}
