package io.crmemail.servlet;

import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.store.MessageQuery;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;

/** The query string of {@code GET /api/v1/emails}; unknown parameters are refused rather than ignored. */
final class V1ListQuery {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;
    private static final Set<String> KNOWN = Set.of("status", "direction", "to", "table_id", "record_id", "thread_id",
            "tag", "created_after", "created_before", "sent_after", "sent_before", "cursor", "limit");

    private V1ListQuery() {
    }

    static MessageQuery parse(HttpServletRequest request) {
        for (String name : request.getParameterMap().keySet()) {
            if (!KNOWN.contains(name)) {
                throw ApiException.validation(name, "unknown query parameter " + name + "; known are " + KNOWN);
            }
        }
        EmailStatus status = parseStatus(request.getParameter("status"));
        CommentType type = direction(request.getParameter("direction"));
        Long table = number(request, "table_id");
        Long record = number(request, "record_id");
        if ((table == null) != (record == null)) {
            throw ApiException.validation(table == null ? "table_id" : "record_id",
                    "table_id and record_id filter together; give both");
        }
        Long cursor = number(request, "cursor");
        Long limit = number(request, "limit");
        if (limit != null && (limit < 1 || limit > MAX_LIMIT)) {
            throw ApiException.validation("limit", "limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        return new MessageQuery(type, status, blankToNull(request.getParameter("to")),
                table == null ? null : new RecordRef(table, record), blankToNull(request.getParameter("thread_id")),
                blankToNull(request.getParameter("tag")),
                V1Times.parse("created_after", request.getParameter("created_after")),
                V1Times.parse("created_before", request.getParameter("created_before")),
                V1Times.parse("sent_after", request.getParameter("sent_after")),
                V1Times.parse("sent_before", request.getParameter("sent_before")),
                cursor, limit == null ? DEFAULT_LIMIT : limit.intValue());
    }

    private static EmailStatus parseStatus(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return EmailStatus.fromWire(value.strip());
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("status", "status must be one of scheduled, queued, sent, read, bounced, "
                    + "dropped, cancelled, received; got " + value);
        }
    }

    private static CommentType direction(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return switch (value.strip()) {
            case "outbound" -> CommentType.EMAIL_OUT;
            case "inbound" -> CommentType.EMAIL_IN;
            default -> throw ApiException.validation("direction", "direction must be outbound or inbound, got " + value);
        };
    }

    private static Long number(HttpServletRequest request, String name) {
        String value = request.getParameter(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long n = Long.parseLong(value.strip());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.validation(name, name + " must be a positive whole number, got " + value);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
