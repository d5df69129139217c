package io.crmemail.core.store;

import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.Mailbox;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The derived facts a store matches a {@link MessageQuery}'s {@code recipient} against, computed one way for
 * every store so that they agree on what a recipient is.
 */
public final class SearchFields {

    private SearchFields() {
    }

    /**
     * The lower-case addresses a message can be found by: to, cc and bcc of an outbound message; to and cc of an
     * inbound one (a Bcc line that arrived with inbound mail names nobody the user addressed). In first-seen order,
     * without repeats.
     */
    public static List<String> recipients(CommentType type, EmailMetadata metadata) {
        Set<String> addresses = new LinkedHashSet<>();
        addAll(addresses, metadata.to());
        addAll(addresses, metadata.cc());
        if (type != CommentType.EMAIL_IN) {
            addAll(addresses, metadata.bcc());
        }
        return new ArrayList<>(addresses);
    }

    /**
     * The lower-case address of one recipient as given ({@code Jane <jane@example.org>} or a bare address). Stored
     * inbound headers need not be valid, so what does not parse is taken between its angle brackets, or as it is.
     */
    public static String address(String recipient) {
        String text = recipient.strip();
        String email;
        try {
            email = Mailbox.parse(text).email();
        } catch (IllegalArgumentException e) {
            int open = text.lastIndexOf('<');
            int close = text.lastIndexOf('>');
            email = open >= 0 && close > open ? text.substring(open + 1, close).strip() : text;
        }
        return email.toLowerCase(Locale.ROOT);
    }

    private static void addAll(Set<String> into, List<String> recipients) {
        for (String r : recipients) {
            if (r != null && !r.isBlank()) {
                into.add(address(r));
            }
        }
    }
}
