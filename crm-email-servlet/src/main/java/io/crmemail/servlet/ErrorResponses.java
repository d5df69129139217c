package io.crmemail.servlet;

import io.crmemail.core.EmailException;
import io.crmemail.core.RateLimitedException;
import io.crmemail.core.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns anything thrown while handling a request into the JSON error response; never leaks internals. */
final class ErrorResponses {

    private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);
    /** How much of an unread request body an error response still reads to keep the connection usable. */
    private static final int DRAIN_LIMIT = 64 * 1024;

    private ErrorResponses() {
    }

    static int status(ErrorCode code) {
        return switch (code) {
            case VALIDATION_ERROR -> 400;
            case NOT_FOUND -> 404;
            case INSUFFICIENT_PERMISSIONS -> 403;
            case CONFLICT -> 409;
            case PAYLOAD_TOO_LARGE -> 413;
            case RATE_LIMITED -> 429;
            case PROVIDER_ERROR -> 502;
        };
    }

    /**
     * An error may be decided before the body was read (401, 403, 415, 413…). The container would then
     * close the connection after the response without saying so, and a client reusing it sees a reset.
     * Read a small rest; otherwise (and always for 413) tell the client the connection ends here.
     */
    private static void settleUnreadBody(Exchange exchange, int status) {
        if (!JsonBodies.hasBody(exchange.request())) {
            return;
        }
        if (status != 413) {
            try {
                InputStream in = exchange.request().getInputStream();
                byte[] buffer = new byte[8192];
                long left = DRAIN_LIMIT;
                for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) != -1; ) {
                    left -= n;
                }
                if (left > 0) {
                    return;
                }
            } catch (IOException | RuntimeException e) {
                log.debug("request {}: could not read the rest of the body", exchange.requestId(), e);
            }
        }
        exchange.response().setHeader("Connection", "close");
    }

    static void write(Exchange exchange, Exception failure, ErrorStyle style) {
        int status;
        Object body;
        if (failure instanceof ApiException api) {
            status = api.status();
            body = style.body(api.code(), api.getMessage(), api.field());
        } else if (failure instanceof EmailException email) {
            status = status(email.code());
            body = style.body(email.code().code(), email.getMessage(), email.field());
        } else {
            log.error("request {} {} {} failed", exchange.requestId(), exchange.method(), exchange.path(), failure);
            status = 500;
            body = style.body("internal_error", "internal error (request id " + exchange.requestId() + ")", null);
        }
        if (exchange.response().isCommitted()) {
            log.warn("request {}: cannot send error {} after the response was committed", exchange.requestId(), status);
            return;
        }
        exchange.response().resetBuffer();
        settleUnreadBody(exchange, status);
        if (status == 401) {
            exchange.response().setHeader("WWW-Authenticate", "Bearer");
        }
        if (failure instanceof RateLimitedException limited) {
            exchange.response().setHeader("Retry-After", String.valueOf(Math.max(1, limited.retryAfter().toSeconds())));
        }
        try {
            exchange.json(status, body);
        } catch (IOException | RuntimeException e) {
            // The client went away; there is no one left to tell.
            log.debug("request {}: could not write error response", exchange.requestId(), e);
        }
    }
}
