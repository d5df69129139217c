package io.crmemail.examples.demo;

import com.icegreen.greenmail.util.GreenMail;
import io.crmemail.core.Caller;
import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.store.EmailStore;
import jakarta.mail.Address;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * The dev mailbox: what the built-in SMTP catcher received, for signed-in users only.
 * {@code GET /demo/api/mailbox} lists the messages (newest first); {@code GET /demo/api/mailbox/{n}} gives
 * one with its headers, text, HTML (with remote images blocked, as a mail client would, so that viewing
 * it does not count as an open), raw source and tracking-pixel URL.
 *
 * <p>Each user sees only what they could see on the records: a caught message is matched by its Message-ID
 * to the {@code email_out} comment it was sent as, and shown when that comment is in the user's account and
 * the access policy lets the user write its table. A message the demo did not send (someone else used the
 * catcher) has no table; it is shown only to users who may write every table of the world. Any other
 * message is left out of the list and answered with 404, as if it did not exist.
 */
final class MailboxServlet extends HttpServlet {

    private static final Pattern ONE = Pattern.compile("/(\\d{1,9})");
    private static final int MAX_RAW_CHARS = 2 * 1024 * 1024;

    private final DemoWorld world;
    private final DemoAuth auth;
    private final GreenMail catcher;
    private final EmailStore store;

    /** {@code catcher} is null when the demo runs without one: the list is then empty. */
    MailboxServlet(DemoWorld world, DemoAuth auth, GreenMail catcher, EmailStore store) {
        this.world = world;
        this.auth = auth;
        this.catcher = catcher;
        this.store = store;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!Json.onlyGet(req, resp)) {
            return;
        }
        try {
            DemoWorld.User user = auth.require(req);
            List<MimeMessage> messages = catcher == null ? List.of() : arrivalOrder(catcher.getReceivedMessages());
            String path = req.getPathInfo();
            if (path == null || path.equals("/")) {
                List<Map<String, Object>> list = new ArrayList<>();
                for (int n = 0; n < messages.size(); n++) {
                    if (visible(user, messages.get(n))) {
                        list.add(summary(n, messages.get(n)));
                    }
                }
                Collections.reverse(list);
                Json.write(resp, 200, Map.of("enabled", catcher != null, "messages", list));
                return;
            }
            Matcher m = ONE.matcher(path);
            int n = m.matches() ? Integer.parseInt(m.group(1)) : -1;
            if (n < 0 || n >= messages.size() || !visible(user, messages.get(n))) {
                throw new Json.Failure(404, "not_found", "no message " + path.substring(1) + " in the dev mailbox", null);
            }
            Json.write(resp, 200, detail(n, messages.get(n)));
        } catch (Json.Failure f) {
            f.answer(resp);
        } catch (MessagingException e) {
            Json.error(resp, 500, "internal_error", "the message cannot be read: " + e.getMessage(), null);
        }
    }

    /** May this user see this caught message? See the class comment. */
    /**
     * The catcher lists mail grouped by recipient mailbox, so a new message could land in the middle and
     * shift every later number; in arrival order a message keeps its number as more mail comes in.
     */
    private static List<MimeMessage> arrivalOrder(MimeMessage[] received) {
        List<MimeMessage> sorted = new java.util.ArrayList<>(Arrays.asList(received));
        sorted.sort(java.util.Comparator.comparing(MailboxServlet::arrival).thenComparing(MailboxServlet::messageIdOf));
        return sorted;
    }

    private static java.time.Instant arrival(MimeMessage message) {
        try {
            Date date = message.getReceivedDate() != null ? message.getReceivedDate() : message.getSentDate();
            return date == null ? java.time.Instant.EPOCH : date.toInstant();
        } catch (MessagingException e) {
            return java.time.Instant.EPOCH;
        }
    }

    private static String messageIdOf(MimeMessage message) {
        try {
            return String.valueOf(message.getMessageID());
        } catch (MessagingException e) {
            return "";
        }
    }

    private boolean visible(DemoWorld.User user, MimeMessage message) throws MessagingException {
        Caller caller = auth.principal(user).caller();
        String messageId = message.getMessageID();
        List<EmailMessage> sent = messageId == null ? List.of()
                : store.findByMessageId(messageId.strip()).stream().filter(m -> m.type() == CommentType.EMAIL_OUT).toList();
        if (sent.isEmpty()) {
            return world.tables().stream().allMatch(t -> auth.accessPolicy().canWrite(caller, t.id()));
        }
        return sent.stream().allMatch(m -> m.accountId() == caller.accountId()
                && auth.accessPolicy().canWrite(caller, m.record().tableId()));
    }

    private static Map<String, Object> summary(int n, MimeMessage message) throws MessagingException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("n", n);
        out.put("subject", message.getSubject());
        out.put("from", addresses(message.getFrom()));
        out.put("to", addresses(message.getRecipients(jakarta.mail.Message.RecipientType.TO)));
        out.put("cc", addresses(message.getRecipients(jakarta.mail.Message.RecipientType.CC)));
        Date received = message.getReceivedDate() != null ? message.getReceivedDate() : message.getSentDate();
        out.put("date", received == null ? null : received.toInstant());
        return out;
    }

    private static Map<String, Object> detail(int n, MimeMessage message) throws MessagingException, IOException {
        Map<String, Object> out = summary(n, message);
        out.put("messageId", message.getMessageID());
        out.put("replyTo", addresses(message.getReplyTo()));
        List<Map<String, String>> headers = new ArrayList<>();
        for (Header h : Collections.list(message.getAllHeaders())) {
            headers.add(Map.of("name", h.getName(), "value", h.getValue() == null ? "" : h.getValue()));
        }
        out.put("headers", headers);
        Bodies bodies = new Bodies();
        bodies.walk(message, 0);
        out.put("text", bodies.text);
        out.put("html", bodies.html);
        out.put("attachments", bodies.attachments);
        if (bodies.html != null) {
            Document doc = Jsoup.parse(bodies.html);
            out.put("pixelUrl", pixelUrl(doc));
            out.put("htmlBlocked", blockRemote(doc));
        }
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        message.writeTo(raw);
        String source = raw.toString(StandardCharsets.UTF_8);
        out.put("raw", source.length() > MAX_RAW_CHARS ? source.substring(0, MAX_RAW_CHARS) + "\n[… truncated]" : source);
        return out;
    }

    private static String pixelUrl(Document doc) {
        for (Element img : doc.select("img[src]")) {
            String src = img.attr("src");
            if (src.contains("/email/pixel/") && (src.startsWith("http://") || src.startsWith("https://"))) {
                return src;
            }
        }
        return null;
    }

    /** Removes what would load from the network when shown; returns the HTML for the sandboxed iframe. */
    private static String blockRemote(Document doc) {
        doc.select("link, script, base, meta[http-equiv]").remove();
        for (Element e : doc.select("[src], [srcset], [background], [poster]")) {
            e.removeAttr("srcset").removeAttr("background").removeAttr("poster");
            String src = e.attr("src");
            if (!src.isEmpty() && !src.startsWith("data:") && !src.startsWith("cid:")) {
                e.removeAttr("src");
                e.attr("data-blocked", "remote content blocked");
            }
        }
        for (Element e : doc.select("[style]")) {
            if (e.attr("style").toLowerCase().contains("url(")) {
                e.removeAttr("style");
            }
        }
        return doc.outerHtml();
    }

    private static List<String> addresses(Address[] addresses) {
        if (addresses == null) {
            return List.of();
        }
        return Arrays.stream(addresses).map(a -> a instanceof jakarta.mail.internet.InternetAddress ia
                ? ia.toUnicodeString() : a.toString()).toList();
    }

    /** The first text and HTML bodies and the attachments' names. */
    private static final class Bodies {
        String text;
        String html;
        final List<Map<String, Object>> attachments = new ArrayList<>();

        void walk(Part part, int depth) throws MessagingException, IOException {
            if (depth > 10) {
                return;
            }
            if (part.isMimeType("multipart/*")) {
                Multipart mp = (Multipart) part.getContent();
                for (int i = 0; i < mp.getCount(); i++) {
                    walk(mp.getBodyPart(i), depth + 1);
                }
                return;
            }
            boolean attachment = Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) || part.getFileName() != null;
            if (!attachment && part.isMimeType("text/plain") && text == null) {
                text = String.valueOf(part.getContent());
            } else if (!attachment && part.isMimeType("text/html") && html == null) {
                html = String.valueOf(part.getContent());
            } else if (attachment) {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("name", part.getFileName());
                a.put("type", part.getContentType() == null ? null : part.getContentType().split(";", 2)[0]);
                a.put("size", part.getSize());
                attachments.add(a);
            }
        }
    }
}
