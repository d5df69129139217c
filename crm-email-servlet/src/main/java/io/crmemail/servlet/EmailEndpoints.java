package io.crmemail.servlet;

import io.crmemail.core.Caller;
import io.crmemail.core.EmailService;
import io.crmemail.core.SendRequest;
import io.crmemail.core.SendResult;
import java.io.IOException;

/** {@code POST /api/email/send}, {@code /api/email/recordContext} and {@code /api/email/smtpOptions}. */
final class EmailEndpoints {

    private final EmailService email;
    private final Guard guard;
    private final JsonBodies bodies;

    EmailEndpoints(EmailService email, Guard guard, JsonBodies bodies) {
        this.email = email;
        this.guard = guard;
        this.bodies = bodies;
    }

    void register(Router router) {
        router.route("POST", "/api/email/send", this::send)
                .route("POST", "/api/email/recordContext", this::recordContext)
                .route("POST", "/api/email/smtpOptions", this::smtpOptions);
    }

    private void send(Exchange ex) throws IOException {
        Caller caller = guard.caller(ex.request());
        SendRequest request = bodies.read(ex.request(), SendRequest.class);
        guard.requireWrite(caller, request == null ? null : request.tableId());
        SendResult result = email.send(caller, request);
        ex.json(202, SendResponse.of(result));
    }

    private void recordContext(Exchange ex) throws IOException {
        Caller caller = guard.caller(ex.request());
        RecordBody body = bodies.read(ex.request(), RecordBody.class);
        Long tableId = body == null ? null : body.tableId();
        guard.requireWrite(caller, tableId);
        ex.json(200, email.recordContext(caller, tableId, body == null ? null : body.recordId()));
    }

    private void smtpOptions(Exchange ex) throws IOException {
        Caller caller = guard.caller(ex.request());
        bodies.read(ex.request(), Object.class); // ignored, but held to the same content rules
        ex.json(200, email.smtpOptions(caller));
    }
}
