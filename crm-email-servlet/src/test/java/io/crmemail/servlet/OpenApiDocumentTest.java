package io.crmemail.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.crmemail.core.EmailService;
import io.crmemail.core.attachment.FileSystemAttachmentStore;
import io.crmemail.core.record.InMemoryRecordDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document ({@code io/crmemail/servlet/openapi.yaml}) says exactly what is mounted, and holds
 * together: every operation answers something, every {@code $ref} resolves, the conventions of both surfaces
 * are on every operation.
 */
class OpenApiDocumentTest {

    static final String RESOURCE = "/io/crmemail/servlet/openapi.yaml";
    static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
    static final Set<String> PUBLIC = Set.of("GET /email/pixel/{token}.png", "GET /email/click/{token}",
            "GET /email/unsubscribe/{token}", "POST /email/unsubscribe/{token}", "POST /webhooks/email_receive");

    @TempDir
    static Path temp;

    static JsonNode doc;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = OpenApiDocumentTest.class.getResourceAsStream(RESOURCE)) {
            assertThat(in).as(RESOURCE + " on the classpath").isNotNull();
            doc = new YAMLMapper().readTree(in);
        }
    }

    /** Every operation as (route, operation node, path item node). */
    static void operations(BiConsumer<String, JsonNode[]> each) {
        doc.get("paths").fields().forEachRemaining(path -> {
            for (String method : METHODS) {
                JsonNode op = path.getValue().get(method);
                if (op != null) {
                    each.accept(method.toUpperCase() + " " + path.getKey(), new JsonNode[] {op, path.getValue()});
                }
            }
        });
    }

    static Set<String> documented() {
        Set<String> routes = new TreeSet<>();
        operations((route, nodes) -> routes.add(route));
        return routes;
    }

    static Set<String> mounted() {
        try (EmailService service = EmailService.builder().records(new InMemoryRecordDirectory())
                .attachments(new FileSystemAttachmentStore(temp)).workers(0).build()) {
            List<String> routes = CrmEmailServlets.builder(service).authenticator(request -> Optional.empty())
                    .accessPolicy(AccessPolicy.allowAll()).build().routes();
            assertThat(routes).doesNotHaveDuplicates();
            return new TreeSet<>(routes);
        }
    }

    static JsonNode resolve(JsonNode node) {
        JsonNode ref = node.get("$ref");
        return ref == null ? node : resolve(doc.at(ref.asText().substring(1)));
    }

    @Test
    void documentedRoutesAreExactlyTheMountedOnes() {
        Set<String> documented = documented();
        Set<String> mounted = mounted();
        Set<String> notMounted = new TreeSet<>(documented);
        notMounted.removeAll(mounted);
        Set<String> notDocumented = new TreeSet<>(mounted);
        notDocumented.removeAll(documented);
        assertThat(notDocumented).as("mounted but not in " + RESOURCE).isEmpty();
        assertThat(notMounted).as("in " + RESOURCE + " but not mounted").isEmpty();
    }

    @Test
    void theCrmSurfaceIsMountedAndDocumented() {
        Set<String> crm = Set.of("POST /api/email/send", "POST /api/email/recordContext", "POST /api/email/smtpOptions",
                "POST /api/email/signatures/list", "POST /api/email/signatures/create",
                "POST /api/email/signature/{id}/update", "POST /api/email/signature/{id}/delete",
                "GET /api/table/{tid}/record/{rid}/comments/get", "POST /api/table/{tid}/record/{rid}/comments/get",
                "GET /email/pixel/{token}.png", "POST /webhooks/email_receive");
        assertThat(mounted()).containsAll(crm);
        assertThat(documented()).containsAll(crm);
    }

    @Test
    void isOpenApi303WithBearerAuth() {
        assertThat(doc.get("openapi").asText()).isEqualTo("3.0.3");
        assertThat(doc.at("/components/securitySchemes/bearerAuth/scheme").asText()).isEqualTo("bearer");
        assertThat(doc.at("/security/0").has("bearerAuth")).isTrue();
    }

    @Test
    void everyOperationHasResponsesAndAUniqueOperationId() {
        Set<String> ids = new HashSet<>();
        operations((route, nodes) -> {
            JsonNode op = nodes[0];
            assertThat(op.path("responses").size()).as(route + " responses").isPositive();
            assertThat(op.path("operationId").asText()).as(route + " operationId").isNotBlank();
            assertThat(ids.add(op.get("operationId").asText())).as(route + " operationId unique").isTrue();
            op.get("responses").fields().forEachRemaining(r ->
                    assertThat(resolve(r.getValue()).path("description").asText()).as(route + " " + r.getKey())
                            .isNotBlank());
        });
    }

    @Test
    void everyRefResolves() {
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            assertThat(ref).startsWith("#/");
            assertThat(doc.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
        }
    }

    static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("$ref")) {
                    refs.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, refs));
        }
    }

    @Test
    void everyPathParameterIsDeclared() {
        Pattern param = Pattern.compile("\\{(\\w+)}");
        operations((route, nodes) -> {
            Set<String> declared = new HashSet<>();
            for (JsonNode holder : nodes) {
                holder.path("parameters").forEach(p -> {
                    JsonNode parameter = resolve(p);
                    if (parameter.path("in").asText().equals("path")) {
                        assertThat(parameter.path("required").asBoolean()).as(route + " " + parameter).isTrue();
                        declared.add(parameter.get("name").asText());
                    }
                });
            }
            Set<String> inPath = new HashSet<>();
            Matcher m = param.matcher(route);
            while (m.find()) {
                inPath.add(m.group(1));
            }
            assertThat(declared).as(route).isEqualTo(inPath);
        });
    }

    @Test
    void everyResponseCarriesTheRequestId() {
        operations((route, nodes) -> nodes[0].get("responses").fields().forEachRemaining(r ->
                assertThat(resolve(r.getValue()).path("headers").has("X-Request-ID"))
                        .as(route + " " + r.getKey()).isTrue()));
    }

    @Test
    void v1OperationsCarryRateLimitHeadersAndPostsTakeAnIdempotencyKey() {
        operations((route, nodes) -> {
            if (!route.contains(" /api/v1/")) {
                return;
            }
            nodes[0].get("responses").fields().forEachRemaining(r -> {
                JsonNode headers = resolve(r.getValue()).path("headers");
                if (r.getKey().equals("401")) {
                    // Before authentication there is no account, hence no quota to report.
                    return;
                }
                for (String h : List.of("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")) {
                    assertThat(headers.has(h)).as(route + " " + r.getKey() + " " + h).isTrue();
                }
                if (r.getKey().equals("429")) {
                    assertThat(headers.has("Retry-After")).as(route + " 429 Retry-After").isTrue();
                }
            });
            if (route.startsWith("POST ")) {
                List<JsonNode> keys = new ArrayList<>();
                nodes[0].path("parameters").forEach(p -> {
                    JsonNode parameter = resolve(p);
                    if (parameter.path("name").asText().equals("Idempotency-Key")) {
                        keys.add(parameter);
                    }
                });
                assertThat(keys).as(route + " Idempotency-Key").hasSize(1);
                assertThat(keys.get(0).path("in").asText()).isEqualTo("header");
                assertThat(keys.get(0).at("/schema/maxLength").asInt()).isEqualTo(256);
            }
        });
    }

    @Test
    void onlyThePixelTheClickAndTheWebhookArePublic() {
        operations((route, nodes) -> {
            JsonNode security = nodes[0].get("security");
            if (PUBLIC.contains(route)) {
                assertThat(security).as(route).isNotNull();
                assertThat(security.isArray() && security.isEmpty()).as(route + " security: []").isTrue();
            } else {
                assertThat(security).as(route + " uses the global bearerAuth").isNull();
            }
        });
    }

    @Test
    void errorCodesOfTheV1SurfaceAreDocumented() {
        String description = doc.at("/info/description").asText();
        for (Map.Entry<String, String> code : Map.of("validation_error", "400", "invalid_key", "401",
                "insufficient_permissions", "403", "not_found", "404", "conflict", "409",
                "idempotency_conflict", "409", "payload_too_large", "413", "unsupported_media_type", "415",
                "rate_limited", "429", "provider_error", "502").entrySet()) {
            assertThat(description).containsPattern("\\| " + code.getValue() + " \\|[^\\n]*`" + code.getKey() + "`");
        }
    }
}
