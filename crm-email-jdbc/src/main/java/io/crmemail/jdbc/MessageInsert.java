package io.crmemail.jdbc;

import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.store.NewEmail;
import io.crmemail.core.store.NewToken;
import io.crmemail.core.tracking.EmailEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;

/**
 * A new message with its outbox entry, tokens and first event as one statement, for databases with
 * data-modifying {@code WITH} (PostgreSQL): the message row's insert returns its id, and the other inserts take
 * it from there. One statement is atomic by itself, so enqueueing costs one round trip instead of five
 * (four inserts and a commit), and the server parses, plans and runs one statement instead of four.
 */
final class MessageInsert {

    /**
     * Most tokens one statement carries (3 parameters each; a message with more links is written step by step):
     * keeps far below the driver's 65,535 parameters and the number of distinct statement texts small.
     */
    static final int MAX_TOKENS = 100;

    private MessageInsert() {
    }

    /** Runs the insert; returns the new message's id. */
    static long run(Connection c, Messages messages, NewEmail email, EmailMetadata metadata, Instant dueAt)
            throws SQLException {
        EmailEvent event = email.firstEvent() == null ? null
                // The message id is bound from the row inserted in the same statement; 0 stands for it here.
                : EmailEvent.of(0, email.firstEvent(), email.createdAt(), Map.of());
        try (PreparedStatement ps = c.prepareStatement(sql(messages, dueAt != null, email.tokens().size(),
                event != null))) {
            int next = Messages.bindRow(ps, 1, email, metadata);
            if (dueAt != null) {
                ps.setLong(next++, email.accountId());
                Sql.setInstant(ps, next++, dueAt);
            }
            if (!email.tokens().isEmpty()) {
                ps.setLong(next++, email.accountId());
                ps.setLong(next++, email.record().tableId());
                ps.setLong(next++, email.record().recordId());
                for (NewToken token : email.tokens()) {
                    ps.setString(next++, token.token());
                    ps.setString(next++, token.kind().wire());
                    ps.setString(next++, token.url());
                }
            }
            if (event != null) {
                Events.bindAfterMessage(ps, next, event);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("the database returned no id for the new message");
                }
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            // The unique keys a new message can run into: a token, or (inbound mail only) the inbound key.
            if (email.type() != io.crmemail.core.message.CommentType.EMAIL_IN) {
                throw Tokens.duplicateOr(e);
            }
            throw e;
        }
    }

    /** The statement's text; it varies with what the message brings, and the driver caches each variant. */
    static String sql(Messages messages, boolean pending, int tokens, boolean event) {
        StringBuilder sql = new StringBuilder("WITH m AS (").append(messages.insertRowSql()).append(" RETURNING id)");
        if (pending) {
            sql.append(", o AS (INSERT INTO crm_email_outbox (message_id, account_id, due_at) SELECT id, ?, ? FROM m)");
        }
        if (tokens > 0) {
            // Inserted in the order the message lists them (the ordinal), so that their seq ascends with it.
            sql.append(", t AS (INSERT INTO crm_email_token (token, kind, account_id, table_id, record_id,"
                    + " message_id, url) SELECT v.token, v.kind, ?, ?, ?, m.id, v.url FROM m, (VALUES ");
            for (int i = 0; i < tokens; i++) {
                sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ").append(i).append(')');
            }
            sql.append(") AS v (token, kind, url, ord) ORDER BY v.ord)");
        }
        if (event) {
            sql.append(", e AS (INSERT INTO crm_email_event (message_id, type, occurred_at, user_agent, ip_address,"
                    + " automated, details) SELECT id, ?, ?, ?, ?, ?, CAST(? AS JSONB) FROM m)");
        }
        return sql.append(" SELECT id FROM m").toString();
    }
}
