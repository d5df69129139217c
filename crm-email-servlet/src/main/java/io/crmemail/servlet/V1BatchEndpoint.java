package io.crmemail.servlet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmemail.core.BatchEntry;
import io.crmemail.core.Caller;
import io.crmemail.core.EmailException;
import io.crmemail.core.EmailService;
import io.crmemail.core.MessageRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code POST /api/v1/emails/batch}: up to {@link #MAX_ENTRIES} messages ({@code {"messages":[…]}}), or one
 * template for many recipients ({@code {"template_id":…, "recipients":[{"to":…, "variables":{…}}], …}} with the
 * other send fields shared). Each entry stands alone: a bad one is reported in its place, the others go.
 */
final class V1BatchEndpoint {

    static final int MAX_ENTRIES = 500;

    /** One entry of the answer: {@code {index, id, to, status}} or {@code {index, to, error}}. */
    record Entry(int index, Long id, List<String> to, String status, ErrorBody.Detail error) {
    }

    /** {@code {total, accepted, failed}}. */
    record Meta(int total, int accepted, int failed) {
    }

    private final EmailService email;
    private final V1Gate gate;
    private final V1Idempotency idempotency;
    private final JsonBodies bodies;
    private final ObjectReader entryReader;

    V1BatchEndpoint(EmailService email, V1Gate gate, V1Idempotency idempotency, JsonBodies bodies) {
        this.email = email;
        this.gate = gate;
        this.idempotency = idempotency;
        this.bodies = bodies;
        ObjectMapper mapper = bodies.mapper();
        this.entryReader = mapper.readerFor(V1SendBody.class).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    void register(Router router) {
        router.route("POST", "/api/v1/emails/batch", this::batch);
    }

    private void batch(Exchange ex) throws IOException {
        Caller caller = gate.enter(ex, V1Gate.SEND);
        byte[] json = bodies.raw(ex.request());
        idempotency.run(ex, caller, json, e -> batch(e, caller, bodies.strict(json, ObjectNode.class)));
    }

    private void batch(Exchange ex, Caller caller, ObjectNode body) throws IOException {
        List<Object> parsed = entries(body);
        Entry[] answer = new Entry[parsed.size()];
        List<MessageRequest> requests = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < parsed.size(); i++) {
            try {
                if (parsed.get(i) instanceof ApiException refused) {
                    throw refused;
                }
                MessageRequest request = ((V1SendBody) parsed.get(i)).toRequest();
                gate.requireWrite(caller, request);
                requests.add(request);
                positions.add(i);
            } catch (ApiException refused) {
                answer[i] = refusal(i, recipients(parsed.get(i)), refused.code(), refused.getMessage(), refused.field());
            }
        }
        // When the HTTP layer refused every entry there is nothing for the core to accept (and it would call an
        // empty batch invalid, hiding the entries' own errors).
        List<BatchEntry> results = requests.isEmpty() ? List.of() : email.sendBatch(caller, requests);
        int accepted = 0;
        for (BatchEntry result : results) {
            int i = positions.get(result.index());
            List<String> to = requests.get(result.index()).to();
            if (result.accepted()) {
                accepted++;
                answer[i] = new Entry(i, result.message().id(), to, result.message().status().wire(), null);
            } else {
                EmailException e = result.error();
                answer[i] = refusal(i, to, e.code().code(), e.getMessage(), e.field());
            }
        }
        gate.quotaHeaders(ex, caller);
        ex.json(202, V1Envelope.ok(List.of(answer), new Meta(answer.length, accepted, answer.length - accepted)));
    }

    /** Each entry as a {@link V1SendBody}, or the {@link ApiException} that makes it unreadable. */
    private List<Object> entries(ObjectNode body) {
        if (body == null) {
            throw ApiException.validation("messages", "the batch needs messages, or template_id with recipients");
        }
        if (body.has("messages")) {
            if (body.size() > 1) {
                throw ApiException.validation("messages", "a batch of messages takes no other top-level fields");
            }
            return each(array(body, "messages"), this::read);
        }
        if (!body.has("recipients")) {
            throw ApiException.validation("messages", "the batch needs messages, or template_id with recipients");
        }
        JsonNode recipients = array(body, "recipients");
        ObjectNode shared = body.deepCopy();
        shared.remove("recipients");
        Object common = read(shared);
        if (common instanceof ApiException refused) {
            throw refused;
        }
        V1SendBody template = (V1SendBody) common;
        return each(recipients, node -> recipient(template, node));
    }

    private Object recipient(V1SendBody shared, JsonNode node) {
        if (!node.isObject() || !node.has("to")) {
            return ApiException.validation("to", "each recipient must be an object with to (and optional variables)");
        }
        ObjectNode own = (ObjectNode) node;
        for (var names = own.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("to") && !name.equals("variables")) {
                return ApiException.validation(name, "unknown field " + name + " in a recipient (to, variables)");
            }
        }
        Object parsed = read(own);
        if (parsed instanceof ApiException refused) {
            return refused;
        }
        V1SendBody mine = (V1SendBody) parsed;
        Map<String, JsonNode> variables = new LinkedHashMap<>(shared.variables() == null ? Map.of() : shared.variables());
        if (mine.variables() != null) {
            variables.putAll(mine.variables());
        }
        return shared.forRecipient(mine.to(), variables);
    }

    /** An entry's errors name fields relative to the entry ({@code to[0]}); its index says which entry. */
    private Object read(JsonNode node) {
        try {
            V1SendBody body = entryReader.treeToValue(node, V1SendBody.class);
            if (body == null) {
                return ApiException.validation(null, "the entry must be an object");
            }
            return body.waits() ? ApiException.validation("wait", "wait is not available for batches") : body;
        } catch (JsonProcessingException e) {
            return JsonErrors.toApi(e);
        }
    }

    private static JsonNode array(ObjectNode body, String name) {
        JsonNode list = body.get(name);
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw ApiException.validation(name, name + " must be a non-empty array");
        }
        if (list.size() > MAX_ENTRIES) {
            throw ApiException.validation(name, "a batch takes at most " + MAX_ENTRIES + " entries, got " + list.size());
        }
        return list;
    }

    private static List<Object> each(JsonNode list, Function<JsonNode, Object> reader) {
        List<Object> out = new ArrayList<>(list.size());
        list.forEach(node -> out.add(reader.apply(node)));
        return out;
    }

    private static List<String> recipients(Object parsed) {
        return parsed instanceof V1SendBody body && body.to() != null ? body.to() : List.of();
    }

    private static Entry refusal(int index, List<String> to, String code, String message, String field) {
        return new Entry(index, null, to, null, new ErrorBody.Detail(code, message, field));
    }
}
