package io.crmemail.core.signature;

import io.crmemail.core.EmailException;
import io.crmemail.core.compose.HtmlSanitizer;
import io.crmemail.core.store.EmailStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Per-user signatures: validated, sanitised, at most one default per user. Another user's signature is
 * indistinguishable from a missing one.
 */
public final class SignatureService {

    static final int MAX_NAME_CHARS = 200;

    private final EmailStore store;
    private final Clock clock;
    private final int maxHtmlBytes;

    public SignatureService(EmailStore store, Clock clock, int maxHtmlBytes) {
        this.store = store;
        this.clock = clock;
        this.maxHtmlBytes = maxHtmlBytes;
    }

    public List<Signature> list(long accountId, long userId) {
        return store.signatures(accountId, userId);
    }

    public Signature create(long accountId, long userId, SignatureRequest request) {
        Valid valid = validate(request);
        Instant now = clock.instant();
        return store.saveSignature(new Signature(0, accountId, userId, valid.name(), valid.html(),
                request.isDefault(), now, now));
    }

    public Signature update(long accountId, long userId, long id, SignatureRequest request) {
        Signature existing = owned(accountId, userId, id);
        Valid valid = validate(request);
        return store.saveSignature(new Signature(id, accountId, userId, valid.name(), valid.html(),
                request.isDefault(), existing.createdAt(), clock.instant()));
    }

    public void delete(long accountId, long userId, long id) {
        owned(accountId, userId, id);
        store.deleteSignature(id);
    }

    private Signature owned(long accountId, long userId, long id) {
        return store.findSignature(id)
                .filter(s -> s.accountId() == accountId && s.userId() == userId)
                .orElseThrow(() -> EmailException.notFound("id", "unknown signature " + id));
    }

    private record Valid(String name, String html) {
    }

    private Valid validate(SignatureRequest request) {
        if (request == null) {
            throw EmailException.validation("name", "a signature needs a name and html");
        }
        String name = request.name() == null ? "" : request.name().strip();
        if (name.isEmpty()) {
            throw EmailException.validation("name", "name is required");
        }
        if (name.length() > MAX_NAME_CHARS) {
            throw EmailException.validation("name", "name must be at most " + MAX_NAME_CHARS + " characters");
        }
        String html = request.html() == null ? "" : request.html();
        int bytes = html.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxHtmlBytes) {
            throw EmailException.validation("html", "html must be at most " + maxHtmlBytes / 1024 + " KB, got "
                    + bytes + " bytes");
        }
        return new Valid(name, HtmlSanitizer.sanitize(html));
    }
}
