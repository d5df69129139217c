package io.crmemail.servlet;

import io.crmemail.core.Caller;
import io.crmemail.core.EmailService;
import java.io.IOException;

/**
 * The current user's signatures: list, create, and update/delete by id (404 unless the caller owns it;
 * the core makes another user's signature look missing).
 */
final class SignatureEndpoints {

    /** The answer of a delete: {@code {"id": 12, "deleted": true}}. */
    record Deleted(long id, boolean deleted) {
    }

    private final EmailService email;
    private final Guard guard;
    private final JsonBodies bodies;

    SignatureEndpoints(EmailService email, Guard guard, JsonBodies bodies) {
        this.email = email;
        this.guard = guard;
        this.bodies = bodies;
    }

    void register(Router router) {
        router.route("POST", "/api/email/signatures/list", this::list)
                .route("POST", "/api/email/signatures/create", this::create)
                .route("POST", "/api/email/signature/{id}/update", this::update)
                .route("POST", "/api/email/signature/{id}/delete", this::delete);
    }

    private void list(Exchange ex) throws IOException {
        Caller caller = guard.caller(ex.request());
        bodies.read(ex.request(), Object.class);
        ex.json(200, email.signatures(caller).stream().map(SignatureView::of).toList());
    }

    private void create(Exchange ex) throws IOException {
        Caller caller = guard.caller(ex.request());
        SignatureBody body = bodies.read(ex.request(), SignatureBody.class);
        ex.json(200, SignatureView.of(email.createSignature(caller, SignatureBody.toRequest(body))));
    }

    private void update(Exchange ex) throws IOException {
        long id = ex.idParam("id");
        Caller caller = guard.caller(ex.request());
        SignatureBody body = bodies.read(ex.request(), SignatureBody.class);
        ex.json(200, SignatureView.of(email.updateSignature(caller, id, SignatureBody.toRequest(body))));
    }

    private void delete(Exchange ex) throws IOException {
        long id = ex.idParam("id");
        Caller caller = guard.caller(ex.request());
        bodies.read(ex.request(), Object.class);
        email.deleteSignature(caller, id);
        ex.json(200, new Deleted(id, true));
    }
}
