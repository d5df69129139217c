package io.crmemail.servlet;

import io.crmemail.core.Caller;
import io.crmemail.core.EmailService;
import java.io.IOException;

/** {@code GET|POST /api/table/{tid}/record/{rid}/comments/get}: the record's email comments, newest last. */
final class CommentEndpoints {

    private static final String PATH = "/api/table/{tid}/record/{rid}/comments/get";

    private final EmailService email;
    private final Guard guard;
    private final JsonBodies bodies;

    CommentEndpoints(EmailService email, Guard guard, JsonBodies bodies) {
        this.email = email;
        this.guard = guard;
        this.bodies = bodies;
    }

    void register(Router router) {
        router.route("GET", PATH, this::comments).route("POST", PATH, this::comments);
    }

    private void comments(Exchange ex) throws IOException {
        long tableId = ex.idParam("tid");
        long recordId = ex.idParam("rid");
        Caller caller = guard.caller(ex.request());
        if ("POST".equals(ex.method())) {
            bodies.read(ex.request(), Object.class);
        }
        guard.requireWrite(caller, tableId);
        ex.json(200, email.comments(caller, tableId, recordId).stream().map(CommentView::of).toList());
    }
}
