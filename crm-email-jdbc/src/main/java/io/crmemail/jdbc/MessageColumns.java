package io.crmemail.jdbc;

import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.store.SearchFields;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;

/**
 * The message columns derived from the metadata so that list filters run in SQL: {@code thread_id},
 * {@code sent_at}, and {@code recipients} and {@code tags} as bar-delimited lists ({@code |a|b|}). Written
 * from the metadata by every insert and update of a message, so they never disagree with it.
 */
final class MessageColumns {

    /** The columns in the order {@link #bind} binds them. */
    static final List<String> NAMES = List.of("thread_id", "sent_at", "recipients", "tags");

    /** {@code thread_id = ?, sent_at = ?, ...} for an UPDATE. */
    static final String ASSIGNMENTS = String.join(" = ?, ", NAMES) + " = ?";

    /** The LIKE escape character used by {@link #containing}; not special in either database's string literals. */
    static final char LIKE_ESCAPE = '!';

    private static final int BACKFILL_BATCH = 500;

    private MessageColumns() {
    }

    /** Binds the derived columns from {@code first} on; returns the next free parameter index. */
    static int bind(PreparedStatement ps, int first, CommentType type, EmailMetadata metadata) throws SQLException {
        ps.setString(first, metadata.threadId());
        Sql.setInstant(ps, first + 1, metadata.sentAt());
        ps.setString(first + 2, list(SearchFields.recipients(type, metadata)));
        ps.setString(first + 3, list(metadata.tags()));
        return first + 4;
    }

    /**
     * A LIKE pattern (escape {@link #LIKE_ESCAPE}) that matches a list column holding {@code value} as a whole
     * element. Exact because a bar only ever appears between elements: the pattern's bars must sit on element
     * boundaries, and the encoding between them is one-to-one.
     */
    static String containing(String value) {
        String needle = "|" + encode(value) + "|";
        StringBuilder pattern = new StringBuilder("%");
        for (char ch : needle.toCharArray()) {
            if (ch == '%' || ch == '_' || ch == LIKE_ESCAPE) {
                pattern.append(LIKE_ESCAPE);
            }
            pattern.append(ch);
        }
        return pattern.append('%').toString();
    }

    private static String list(Collection<String> values) {
        if (values.isEmpty()) {
            return null;
        }
        StringBuilder text = new StringBuilder("|");
        for (String value : values) {
            text.append(encode(value)).append('|');
        }
        return text.toString();
    }

    private static String encode(String value) {
        return value.replace("\\", "\\\\").replace("|", "\\p");
    }

    /**
     * Derives the columns of every message stored before they existed (schema V3), in batches by id, in the
     * migrating transaction. Safe to run again: it only rewrites derived values.
     */
    static void backfill(Connection c) throws SQLException {
        long after = 0;
        try (PreparedStatement select = c.prepareStatement("SELECT id, type, metadata FROM crm_email_message"
                + " WHERE id > ? ORDER BY id FETCH FIRST " + BACKFILL_BATCH + " ROWS ONLY");
             PreparedStatement update = c.prepareStatement("UPDATE crm_email_message SET " + ASSIGNMENTS
                     + " WHERE id = ?")) {
            while (true) {
                select.setLong(1, after);
                int rows = 0;
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        after = rs.getLong("id");
                        int next = bind(update, 1, CommentType.fromWire(rs.getString("type")),
                                MetadataJson.read(rs.getString("metadata")));
                        update.setLong(next, after);
                        update.addBatch();
                        rows++;
                    }
                }
                if (rows == 0) {
                    return;
                }
                update.executeBatch();
            }
        }
    }
}
