package io.crmemail.jdbc;

import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.store.MessageQuery;
import io.crmemail.core.store.SearchFields;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An account's messages by the filters of a {@link MessageQuery}, newest first, and its conversations, oldest
 * first. Every filter is a condition on a column (see {@link MessageColumns}), so the database does the work. A
 * page walks the index of the account, record or thread from the cursor down: it reads as many rows as it returns
 * plus those the other filters skip.
 */
final class MessageSearch {

    private static final List<String> ACCOUNT_INDEX = List.of("m.account_id", "m.id");
    private static final List<String> RECORD_INDEX = List.of("m.account_id", "m.table_id", "m.record_id", "m.id");
    private static final List<String> THREAD_INDEX = List.of("m.account_id", "m.thread_id", "m.id");

    private MessageSearch() {
    }

    /**
     * Newest first, spelled as the columns of the index that serves the query's narrowest filter. The leading columns
     * are fixed by the filter, so the order is the same; but H2 only reads an index in order, and stops after the
     * limit, when the ORDER BY is a prefix of it (otherwise it reads all the account's messages and sorts).
     */
    private static String newestFirst(MessageQuery q) {
        List<String> index = q.record() != null ? RECORD_INDEX : q.threadId() != null ? THREAD_INDEX : ACCOUNT_INDEX;
        return String.join(" DESC, ", index) + " DESC";
    }

    static List<EmailMessage> list(Connection c, long accountId, MessageQuery q) throws SQLException {
        StringBuilder sql = new StringBuilder(Messages.SELECT).append(" WHERE m.account_id = ?");
        List<Object> args = new ArrayList<>();
        args.add(accountId);
        condition(sql, args, "m.type = ?", q.type() == null ? null : q.type().wire());
        condition(sql, args, "m.status = ?", q.status() == null ? null : q.status().wire());
        if (q.record() != null) {
            condition(sql, args, "m.table_id = ?", q.record().tableId());
            condition(sql, args, "m.record_id = ?", q.record().recordId());
        }
        condition(sql, args, "m.thread_id = ?", q.threadId());
        String like = " ESCAPE '" + MessageColumns.LIKE_ESCAPE + "'";
        condition(sql, args, "m.recipients LIKE ?" + like,
                q.recipient() == null ? null : MessageColumns.containing(SearchFields.address(q.recipient())));
        condition(sql, args, "m.tags LIKE ?" + like, q.tag() == null ? null : MessageColumns.containing(q.tag()));
        condition(sql, args, "m.created_at >= ?", q.createdFrom());
        condition(sql, args, "m.created_at < ?", q.createdTo());
        condition(sql, args, "m.sent_at >= ?", q.sentFrom());
        condition(sql, args, "m.sent_at < ?", q.sentTo());
        condition(sql, args, "m.id < ?", q.beforeId());
        sql.append(" ORDER BY ").append(newestFirst(q)).append(" FETCH FIRST ? ROWS ONLY");
        args.add(q.limit());
        return Messages.list(c, sql.toString(), ps -> bind(ps, args));
    }

    static List<EmailMessage> thread(Connection c, long accountId, String threadId) throws SQLException {
        return Messages.list(c, Messages.SELECT + " WHERE m.account_id = ? AND m.thread_id = ? ORDER BY "
                + String.join(", ", THREAD_INDEX), ps -> {
            ps.setLong(1, accountId);
            ps.setString(2, threadId);
        });
    }

    /** Adds {@code AND condition} with its one parameter, unless the filter is not set. */
    private static void condition(StringBuilder sql, List<Object> args, String condition, Object value) {
        if (value != null) {
            sql.append(" AND ").append(condition);
            args.add(value);
        }
    }

    private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            Object arg = args.get(i);
            if (arg instanceof Instant instant) {
                Sql.setInstant(ps, i + 1, instant);
            } else if (arg instanceof Long value) {
                ps.setLong(i + 1, value);
            } else if (arg instanceof Integer value) {
                ps.setInt(i + 1, value);
            } else {
                ps.setString(i + 1, (String) arg);
            }
        }
    }
}
