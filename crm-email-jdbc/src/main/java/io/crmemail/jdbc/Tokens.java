package io.crmemail.jdbc;

import io.crmemail.core.message.RecordRef;
import io.crmemail.core.store.DuplicateTokenException;
import io.crmemail.core.store.NewEmail;
import io.crmemail.core.store.NewToken;
import io.crmemail.core.store.TokenKind;
import io.crmemail.core.store.TrackingToken;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** Tracking tokens: unique store-wide, created with their message, listed in creation order. */
final class Tokens {

    private static final String SELECT = "SELECT token, kind, account_id, table_id, record_id, message_id, url"
            + " FROM crm_email_token";

    /** Refuses a token given twice in one message before anything is written. */
    static void validate(List<NewToken> tokens) {
        Set<String> seen = new HashSet<>();
        for (NewToken t : tokens) {
            Objects.requireNonNull(t.token(), "token");
            Objects.requireNonNull(t.kind(), "token kind");
            if (!seen.add(t.token())) {
                throw new DuplicateTokenException("token given twice in one message: " + t.token());
            }
        }
    }

    /**
     * Inserts the tokens of a new message. A token that exists already makes this throw
     * {@link DuplicateTokenException}; the caller's transaction then rolls back the whole message.
     */
    void insert(Connection c, long messageId, NewEmail email) throws SQLException {
        if (email.tokens().isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO crm_email_token (token, kind, account_id,"
                + " table_id, record_id, message_id, url) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (NewToken t : email.tokens()) {
                ps.setString(1, t.token());
                ps.setString(2, t.kind().wire());
                ps.setLong(3, email.accountId());
                ps.setLong(4, email.record().tableId());
                ps.setLong(5, email.record().recordId());
                ps.setLong(6, messageId);
                ps.setString(7, t.url());
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw duplicateOr(e);
        }
    }

    /** A unique violation on insert means a token exists already: that is a DuplicateTokenException. */
    static SQLException duplicateOr(SQLException e) {
        if (JdbcStoreException.isUniqueViolation(e)) {
            DuplicateTokenException duplicate = new DuplicateTokenException(
                    "token already exists; nothing of the message was stored");
            duplicate.initCause(e);
            throw duplicate;
        }
        return e;
    }

    Optional<TrackingToken> find(Connection c, String token) throws SQLException {
        List<TrackingToken> found = list(c, SELECT + " WHERE token = ?", token);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** The message of each given token that is of {@code kind}; tokens unknown or of another kind are absent. */
    Map<String, Long> messagesOf(Connection c, TokenKind kind, Collection<String> tokens) throws SQLException {
        Map<String, Long> result = new HashMap<>();
        for (List<String> chunk : Sql.slices(tokens)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT token, message_id FROM crm_email_token"
                    + " WHERE kind = ? AND token IN (" + Sql.placeholders(chunk.size()) + ")")) {
                ps.setString(1, kind.wire());
                int index = 2;
                for (String token : chunk) {
                    ps.setString(index++, token);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
        }
        return result;
    }

    List<TrackingToken> ofMessage(Connection c, long messageId) throws SQLException {
        return list(c, SELECT + " WHERE message_id = ? ORDER BY seq", messageId);
    }

    /** The tokens of several messages, each message's in creation order; one statement per IN-list slice. */
    Map<Long, List<TrackingToken>> ofMessages(Connection c, Collection<Long> messageIds) throws SQLException {
        Map<Long, List<TrackingToken>> result = new HashMap<>();
        for (List<Long> slice : Sql.slices(List.copyOf(new LinkedHashSet<>(messageIds)))) {
            // The range adds nothing to the IN list but lets PostgreSQL pick the index on a table it has no
            // statistics of yet (a new install's first minutes): it guesses a fixed share of rows per IN value,
            // which for a batch of ids makes a sequential scan look cheaper, and a small share for a range.
            long min = slice.stream().mapToLong(Long::longValue).min().orElseThrow();
            long max = slice.stream().mapToLong(Long::longValue).max().orElseThrow();
            for (TrackingToken t : list(c, SELECT + " WHERE message_id BETWEEN ? AND ? AND message_id IN ("
                    + Sql.placeholders(slice.size()) + ") ORDER BY message_id, seq", ps -> {
                        ps.setLong(1, min);
                        ps.setLong(2, max);
                        Sql.setLongs(ps, 3, slice);
                    })) {
                result.computeIfAbsent(t.messageId(), id -> new ArrayList<>()).add(t);
            }
        }
        return result;
    }

    private static List<TrackingToken> list(Connection c, String sql, Object key) throws SQLException {
        return list(c, sql, ps -> ps.setObject(1, key));
    }

    private static List<TrackingToken> list(Connection c, String sql, Sql.Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                List<TrackingToken> result = new ArrayList<>();
                while (rs.next()) {
                    result.add(new TrackingToken(rs.getString("token"), TokenKind.fromWire(rs.getString("kind")),
                            rs.getLong("account_id"), new RecordRef(rs.getLong("table_id"), rs.getLong("record_id")),
                            rs.getLong("message_id"), rs.getString("url")));
                }
                return result;
            }
        }
    }
}
