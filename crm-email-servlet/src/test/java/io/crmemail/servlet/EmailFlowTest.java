package io.crmemail.servlet;

import static io.crmemail.servlet.TestServer.TOKEN;
import static io.crmemail.servlet.TestServer.commentsPath;
import static io.crmemail.servlet.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmemail.core.testsupport.TestWorld;
import io.crmemail.core.tracking.Pixel;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The whole life of a message over HTTP: send, delivery, open, reply. */
class EmailFlowTest extends LiveServerTest {

    @Test
    void sendDeliverOpenAndReply() throws Exception {
        // send: 202 with the queued comment, one id for both
        HttpResponse<String> accepted = server.post("/api/email/send", TOKEN, server.sendBody());
        assertThat(accepted.statusCode()).isEqualTo(202);
        JsonNode sent = json(accepted);
        long id = sent.get("id").asLong();
        assertThat(sent.get("status").asText()).isEqualTo("queued");
        assertThat(sent.get("comment").get("id").asLong()).isEqualTo(id);
        assertThat(sent.get("comment").get("type").asText()).isEqualTo("email_out");
        assertThat(sent.get("comment").get("metadata").get("status").asText()).isEqualTo("queued");
        assertThat(sent.get("comment").get("metadata").get("fromIdentity").get("email").asText())
                .isEqualTo("sales@acme.com");

        // the workers deliver it: the timeline shows sent
        JsonNode comment = pollComment(id, c -> c.get("metadata").get("status").asText().equals("sent"));
        assertThat(comment.get("metadata").has("sentAt")).isTrue();
        assertThat(comment.get("metadata").has("readAt")).isFalse();

        // what arrived at the SMTP server
        assertThat(greenMail.waitForIncomingEmail(5000, 1)).isTrue();
        MimeMessage mime = greenMail.getReceivedMessages()[0];
        assertThat(mime.getSubject()).isEqualTo("Welcome Jane Doe");
        String replyTo = mime.getHeader("Reply-To", null);
        Matcher replyAddress = Pattern.compile("reply-[0-9a-f]{16}@" + Pattern.quote(TestWorld.REPLY_DOMAIN))
                .matcher(replyTo);
        assertThat(replyAddress.find()).as("Reply-To %s", replyTo).isTrue();
        String messageId = mime.getMessageID();
        Matcher pixel = Pattern.compile(Pattern.quote(TestWorld.BASE_URL) + "/email/pixel/([^\"/]+)\\.png")
                .matcher(html(mime));
        assertThat(pixel.find()).isTrue();

        // first pixel hit: read, stamped
        HttpResponse<byte[]> image = server.sendForBytes(server.request("/email/pixel/" + pixel.group(1) + ".png")
                .header("User-Agent", "Mozilla/5.0 (Windows NT 10.0) Thunderbird/115").GET().build());
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(image.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(image.body()).isEqualTo(Pixel.png());
        // The image is answered before the open is written: wait for the writer.
        assertThat(server.service.flushTracking()).isTrue();
        JsonNode read = onlyComment(id);
        assertThat(read.get("metadata").get("status").asText()).isEqualTo("read");
        Instant readAt = Instant.parse(read.get("metadata").get("readAt").asText());

        // a second hit changes nothing
        HttpResponse<byte[]> again = server.sendForBytes(
                server.request("/email/pixel/" + pixel.group(1) + ".png").GET().build());
        assertThat(again.body()).isEqualTo(Pixel.png());
        assertThat(server.service.flushTracking()).isTrue();
        JsonNode still = onlyComment(id);
        assertThat(still.get("metadata").get("status").asText()).isEqualTo("read");
        assertThat(Instant.parse(still.get("metadata").get("readAt").asText())).isEqualTo(readAt);

        // the lead replies; the mail relay posts the raw message to the webhook
        String reply = String.join("\r\n",
                "From: Jane Doe <lead@example.org>",
                "To: " + replyAddress.group(),
                "Subject: Re: Welcome Jane Doe",
                "Date: Wed, 18 Mar 2026 11:00:00 +0000",
                "Message-ID: <reply-1@example.org>",
                "In-Reply-To: " + messageId,
                "References: " + messageId,
                "MIME-Version: 1.0",
                "Content-Type: text/plain; charset=UTF-8",
                "",
                "Thanks, sounds good!",
                "",
                "> Hi Jane Doe,",
                "");
        HttpResponse<String> hook = server.send(server.request("/webhooks/email_receive")
                .header("Content-Type", "text/raw").POST(HttpRequest.BodyPublishers.ofString(reply)).build());
        assertThat(hook.statusCode()).isEqualTo(200);
        assertThat(hook.headers().firstValue("X-Request-ID")).isPresent();

        JsonNode timeline = json(server.get(commentsPath(TestWorld.TABLE, TestWorld.RECORD), TOKEN));
        assertThat(timeline).hasSize(2);
        assertThat(timeline.get(0).get("id").asLong()).isEqualTo(id);
        JsonNode in = timeline.get(1);
        assertThat(in.get("type").asText()).isEqualTo("email_in");
        assertThat(in.get("parentId").asLong()).isEqualTo(id);
        assertThat(in.has("userId")).isFalse();
        assertThat(in.get("metadata").get("subject").asText()).isEqualTo("Re: Welcome Jane Doe");
        assertThat(in.get("metadata").get("replyText").asText()).contains("Thanks, sounds good!");
    }

    private JsonNode onlyComment(long id) {
        JsonNode comments = json(server.get(commentsPath(TestWorld.TABLE, TestWorld.RECORD), TOKEN));
        assertThat(comments).hasSize(1);
        assertThat(comments.get(0).get("id").asLong()).isEqualTo(id);
        return comments.get(0);
    }

    private JsonNode pollComment(long id, Predicate<JsonNode> until) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            last = onlyComment(id);
            if (until.test(last)) {
                return last;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("comment never reached the expected state: " + last);
    }

    private static String html(Part part) throws Exception {
        if (part.isMimeType("text/html")) {
            return (String) part.getContent();
        }
        if (part.getContent() instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                String found = html(multipart.getBodyPart(i));
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
