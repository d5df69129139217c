package io.crmemail.jdbc;

import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.store.InboundStored;
import io.crmemail.core.store.NewEmail;
import io.crmemail.core.tracking.EmailEvent;
import io.crmemail.core.tracking.EventType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Message (comment) rows: creating them with their outbox entry and tokens, reading them, and rewriting
 * their status and metadata. The row's {@code status} and {@code attempts} columns and the outbox entry's
 * {@code due_at} are the truth for those fields; the JSON holds everything else.
 */
final class Messages {

    static final String SELECT = "SELECT m.id, m.account_id, m.table_id, m.record_id, m.type, m.parent_id,"
            + " m.user_id, m.created_at, m.status, m.attempts, m.metadata, o.due_at"
            + " FROM crm_email_message m LEFT JOIN crm_email_outbox o ON o.message_id = m.id";

    private final Dialect dialect;
    private final Tokens tokens;
    private final Events events;
    /** Accounts known to be in crm_email_outbox_account, so enqueue skips that insert after the first time. */
    private final Set<Long> knownAccounts = ConcurrentHashMap.newKeySet();

    Messages(Dialect dialect, Tokens tokens, Events events) {
        this.dialect = dialect;
        this.tokens = tokens;
        this.events = events;
    }

    // ---- writes -------------------------------------------------------------------------------------

    static void validate(NewEmail email) {
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(email.record(), "record");
        Objects.requireNonNull(email.type(), "type");
        Objects.requireNonNull(email.createdAt(), "createdAt");
        Objects.requireNonNull(email.metadata(), "metadata");
        Objects.requireNonNull(email.metadata().status(), "metadata.status");
        if (email.metadata().status().isPending()) {
            Objects.requireNonNull(email.dueAt(), "dueAt of a pending message");
        }
        Tokens.validate(email.tokens());
    }

    /** The insert of a message row; {@link #bindRow} binds all of its parameters. */
    String insertRowSql() {
        return "INSERT INTO crm_email_message (account_id, table_id, record_id, type, parent_id, user_id, created_at,"
                + " status, attempts, message_id, inbound_key, metadata, " + String.join(", ", MessageColumns.NAMES)
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, " + dialect.jsonParameter() + ", ?, ?, ?, ?)";
    }

    /** Binds the parameters of {@link #insertRowSql} from {@code first} on; returns the next free index. */
    static int bindRow(PreparedStatement ps, int first, NewEmail email, EmailMetadata metadata) throws SQLException {
        ps.setLong(first, email.accountId());
        ps.setLong(first + 1, email.record().tableId());
        ps.setLong(first + 2, email.record().recordId());
        ps.setString(first + 3, email.type().wire());
        Sql.setLong(ps, first + 4, email.parentId());
        Sql.setLong(ps, first + 5, email.userId());
        Sql.setInstant(ps, first + 6, email.createdAt());
        ps.setString(first + 7, metadata.status().wire());
        ps.setString(first + 8, metadata.messageId());
        ps.setString(first + 9, inboundKey(email.type(), metadata.messageId()));
        ps.setString(first + 10, MetadataJson.write(metadata));
        return MessageColumns.bind(ps, first + 11, email.type(), metadata);
    }

    /**
     * Inserts the comment, its outbox entry when pending, its tokens and its first event. Where the dialect can
     * (see {@link #insertsInOneStatement}) that is one statement, atomic by itself; otherwise it is several and
     * needs the caller's transaction.
     */
    EmailMessage insert(Connection c, NewEmail email) throws SQLException {
        boolean pending = email.metadata().status().isPending();
        Instant dueAt = pending ? Sql.micros(email.dueAt()) : null;
        EmailMetadata metadata = email.metadata().toBuilder().attempts(0).nextAttemptAt(dueAt).build();
        long id = insertsInOneStatement(email)
                ? MessageInsert.run(c, this, email, metadata, dueAt)
                : insertStepByStep(c, email, metadata, dueAt);
        return new EmailMessage(id, email.accountId(), email.record(), email.type(), email.parentId(),
                email.userId(), Sql.micros(email.createdAt()), metadata);
    }

    /** True when {@link #insert} of {@code email} is a single statement, so that it needs no transaction around it. */
    boolean insertsInOneStatement(NewEmail email) {
        return dialect.dataModifyingWith() && email.tokens().size() <= MessageInsert.MAX_TOKENS;
    }

    private long insertStepByStep(Connection c, NewEmail email, EmailMetadata metadata, Instant dueAt)
            throws SQLException {
        long id;
        try (PreparedStatement ps = c.prepareStatement(insertRowSql(), new String[] {"id"})) {
            bindRow(ps, 1, email, metadata);
            ps.executeUpdate();
            id = generatedId(ps);
        }
        if (dueAt != null) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO crm_email_outbox (message_id, account_id, due_at) VALUES (?, ?, ?)")) {
                ps.setLong(1, id);
                ps.setLong(2, email.accountId());
                Sql.setInstant(ps, 3, dueAt);
                ps.executeUpdate();
            }
        }
        tokens.insert(c, id, email);
        if (email.firstEvent() != null) {
            events.insert(c, EmailEvent.of(id, email.firstEvent(), email.createdAt(), Map.of()));
        }
        return id;
    }

    /**
     * The key that makes an inbound message unique per record (SHA-256 hex of its Message-ID); null for
     * everything else, which the unique index then ignores.
     */
    static String inboundKey(CommentType type, String messageId) {
        if (type != CommentType.EMAIL_IN || messageId == null) {
            return null;
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(messageId.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * Makes sure the claim knows the account, in its own short transaction before the first enqueue of the
     * account through this store: kept out of the enqueue transaction so that concurrent first enqueues of a
     * new account cannot fail each other (H2 reports the second insert as a duplicate instead of waiting).
     */
    void registerAccount(Tx tx, long accountId) {
        if (knownAccounts.contains(accountId)) {
            return;
        }
        try {
            tx.run(c -> {
                try (PreparedStatement ps = c.prepareStatement(dialect.insertAccountIfAbsent())) {
                    ps.setLong(1, accountId);
                    return ps.executeUpdate();
                }
            });
        } catch (JdbcStoreException e) {
            if (!(e.getCause() instanceof SQLException sql && JdbcStoreException.isUniqueViolation(sql))) {
                throw e;
            }
            // Another node or thread registered it at the same moment: that is all we wanted.
        }
        knownAccounts.add(accountId);
    }

    /** Stores an inbound message unless the record already has it (see EmailStore#storeInbound). */
    InboundStored storeInbound(Connection c, NewEmail email) throws SQLException {
        Optional<EmailMessage> existing = existingInbound(c, email);
        if (existing.isPresent()) {
            return new InboundStored(existing.get(), true);
        }
        EmailMessage stored = insert(c, email);
        if (email.parentId() != null && !email.metadata().autoReply()) {
            Optional<Locked> parent = lock(c, email.parentId());
            if (parent.isPresent()) {
                Instant at = email.metadata().receivedAt() != null ? email.metadata().receivedAt() : email.createdAt();
                EmailMetadata metadata = parent.get().metadata();
                if (metadata.repliedAt() == null) {
                    update(c, parent.get(), metadata.toBuilder().repliedAt(at).build());
                }
                events.insert(c, EmailEvent.of(email.parentId(), EventType.REPLY, at,
                        Map.of("commentId", String.valueOf(stored.id()))));
            }
        }
        return new InboundStored(stored, false);
    }

    /** The record's stored copy of an inbound message (same type and Message-ID), if any. */
    Optional<EmailMessage> existingInbound(Connection c, NewEmail email) throws SQLException {
        String messageId = email.metadata().messageId();
        if (messageId == null) {
            return Optional.empty();
        }
        return first(c, SELECT + " WHERE m.message_id = ? AND m.type = ?"
                + " AND m.account_id = ? AND m.table_id = ? AND m.record_id = ? ORDER BY m.id", ps -> {
            ps.setString(1, messageId);
            ps.setString(2, email.type().wire());
            ps.setLong(3, email.accountId());
            ps.setLong(4, email.record().tableId());
            ps.setLong(5, email.record().recordId());
        });
    }

    /** A message's status and metadata, read with a row lock for a read-modify-write. */
    record Locked(long id, CommentType type, EmailStatus status, EmailMetadata metadata) {
    }

    private static final String LOCK = "SELECT id, type, status, metadata FROM crm_email_message";

    Optional<Locked> lock(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LOCK + " WHERE id = ? FOR UPDATE")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(locked(rs)) : Optional.empty();
            }
        }
    }

    /**
     * Locks the messages that exist among {@code ids}, in ascending id order (so two such calls cannot
     * deadlock each other), and returns them by id.
     */
    Map<Long, Locked> lockAll(Connection c, Collection<Long> ids) throws SQLException {
        Map<Long, Locked> result = new TreeMap<>();
        for (List<Long> chunk : Sql.slices(new TreeSet<>(ids))) {
            try (PreparedStatement ps = c.prepareStatement(LOCK + " WHERE id IN (" + Sql.placeholders(chunk.size())
                    + ") ORDER BY id FOR UPDATE")) {
                Sql.setLongs(ps, 1, chunk);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Locked row = locked(rs);
                        result.put(row.id(), row);
                    }
                }
            }
        }
        return result;
    }

    private static Locked locked(ResultSet rs) throws SQLException {
        EmailStatus status = EmailStatus.fromWire(rs.getString("status"));
        return new Locked(rs.getLong("id"), CommentType.fromWire(rs.getString("type")), status,
                MetadataJson.read(rs.getString("metadata")).toBuilder().status(status).build());
    }

    /**
     * Rewrites status, metadata and the columns derived from it (attempts and the next attempt stay where they
     * are kept).
     */
    void update(Connection c, Locked row, EmailMetadata metadata) throws SQLException {
        updateAll(c, List.of(new Rewrite(row, metadata)));
    }

    /** A locked row's new metadata. */
    record Rewrite(Locked row, EmailMetadata metadata) {
    }

    /** {@link #update} of several locked rows in one JDBC batch. */
    void updateAll(Connection c, List<Rewrite> rewrites) throws SQLException {
        if (rewrites.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE crm_email_message SET status = ?, metadata = "
                + dialect.jsonParameter() + ", " + MessageColumns.ASSIGNMENTS + " WHERE id = ?")) {
            for (Rewrite rewrite : rewrites) {
                EmailMetadata metadata = rewrite.metadata();
                ps.setString(1, metadata.status().wire());
                ps.setString(2, MetadataJson.write(metadata));
                int next = MessageColumns.bind(ps, 3, rewrite.row().type(), metadata);
                ps.setLong(next, rewrite.row().id());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Adds {@code delta} to the attempts of each message, never below zero. */
    static void addAttempts(Connection c, Collection<Long> ids, int delta) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE crm_email_message SET attempts ="
                + " CASE WHEN attempts + ? < 0 THEN 0 ELSE attempts + ? END WHERE id IN ("
                + Sql.placeholders(ids.size()) + ")")) {
            ps.setInt(1, delta);
            ps.setInt(2, delta);
            Sql.setLongs(ps, 3, ids);
            ps.executeUpdate();
        }
    }

    // ---- reads --------------------------------------------------------------------------------------

    Optional<EmailMessage> find(Connection c, long id) throws SQLException {
        return first(c, SELECT + " WHERE m.id = ?", ps -> ps.setLong(1, id));
    }

    List<EmailMessage> listForRecord(Connection c, long accountId, RecordRef record) throws SQLException {
        return list(c, SELECT + " WHERE m.account_id = ? AND m.table_id = ? AND m.record_id = ? ORDER BY m.id", ps -> {
            ps.setLong(1, accountId);
            ps.setLong(2, record.tableId());
            ps.setLong(3, record.recordId());
        });
    }

    List<EmailMessage> findByMessageId(Connection c, String messageId) throws SQLException {
        return list(c, SELECT + " WHERE m.message_id = ? ORDER BY m.id", ps -> ps.setString(1, messageId));
    }

    /** Inbound messages of a record since a time whose sender is {@code fromEmail}, ignoring case. */
    long countInboundSince(Connection c, long accountId, RecordRef record, String fromEmail, Instant since)
            throws SQLException {
        // The sender lives in the JSON; the record index narrows to the record's recent mail, a handful of rows.
        return list(c, SELECT + " WHERE m.account_id = ? AND m.table_id = ? AND m.record_id = ? AND m.type = ?"
                + " AND m.created_at >= ?", ps -> {
            ps.setLong(1, accountId);
            ps.setLong(2, record.tableId());
            ps.setLong(3, record.recordId());
            ps.setString(4, CommentType.EMAIL_IN.wire());
            Sql.setInstant(ps, 5, since);
        }).stream()
                .filter(m -> m.metadata().fromIdentity() != null
                        && m.metadata().fromIdentity().email().equalsIgnoreCase(fromEmail))
                .count();
    }

    Map<Long, EmailMessage> findAll(Connection c, Collection<Long> ids) throws SQLException {
        Map<Long, EmailMessage> result = new HashMap<>();
        for (EmailMessage m : list(c, SELECT + " WHERE m.id IN (" + Sql.placeholders(ids.size()) + ")",
                ps -> Sql.setLongs(ps, 1, ids))) {
            result.put(m.id(), m);
        }
        return result;
    }

    private static Optional<EmailMessage> first(Connection c, String sql, Sql.Binder binder) throws SQLException {
        List<EmailMessage> all = list(c, sql, binder);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    static List<EmailMessage> list(Connection c, String sql, Sql.Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                List<EmailMessage> result = new ArrayList<>();
                while (rs.next()) {
                    result.add(map(rs));
                }
                return result;
            }
        }
    }

    private static EmailMessage map(ResultSet rs) throws SQLException {
        EmailMetadata metadata = MetadataJson.read(rs.getString("metadata")).toBuilder()
                .status(EmailStatus.fromWire(rs.getString("status")))
                .attempts(rs.getInt("attempts"))
                .nextAttemptAt(Sql.getInstant(rs, "due_at"))
                .build();
        return new EmailMessage(rs.getLong("id"), rs.getLong("account_id"),
                new RecordRef(rs.getLong("table_id"), rs.getLong("record_id")),
                CommentType.fromWire(rs.getString("type")), Sql.getLong(rs, "parent_id"), Sql.getLong(rs, "user_id"),
                Sql.getInstant(rs, "created_at"), metadata);
    }

    static long generatedId(Statement statement) throws SQLException {
        try (ResultSet keys = statement.getGeneratedKeys()) {
            if (!keys.next()) {
                throw new SQLException("the database returned no generated id");
            }
            return keys.getLong(1);
        }
    }
}
