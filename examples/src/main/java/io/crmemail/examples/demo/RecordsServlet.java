package io.crmemail.examples.demo;

import io.crmemail.core.record.FieldType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo CRM's own read API for its pages: {@code GET /demo/api/tables} (the tables and records the
 * signed-in user may open) and {@code GET /demo/api/table/{tid}/record/{rid}} (fields and values).
 */
final class RecordsServlet extends HttpServlet {

    private static final Pattern RECORD = Pattern.compile("/(\\d{1,18})/record/(\\d{1,18})");

    private final DemoWorld world;
    private final DemoAuth auth;

    RecordsServlet(DemoWorld world, DemoAuth auth) {
        this.world = world;
        this.auth = auth;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!Json.onlyGet(req, resp)) {
            return;
        }
        try {
            if ("/demo/api/tables".equals(req.getServletPath())) {
                Json.write(resp, 200, tables(auth.require(req)));
                return;
            }
            Matcher m = RECORD.matcher(req.getPathInfo() == null ? "" : req.getPathInfo());
            if (!m.matches()) {
                throw new Json.Failure(404, "not_found", "no such route", null);
            }
            Json.write(resp, 200, record(req, Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
        } catch (Json.Failure f) {
            f.answer(resp);
        }
    }

    private List<Map<String, Object>> tables(DemoWorld.User user) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (DemoWorld.Table table : world.tables()) {
            if (!user.canWrite(table.id())) {
                continue;
            }
            List<Map<String, Object>> records = new ArrayList<>();
            for (DemoWorld.Record r : table.records()) {
                records.add(Map.of("id", r.id(), "label", label(table, r)));
            }
            out.add(Map.of("id", table.id(), "name", table.name(), "records", records));
        }
        return out;
    }

    private Map<String, Object> record(HttpServletRequest req, long tableId, long recordId) throws Json.Failure {
        DemoWorld.Table table = auth.requireTable(req, tableId, "tid");
        DemoWorld.Record record = table.record(recordId)
                .orElseThrow(() -> new Json.Failure(404, "not_found", "table " + tableId + " has no record " + recordId, "rid"));
        List<Map<String, Object>> fields = new ArrayList<>();
        for (DemoWorld.Field f : table.fields()) {
            Map<String, Object> field = new LinkedHashMap<>();
            field.put("id", f.id());
            field.put("name", f.name());
            field.put("type", f.type().wire());
            field.put("value", record.values().get(f.id()));
            fields.add(field);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("table", Map.of("id", table.id(), "name", table.name()));
        out.put("id", record.id());
        out.put("label", label(table, record));
        out.put("fields", fields);
        return out;
    }

    /** The first text field's value, as a CRM would title the record. */
    static String label(DemoWorld.Table table, DemoWorld.Record record) {
        return table.fields().stream().filter(f -> f.type() == FieldType.TEXT)
                .map(f -> record.values().get(f.id())).filter(v -> v != null && !String.valueOf(v).isBlank())
                .map(String::valueOf).findFirst().orElse(table.name() + " #" + record.id());
    }
}
