package io.crmemail.servlet;

import io.crmemail.core.Caller;
import io.crmemail.core.EmailService;
import io.crmemail.core.template.TemplateRequest;
import java.io.IOException;

/** {@code /api/v1/templates}: list, create, get, replace, delete. */
final class V1TemplateEndpoints {

    private final EmailService email;
    private final V1Gate gate;
    private final V1Idempotency idempotency;
    private final JsonBodies bodies;

    V1TemplateEndpoints(EmailService email, V1Gate gate, V1Idempotency idempotency, JsonBodies bodies) {
        this.email = email;
        this.gate = gate;
        this.idempotency = idempotency;
        this.bodies = bodies;
    }

    void register(Router router) {
        router.route("GET", "/api/v1/templates", this::list)
                .route("POST", "/api/v1/templates", this::create)
                .route("GET", "/api/v1/templates/{id}", this::get)
                .route("PUT", "/api/v1/templates/{id}", this::update)
                .route("DELETE", "/api/v1/templates/{id}", this::delete);
    }

    private void list(Exchange ex) throws IOException {
        Caller caller = gate.enter(ex, V1Gate.HISTORY);
        ex.json(200, V1Envelope.ok(email.templates(caller).stream().map(V1Views.TemplateView::of).toList()));
    }

    private void create(Exchange ex) throws IOException {
        Caller caller = gate.enter(ex, V1Gate.SEND);
        byte[] json = bodies.raw(ex.request());
        idempotency.run(ex, caller, json, e -> e.json(201, V1Envelope.ok(V1Views.TemplateView.of(
                email.createTemplate(caller, request(json))))));
    }

    private void get(Exchange ex) throws IOException {
        Caller caller = gate.enter(ex, V1Gate.HISTORY);
        ex.json(200, V1Envelope.ok(V1Views.TemplateView.of(email.template(caller, ex.idParam("id")))));
    }

    private void update(Exchange ex) throws IOException {
        Caller caller = gate.enter(ex, V1Gate.SEND);
        long id = ex.idParam("id");
        TemplateRequest request = request(bodies.raw(ex.request()));
        ex.json(200, V1Envelope.ok(V1Views.TemplateView.of(email.updateTemplate(caller, id, request))));
    }

    private void delete(Exchange ex) throws IOException {
        Caller caller = gate.enter(ex, V1Gate.SEND);
        long id = ex.idParam("id");
        email.deleteTemplate(caller, id);
        ex.json(200, V1Envelope.ok(new V1Views.Deleted(id, true)));
    }

    private TemplateRequest request(byte[] json) {
        V1Views.TemplateBody body = bodies.strict(json, V1Views.TemplateBody.class);
        if (body == null) {
            throw ApiException.validation("name", "the request body must be a JSON object with name and html or text");
        }
        return new TemplateRequest(body.name(), body.subject(), body.html(), body.text());
    }
}
