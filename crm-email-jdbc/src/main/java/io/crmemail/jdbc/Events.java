package io.crmemail.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.crmemail.core.json.EmailJson;
import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.EventType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Events of messages, oldest first; details are kept as a JSON object of strings. */
final class Events {

    private static final TypeReference<Map<String, String>> DETAILS = new TypeReference<>() {
    };

    /** Rows per multi-row insert: 7 parameters each, well below every driver's parameter limit. */
    static final int ROWS_PER_INSERT = 200;

    private final String valuesRow;
    private final String insertSql;

    Events(Dialect dialect) {
        this.valuesRow = "(?, ?, ?, ?, ?, ?, " + dialect.jsonParameter() + ")";
        this.insertSql = "INSERT INTO crm_email_event (message_id, type, occurred_at, user_agent, ip_address, automated,"
                + " details) VALUES " + valuesRow;
    }

    EmailEvent insert(Connection c, EmailEvent event) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(insertSql, new String[] {"id"})) {
            bind(ps, 1, event);
            ps.executeUpdate();
            long id = Messages.generatedId(ps);
            return new EmailEvent(id, event.messageId(), event.type(), Sql.micros(event.occurredAt()),
                    event.userAgent(), event.ipAddress(), event.automated(), event.details());
        }
    }

    /**
     * Inserts events with multi-row inserts (one statement per {@value #ROWS_PER_INSERT} events), in list order:
     * their ids ascend with it. Returns nothing of them.
     */
    void insertAll(Connection c, List<EmailEvent> all) throws SQLException {
        for (int from = 0; from < all.size(); from += ROWS_PER_INSERT) {
            List<EmailEvent> rows = all.subList(from, Math.min(all.size(), from + ROWS_PER_INSERT));
            StringBuilder sql = new StringBuilder(insertSql);
            for (int i = 1; i < rows.size(); i++) {
                sql.append(", ").append(valuesRow);
            }
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int index = 1;
                for (EmailEvent event : rows) {
                    index = bind(ps, index, event);
                }
                ps.executeUpdate();
            }
        }
    }

    List<EmailEvent> ofMessage(Connection c, long messageId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, message_id, type, occurred_at, user_agent,"
                + " ip_address, automated, details FROM crm_email_event WHERE message_id = ? ORDER BY id")) {
            ps.setLong(1, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                List<EmailEvent> result = new ArrayList<>();
                while (rs.next()) {
                    result.add(new EmailEvent(rs.getLong("id"), rs.getLong("message_id"),
                            EventType.fromWire(rs.getString("type")), Sql.getInstant(rs, "occurred_at"),
                            rs.getString("user_agent"), rs.getString("ip_address"), rs.getBoolean("automated"),
                            details(rs.getString("details"))));
                }
                return result;
            }
        }
    }

    /** Binds a whole row from {@code first} on; returns the next free index. */
    private static int bind(PreparedStatement ps, int first, EmailEvent event) throws SQLException {
        ps.setLong(first, event.messageId());
        return bindAfterMessage(ps, first + 1, event);
    }

    /**
     * Binds the event's columns after {@code message_id} (type, occurred_at, user_agent, ip_address, automated,
     * details) from {@code first} on; returns the next free index.
     */
    static int bindAfterMessage(PreparedStatement ps, int first, EmailEvent event) throws SQLException {
        Objects.requireNonNull(event.type(), "event type");
        Objects.requireNonNull(event.occurredAt(), "event occurredAt");
        ps.setString(first, event.type().wire());
        Sql.setInstant(ps, first + 1, event.occurredAt());
        ps.setString(first + 2, event.userAgent());
        ps.setString(first + 3, event.ipAddress());
        ps.setBoolean(first + 4, event.automated());
        // Opens and clicks of people carry no details: skip Jackson for the commonest event.
        ps.setString(first + 5, event.details().isEmpty() ? "{}" : EmailJson.write(event.details()));
        return first + 6;
    }

    private static Map<String, String> details(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            return EmailJson.mapper().readValue(json, DETAILS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable event details: " + e.getOriginalMessage(), e);
        }
    }
}
