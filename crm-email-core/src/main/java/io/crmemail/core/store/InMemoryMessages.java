package io.crmemail.core.store;

import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.tracking.EmailEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The messages, tracking tokens and events of {@link InMemoryEmailStore}, with the lookups the store
 * answers (by record, by Message-ID, by token).
 *
 * <p>Not thread-safe: the store's single lock guards it, so that an operation touching messages and
 * the outbox together stays atomic.
 */
final class InMemoryMessages {

    private record RecordKey(long accountId, long tableId, long recordId) {
        static RecordKey of(long accountId, RecordRef record) {
            return new RecordKey(accountId, record.tableId(), record.recordId());
        }
    }

    private record ThreadKey(long accountId, String threadId) {
    }

    private long lastMessageId;
    private long lastEventId;

    private final Map<Long, EmailMessage> messages = new HashMap<>();
    /** Ascending without sorting: ids only grow, so appending keeps the order. */
    private final Map<RecordKey, List<Long>> messagesByRecord = new HashMap<>();
    /** Ascending like {@link #messagesByRecord}. */
    private final Map<Long, List<Long>> messagesByAccount = new HashMap<>();
    private final Map<ThreadKey, List<Long>> messagesByThread = new HashMap<>();
    /** Keyed by RFC 5322 Message-ID; ascending like {@link #messagesByRecord}. */
    private final Map<String, List<Long>> messagesByMessageId = new HashMap<>();
    private final Map<String, TrackingToken> tokens = new HashMap<>();
    /** Token strings per message, in creation order. */
    private final Map<Long, List<String>> tokensByMessage = new HashMap<>();
    /** Per message, ascending by id. */
    private final Map<Long, List<EmailEvent>> events = new HashMap<>();

    /**
     * Throws unless every token is new to the store and appears once in the list. Called before
     * {@link #add}, which changes several indexes and must not fail half-way.
     */
    void requireNewTokens(List<NewToken> newTokens) {
        Set<String> seen = new HashSet<>();
        for (NewToken t : newTokens) {
            Objects.requireNonNull(t.token(), "token");
            if (tokens.containsKey(t.token()) || !seen.add(t.token())) {
                throw new DuplicateTokenException("token already exists: " + t.token());
            }
        }
    }

    /** Stores {@code email} with {@code metadata} under the next id, indexes it and creates its tokens. */
    EmailMessage add(NewEmail email, EmailMetadata metadata) {
        long id = ++lastMessageId;
        EmailMessage message = new EmailMessage(id, email.accountId(), email.record(), email.type(),
                email.parentId(), email.userId(), email.createdAt(), metadata);
        messages.put(id, message);
        messagesByRecord.computeIfAbsent(RecordKey.of(email.accountId(), email.record()), k -> new ArrayList<>())
                .add(id);
        messagesByAccount.computeIfAbsent(email.accountId(), k -> new ArrayList<>()).add(id);
        if (metadata.threadId() != null) {
            messagesByThread.computeIfAbsent(new ThreadKey(email.accountId(), metadata.threadId()),
                    k -> new ArrayList<>()).add(id);
        }
        if (metadata.messageId() != null) {
            messagesByMessageId.computeIfAbsent(metadata.messageId(), k -> new ArrayList<>()).add(id);
        }
        for (NewToken t : email.tokens()) {
            tokens.put(t.token(), new TrackingToken(t.token(), t.kind(), email.accountId(), email.record(), id,
                    t.url()));
            tokensByMessage.computeIfAbsent(id, k -> new ArrayList<>()).add(t.token());
        }
        return message;
    }

    /** The message, or null. */
    EmailMessage get(long messageId) {
        return messages.get(messageId);
    }

    /**
     * Replaces a stored message by a changed copy of itself; its indexed fields (account, record, thread,
     * Message-ID) must not change.
     */
    void replace(EmailMessage message) {
        messages.put(message.id(), message);
    }

    List<EmailMessage> forRecord(long accountId, RecordRef record) {
        List<Long> ids = messagesByRecord.getOrDefault(RecordKey.of(accountId, record), List.of());
        List<EmailMessage> result = new ArrayList<>(ids.size());
        for (Long id : ids) {
            result.add(messages.get(id));
        }
        return List.copyOf(result);
    }

    /**
     * Newest first. Walks the narrowest index the query allows (record, thread or account) from the cursor
     * down, so a page costs what it skips, not the account's whole history.
     */
    List<EmailMessage> list(long accountId, MessageQuery query) {
        List<Long> ids;
        if (query.record() != null) {
            ids = messagesByRecord.getOrDefault(RecordKey.of(accountId, query.record()), List.of());
        } else if (query.threadId() != null) {
            ids = messagesByThread.getOrDefault(new ThreadKey(accountId, query.threadId()), List.of());
        } else {
            ids = messagesByAccount.getOrDefault(accountId, List.of());
        }
        int from = ids.size() - 1;
        if (query.beforeId() != null) {
            int at = Collections.binarySearch(ids, query.beforeId());
            from = (at >= 0 ? at : -at - 1) - 1;
        }
        List<EmailMessage> result = new ArrayList<>();
        for (int i = from; i >= 0 && result.size() < query.limit(); i--) {
            EmailMessage m = messages.get(ids.get(i));
            if (query.matches(m)) {
                result.add(m);
            }
        }
        return List.copyOf(result);
    }

    /** Oldest first. */
    List<EmailMessage> thread(long accountId, String threadId) {
        return messagesByThread.getOrDefault(new ThreadKey(accountId, threadId), List.of()).stream()
                .map(messages::get).toList();
    }

    List<EmailMessage> byMessageId(String messageId) {
        return messagesByMessageId.getOrDefault(messageId, List.of()).stream().map(messages::get).toList();
    }

    /** The token, or null. */
    TrackingToken token(String token) {
        return tokens.get(token);
    }

    List<TrackingToken> tokens(long messageId) {
        return tokensByMessage.getOrDefault(messageId, List.of()).stream().map(tokens::get).toList();
    }

    /** Stores the event with the next id and returns it with that id. */
    EmailEvent addEvent(EmailEvent event) {
        EmailEvent stored = event.withId(++lastEventId);
        events.computeIfAbsent(stored.messageId(), k -> new ArrayList<>()).add(stored);
        return stored;
    }

    List<EmailEvent> events(long messageId) {
        return List.copyOf(events.getOrDefault(messageId, List.of()));
    }
}
