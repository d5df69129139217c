package io.crmemail.examples.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmemail.core.integration.SmtpSecurity;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.record.FieldType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates the demo's world file. Every problem names the file, the JSON path of the field
 * and what is wrong, e.g. {@code world.json: tables[0].fields[2].type: must be one of key, text, email,
 * number, calc, got "date"}.
 */
public final class WorldConfig {

    /** The built-in world, used without {@code --config}. */
    public static final String BUILT_IN = "demo-world.json";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SLUG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");
    private static final Pattern DOMAIN = Pattern.compile("(?i)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+");
    private static final Pattern SPACE = Pattern.compile("[A-Za-z0-9_]{1,64}");

    /** A world file that cannot be used; the message is meant for the person who wrote it. */
    public static final class ConfigException extends Exception {
        public ConfigException(String message) {
            super(message);
        }
    }

    private final String source;

    private WorldConfig(String source) {
        this.source = source;
    }

    /** Loads {@code file}, or the built-in world when it is null. */
    public static DemoWorld load(Path file) throws ConfigException {
        if (file == null) {
            return builtIn();
        }
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read: " + e.getMessage());
        }
    }

    public static DemoWorld builtIn() throws ConfigException {
        try (InputStream in = WorldConfig.class.getResourceAsStream("/" + BUILT_IN)) {
            if (in == null) {
                throw new ConfigException(BUILT_IN + ": missing from the class path");
            }
            return parse(in, BUILT_IN);
        } catch (IOException e) {
            throw new ConfigException(BUILT_IN + ": cannot be read: " + e.getMessage());
        }
    }

    /** Parses a world; {@code source} names it in error messages. */
    public static DemoWorld parse(InputStream json, String source) throws ConfigException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": not valid JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(source + ": cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(source + ": must be a JSON object");
        }
        return new WorldConfig(source).world(root);
    }

    private DemoWorld world(JsonNode root) throws ConfigException {
        known(root, "", "account", "replyDomain", "users", "tables", "smtpIntegrations");
        JsonNode a = object(root, "account", "");
        known(a, "account", "id", "spaceId");
        DemoWorld.Account account = new DemoWorld.Account(positiveLong(a, "id", "account"), spaceId(a));
        String replyDomain = optionalText(root, "replyDomain", "");
        if (replyDomain != null && !DOMAIN.matcher(replyDomain).matches()) {
            throw error("replyDomain", "must be a domain name such as reply.acme.example, got \"" + replyDomain + "\"");
        }
        List<DemoWorld.Table> tables = list(root, "tables", "", this::table);
        unique(tables.stream().map(DemoWorld.Table::id).toList(), "tables", "id");
        Set<Long> tableIds = new HashSet<>(tables.stream().map(DemoWorld.Table::id).toList());
        List<DemoWorld.User> users = list(root, "users", "", (node, path) -> user(node, path, tableIds));
        if (users.isEmpty()) {
            throw error("users", "must list at least one user (nobody could sign in)");
        }
        unique(users.stream().map(DemoWorld.User::id).toList(), "users", "id");
        unique(users.stream().map(DemoWorld.User::token).toList(), "users", "token");
        List<DemoWorld.Smtp> smtp = list(root, "smtpIntegrations", "", this::smtp);
        unique(smtp.stream().map(DemoWorld.Smtp::id).toList(), "smtpIntegrations", "id");
        return new DemoWorld(account, replyDomain, users, tables, smtp);
    }

    private String spaceId(JsonNode account) throws ConfigException {
        JsonNode node = account.get("spaceId");
        String value = node == null || node.isNull() ? null : node.isIntegralNumber() || node.isTextual() ? node.asText() : null;
        if (value == null || !SPACE.matcher(value).matches()) {
            throw error("account.spaceId", "must be a number or up to 64 letters, digits or _, got " + node);
        }
        return value;
    }

    private DemoWorld.User user(JsonNode u, String path, Set<Long> tableIds) throws ConfigException {
        known(u, path, "id", "name", "email", "token", "writableTables");
        long id = positiveLong(u, "id", path);
        String name = text(u, "name", path);
        String email = text(u, "email", path);
        mailbox(email, path + ".email");
        String token = text(u, "token", path);
        if (token.length() < 8 || token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw error(path + ".token", "must be at least 8 printable ASCII characters without spaces");
        }
        Set<Long> writable = new LinkedHashSet<>(list(u, "writableTables", path, (n, p) -> {
            if (!n.isIntegralNumber()) {
                throw error(p, "must be a table id (a number), got " + n);
            }
            if (!tableIds.contains(n.asLong())) {
                throw error(p, "no table has id " + n.asLong());
            }
            return n.asLong();
        }));
        return new DemoWorld.User(id, name, email, token, writable);
    }

    private DemoWorld.Table table(JsonNode t, String path) throws ConfigException {
        known(t, path, "id", "name", "fields", "records");
        long id = positiveLong(t, "id", path);
        String name = text(t, "name", path);
        List<DemoWorld.Field> fields = list(t, "fields", path, this::field);
        if (fields.isEmpty()) {
            throw error(path + ".fields", "must list at least one field");
        }
        unique(fields.stream().map(DemoWorld.Field::id).toList(), path + ".fields", "id");
        Map<String, DemoWorld.Field> byId = new LinkedHashMap<>();
        fields.forEach(f -> byId.put(f.id(), f));
        List<DemoWorld.Record> records = list(t, "records", path, (n, p) -> record(n, p, byId));
        unique(records.stream().map(DemoWorld.Record::id).toList(), path + ".records", "id");
        return new DemoWorld.Table(id, name, fields, records);
    }

    private DemoWorld.Field field(JsonNode f, String path) throws ConfigException {
        known(f, path, "id", "name", "type");
        String id = text(f, "id", path);
        if (!SLUG.matcher(id).matches()) {
            throw error(path + ".id", "must be a slug of letters, digits, _, . or - (it is used in {{field:" + id + "}}), got \""
                    + id + "\"");
        }
        String type = text(f, "type", path).toLowerCase(Locale.ROOT);
        FieldType fieldType = switch (type) {
            case "key" -> FieldType.KEY;
            case "text" -> FieldType.TEXT;
            case "email" -> FieldType.EMAIL;
            case "number" -> FieldType.NUMBER;
            case "calc" -> FieldType.CALC;
            default -> throw error(path + ".type", "must be one of key, text, email, number, calc, got \"" + type + "\"");
        };
        return new DemoWorld.Field(id, text(f, "name", path), fieldType);
    }

    private DemoWorld.Record record(JsonNode r, String path, Map<String, DemoWorld.Field> fields) throws ConfigException {
        known(r, path, "id", "values");
        long id = positiveLong(r, "id", path);
        JsonNode values = object(r, "values", path);
        Map<String, Object> parsed = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : values.properties()) {
            String valuePath = path + ".values." + e.getKey();
            DemoWorld.Field field = fields.get(e.getKey());
            if (field == null) {
                throw error(valuePath, "the table has no field \"" + e.getKey() + "\" (fields: " + fields.keySet() + ")");
            }
            JsonNode v = e.getValue();
            Object value;
            if (v.isNull()) {
                value = null;
            } else if (field.type() == FieldType.NUMBER || field.type() == FieldType.CALC) {
                if (!v.isNumber() && !(field.type() == FieldType.CALC && v.isTextual())) {
                    throw error(valuePath, "must be a number (field type " + field.type().wire() + "), got " + v);
                }
                value = v.isNumber() ? v.numberValue() : v.asText();
            } else if (field.type() == FieldType.EMAIL) {
                if (!v.isTextual()) {
                    throw error(valuePath, "must be an email address as a string, got " + v);
                }
                mailbox(v.asText(), valuePath);
                value = v.asText();
            } else {
                if (!v.isTextual() && !v.isNumber()) {
                    throw error(valuePath, "must be a string or a number, got " + v);
                }
                value = v.asText();
            }
            parsed.put(e.getKey(), value);
        }
        // The key field holds the record id unless the file says otherwise.
        fields.values().stream().filter(f -> f.type() == FieldType.KEY).findFirst()
                .ifPresent(key -> parsed.putIfAbsent(key.id(), id));
        return new DemoWorld.Record(id, parsed);
    }

    private DemoWorld.Smtp smtp(JsonNode s, String path) throws ConfigException {
        known(s, path, "id", "label", "host", "port", "security", "username", "password", "fromDomains",
                "fromIdentities", "disablePixel");
        long id = positiveLong(s, "id", path);
        String label = optionalText(s, "label", path);
        String host = text(s, "host", path);
        JsonNode portNode = s.get("port");
        if (portNode == null || !portNode.isIntegralNumber() || portNode.asInt() < 1 || portNode.asInt() > 65535) {
            throw error(path + ".port", "must be a port number from 1 to 65535, got " + portNode);
        }
        String securityText = optionalText(s, "security", path);
        SmtpSecurity security;
        try {
            security = securityText == null ? SmtpSecurity.STARTTLS : SmtpSecurity.fromWire(securityText);
        } catch (RuntimeException e) {
            throw error(path + ".security", "must be one of none, starttls, tls, got \"" + securityText + "\"");
        }
        String username = optionalText(s, "username", path);
        String password = optionalText(s, "password", path);
        if (username != null && password == null) {
            throw error(path + ".password", "is required when username is set");
        }
        List<String> domains = list(s, "fromDomains", path, (n, p) -> {
            if (!n.isTextual() || !DOMAIN.matcher(n.asText()).matches()) {
                throw error(p, "must be a domain name such as acme.com, got " + n);
            }
            return n.asText().toLowerCase(Locale.ROOT);
        });
        List<Mailbox> identities = list(s, "fromIdentities", path, (n, p) -> {
            if (!n.isObject()) {
                throw error(p, "must be an object {\"name\": ..., \"email\": ...}, got " + n);
            }
            known(n, p, "name", "email");
            String email = text(n, "email", p);
            Mailbox parsed = mailbox(email, p + ".email");
            if (!domains.contains(parsed.domain())) {
                throw error(p + ".email", "its domain " + parsed.domain() + " is not one of fromDomains " + domains);
            }
            return new Mailbox(optionalText(n, "name", p), parsed.email());
        });
        JsonNode pixel = s.get("disablePixel");
        if (pixel != null && !pixel.isNull() && !pixel.isBoolean()) {
            throw error(path + ".disablePixel", "must be true or false, got " + pixel);
        }
        return new DemoWorld.Smtp(id, label == null ? host : label, host, portNode.asInt(), security, username, password,
                domains, identities, pixel != null && pixel.asBoolean());
    }

    // ---- small readers that name the path -------------------------------------------------------

    @FunctionalInterface
    private interface Reader<T> {
        T read(JsonNode node, String path) throws ConfigException;
    }

    private <T> List<T> list(JsonNode parent, String name, String path, Reader<T> reader) throws ConfigException {
        String here = join(path, name);
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw error(here, "must be an array, got " + node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            String itemPath = here + "[" + i + "]";
            if (!item.isObject() && isObjectList(name)) {
                throw error(itemPath, "must be an object, got " + item);
            }
            out.add(reader.read(item, itemPath));
        }
        return out;
    }

    private static boolean isObjectList(String name) {
        return Set.of("users", "tables", "fields", "records", "smtpIntegrations").contains(name);
    }

    private JsonNode object(JsonNode parent, String name, String path) throws ConfigException {
        JsonNode node = parent.get(name);
        if (node == null || !node.isObject()) {
            throw error(join(path, name), node == null ? "is required" : "must be an object, got " + node);
        }
        return node;
    }

    private long positiveLong(JsonNode parent, String name, String path) throws ConfigException {
        JsonNode node = parent.get(name);
        if (node == null || !node.isIntegralNumber() || node.asLong() <= 0) {
            throw error(join(path, name), node == null ? "is required (a positive number)" : "must be a positive number, got " + node);
        }
        return node.asLong();
    }

    private String text(JsonNode parent, String name, String path) throws ConfigException {
        String value = optionalText(parent, name, path);
        if (value == null || value.isBlank()) {
            throw error(join(path, name), "is required (a non-empty string)");
        }
        return value;
    }

    private String optionalText(JsonNode parent, String name, String path) throws ConfigException {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw error(join(path, name), "must be a string, got " + node);
        }
        if (node.asText().chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            throw error(join(path, name), "must not contain line breaks");
        }
        return node.asText().strip();
    }

    private Mailbox mailbox(String email, String path) throws ConfigException {
        try {
            return Mailbox.parse(email);
        } catch (IllegalArgumentException e) {
            throw error(path, e.getMessage());
        }
    }

    private void known(JsonNode node, String path, String... names) throws ConfigException {
        Set<String> allowed = Set.of(names);
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!allowed.contains(e.getKey())) {
                throw error(join(path, e.getKey()), "unknown field (expected one of " + String.join(", ", names) + ")");
            }
        }
    }

    private <T> void unique(List<T> values, String path, String field) throws ConfigException {
        Set<T> seen = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            if (!seen.add(values.get(i))) {
                String shown = field.equals("token") ? "(hidden)" : String.valueOf(values.get(i));
                throw error(path + "[" + i + "]." + field, "duplicate " + field + " " + shown);
            }
        }
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private ConfigException error(String path, String problem) {
        return new ConfigException(source + ": " + path + ": " + problem);
    }
}
