package io.crmemail.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmemail.core.json.EmailJson;
import io.crmemail.core.message.EmailMetadata;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A message's metadata as stored: {@link EmailJson}'s form, plus the key order of {@code headers} and
 * {@code clientMetadata} when they have several keys. PostgreSQL's {@code jsonb} keeps object keys sorted, not
 * in the order written, and custom headers go out in the order they were given.
 */
final class MetadataJson {

    private static final String KEY_ORDER = "keyOrder";
    private static final String HEADERS = "headers";
    private static final String CLIENT_METADATA = "clientMetadata";

    private MetadataJson() {
    }

    static String write(EmailMetadata metadata) {
        if (metadata.headers().size() < 2 && metadata.clientMetadata().size() < 2) {
            return EmailJson.write(metadata);
        }
        ObjectMapper mapper = EmailJson.mapper();
        ObjectNode node = mapper.valueToTree(metadata);
        ObjectNode order = node.putObject(KEY_ORDER);
        metadata.headers().keySet().forEach(order.putArray(HEADERS)::add);
        ArrayNode clientKeys = order.putArray(CLIENT_METADATA);
        metadata.clientMetadata().keySet().forEach(clientKeys::add);
        return node.toString();
    }

    static EmailMetadata read(String json) {
        if (!json.contains(KEY_ORDER)) {
            return EmailJson.read(json, EmailMetadata.class);
        }
        try {
            ObjectNode node = (ObjectNode) EmailJson.mapper().readTree(json);
            JsonNode order = node.remove(KEY_ORDER);
            EmailMetadata metadata = EmailJson.mapper().treeToValue(node, EmailMetadata.class);
            if (order == null) {
                return metadata;
            }
            return metadata.toBuilder()
                    .headers(inOrder(metadata.headers(), order.path(HEADERS)))
                    .clientMetadata(inOrder(metadata.clientMetadata(), order.path(CLIENT_METADATA)))
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot read EmailMetadata from JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The map's entries in the recorded key order; keys the order does not name (there should be none) last. */
    private static Map<String, String> inOrder(Map<String, String> map, JsonNode keys) {
        Map<String, String> ordered = new LinkedHashMap<>();
        for (JsonNode key : keys) {
            if (map.containsKey(key.asText())) {
                ordered.put(key.asText(), map.get(key.asText()));
            }
        }
        map.forEach(ordered::putIfAbsent);
        return ordered;
    }
}
