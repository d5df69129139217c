package io.crmemail.servlet;

import io.crmemail.core.Caller;
import io.crmemail.core.EmailException;
import io.crmemail.core.EmailService;
import io.crmemail.core.ErrorCode;
import io.crmemail.core.MessageRequest;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.store.MessageQuery;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * {@code /api/v1/emails}: send (JSON), list, get, events, cancel, and {@code /api/v1/threads/{id}}. Multipart
 * sends and batches have their own classes.
 */
final class V1EmailEndpoints {

    private final EmailService email;
    private final V1Gate gate;
    private final V1Idempotency idempotency;
    private final JsonBodies bodies;
    private final Duration waitLimit;

    V1EmailEndpoints(EmailService email, V1Gate gate, V1Idempotency idempotency, JsonBodies bodies,
                     Duration waitLimit) {
        this.email = email;
        this.gate = gate;
        this.idempotency = idempotency;
        this.bodies = bodies;
        this.waitLimit = waitLimit;
    }

    void register(Router router) {
        router.route("POST", "/api/v1/emails/send", this::send)
                .route("GET", "/api/v1/emails", this::list)
                .route("GET", "/api/v1/emails/{id}", this::get)
                .route("DELETE", "/api/v1/emails/{id}", this::cancel)
                .route("GET", "/api/v1/emails/{id}/events", this::events)
                .route("GET", "/api/v1/threads/{id}", this::thread);
    }

    private void send(Exchange ex) throws IOException {
        Caller caller = gate.enter(ex, V1Gate.SEND);
        byte[] json = bodies.raw(ex.request());
        idempotency.run(ex, caller, json, e -> send(e, caller, bodies.strict(json, V1SendBody.class)));
    }

    /** Accepts one message and answers. */
    void send(Exchange ex, Caller caller, V1SendBody body) throws IOException {
        answer(ex, caller, body, accept(ex, caller, body));
    }

    /** Accepts one message: validated, allowed, counted, stored. Shared with the multipart endpoint. */
    EmailMessage accept(Exchange ex, Caller caller, V1SendBody body) {
        if (body == null) {
            throw ApiException.validation(null, "the request body must be a JSON object with at least from and to");
        }
        MessageRequest request = body.toRequest();
        gate.requireWrite(caller, request);
        EmailMessage accepted = email.sendMessage(caller, request);
        gate.quotaHeaders(ex, caller);
        return accepted;
    }

    /** Answers for an accepted message: at once, or after its first attempt when the body asks to wait. */
    void answer(Exchange ex, Caller caller, V1SendBody body, EmailMessage accepted) throws IOException {
        if (!body.waits()) {
            ex.json(202, V1Envelope.ok(V1Views.Sent.of(accepted)));
            return;
        }
        EmailMessage now = email.awaitFirstAttempt(caller, accepted.id(), waitLimit);
        failedFirstAttempt(now);
        boolean sent = now.status() == EmailStatus.SENT || now.status() == EmailStatus.READ;
        ex.json(sent ? 200 : 202, V1Envelope.ok(V1Views.Sent.of(now)));
    }

    /** {@code wait}: a first attempt the provider refused is a 502, even though the message stays ours. */
    private static void failedFirstAttempt(EmailMessage m) {
        boolean refused = m.status() == EmailStatus.BOUNCED || m.status() == EmailStatus.DROPPED
                || m.status().isPending() && m.metadata().attempts() > 0 && m.metadata().error() != null;
        if (refused) {
            String next = m.status().isPending() ? "; it stays queued and will be retried" : "; it is " + m.status().wire();
            throw new EmailException(ErrorCode.PROVIDER_ERROR, null, "the mail server did not take message " + m.id()
                    + ": " + m.metadata().error() + next);
        }
    }

    private void list(Exchange ex) throws IOException {
        Caller caller = gate.enter(ex, V1Gate.HISTORY);
        MessageQuery query = V1ListQuery.parse(ex.request());
        List<EmailMessage> page = email.list(caller, query);
        String next = page.size() == query.limit() ? String.valueOf(page.get(page.size() - 1).id()) : null;
        ex.json(200, V1Envelope.ok(page.stream().map(V1EmailView::of).toList(), new V1Views.Page(query.limit(), next)));
    }

    private void get(Exchange ex) throws IOException {
        Caller caller = gate.enter(ex, V1Gate.HISTORY);
        ex.json(200, V1Envelope.ok(V1EmailView.of(email.get(caller, ex.idParam("id")))));
    }

    private void events(Exchange ex) throws IOException {
        Caller caller = gate.enter(ex, V1Gate.HISTORY);
        ex.json(200, V1Envelope.ok(email.events(caller, ex.idParam("id")).stream().map(V1Views.Event::of).toList()));
    }

    private void cancel(Exchange ex) throws IOException {
        Caller caller = gate.enter(ex, V1Gate.SEND);
        ex.json(200, V1Envelope.ok(V1EmailView.of(email.cancel(caller, ex.idParam("id")))));
    }

    private void thread(Exchange ex) throws IOException {
        Caller caller = gate.enter(ex, V1Gate.HISTORY);
        String id = ex.param("id");
        ex.json(200, V1Envelope.ok(V1Views.Thread.of(id, email.thread(caller, id))));
    }
}
