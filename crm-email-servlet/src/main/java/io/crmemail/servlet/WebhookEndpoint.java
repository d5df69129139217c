package io.crmemail.servlet;

import io.crmemail.core.EmailService;
import io.crmemail.core.attachment.LimitedInputStream;
import io.crmemail.core.inbound.InboundResult;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /webhooks/email_receive}: public, raw RFC822 in ({@code text/raw}, {@code message/rfc822} or
 * {@code application/octet-stream}). Streams the body into the core, bounded by a byte limit. Answers 200
 * with the same body whether the message was stored, a duplicate or dropped, so scanners learn nothing
 * about tokens. The one exception is our own failure (store or disk down): 503 with Retry-After, so the
 * relay delivers the message again instead of it being lost.
 */
final class WebhookEndpoint {

    private static final Logger log = LoggerFactory.getLogger(WebhookEndpoint.class);
    private static final List<String> MEDIA_TYPES = List.of("text/raw", "message/rfc822", "application/octet-stream");
    private static final Map<String, Boolean> OK = Map.of("ok", true);
    private static final int RETRY_AFTER_SECONDS = 60;

    private final EmailService email;
    private final long maxBytes;

    WebhookEndpoint(EmailService email, long maxBytes) {
        this.email = email;
        this.maxBytes = maxBytes;
    }

    void register(Router router) {
        router.route("POST", "/webhooks/email_receive", this::receive);
    }

    private void receive(Exchange ex) throws IOException {
        String contentType = ex.request().getContentType();
        if (MEDIA_TYPES.stream().noneMatch(t -> JsonBodies.MediaTypes.is(contentType, t))) {
            throw ApiException.unsupportedMediaType("this endpoint accepts raw RFC822 as " + String.join(", ", MEDIA_TYPES));
        }
        if (ex.request().getContentLengthLong() > maxBytes) {
            throw ApiException.payloadTooLarge(maxBytes);
        }
        LimitedInputStream body = new LimitedInputStream(ex.request().getInputStream(), maxBytes);
        InboundResult result = email.receive(body);
        // The core drops what it cannot read; a message cut off by our own limit is the sender's to know.
        if (body.exceeded()) {
            throw ApiException.payloadTooLarge(maxBytes);
        }
        log.debug("request {}: inbound message {} {}", ex.requestId(), result.outcome(),
                result.reason() == null ? "" : result.reason());
        if (result.outcome() == InboundResult.Outcome.FAILED) {
            ex.response().setHeader("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
            throw new ApiException(503, "temporarily_unavailable", null,
                    "the message could not be stored now; deliver it again later");
        }
        ex.json(200, OK);
    }
}
