package io.crmemail.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.crmemail.core.integration.DkimAlgorithm;
import io.crmemail.core.integration.DkimKey;
import io.crmemail.core.integration.ImapSettings;
import io.crmemail.core.integration.IntegrationKind;
import io.crmemail.core.integration.OAuthSettings;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.integration.SmtpSecurity;
import io.crmemail.core.message.CommentType;
import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.message.EmailStatus;
import io.crmemail.core.message.RecordRef;
import io.crmemail.core.store.MessageQuery;
import io.crmemail.core.store.NewEmail;
import io.crmemail.core.store.NewToken;
import io.crmemail.core.store.TokenKind;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What JdbcEmailStore promises beyond the EmailStore contract, on both databases. */
class JdbcEmailStoreTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    static Stream<Arguments> databases() {
        return Stream.of(
                Arguments.of("h2", (Supplier<TestDatabase>) TestDatabase::h2Memory, H2Dialect.class),
                Arguments.of("postgresql", (Supplier<TestDatabase>) () -> TestDatabase.postgres(4), PostgresDialect.class));
    }

    private static SmtpIntegration integration(String password) {
        return SmtpIntegration.builder().accountId(1).host("smtp.acme.com").security(SmtpSecurity.STARTTLS)
                .credentials("smtp@acme.com", password).fromDomains("acme.com").build();
    }

    private static String queryString(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void detectsTheDialectFromTheConnection(String name, Supplier<TestDatabase> database, Class<?> dialect) {
        try (TestDatabase db = database.get()) {
            assertThat(new JdbcEmailStore(db.dataSource()).dialect()).isInstanceOf(dialect);
            assertThat(new JdbcEmailStore(db.dataSource()).dialect().name()).isEqualTo(name);
            Dialect other = dialect == H2Dialect.class ? new PostgresDialect() : new H2Dialect();
            assertThat(JdbcEmailStore.builder(db.dataSource()).dialect(other).build().dialect()).isSameAs(other);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void migrateAppliesEachVersionOnceEvenWhenNodesMigrateAtOnce(String name, Supplier<TestDatabase> database,
                                                                 Class<?> dialect) throws Exception {
        try (TestDatabase db = database.get()) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Integer>> runs = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    Callable<Integer> migrate = () -> new JdbcEmailStore(db.dataSource()).migrate();
                    runs.add(pool.submit(migrate));
                }
                int applied = 0;
                for (Future<Integer> run : runs) {
                    applied += run.get();
                }
                assertThat(applied).isEqualTo(SchemaMigrator.VERSIONS.size());
            } finally {
                pool.shutdown();
            }
            assertThat(new JdbcEmailStore(db.dataSource()).migrate()).isZero();
            assertThat(queryString(db.dataSource(), "SELECT COUNT(*) FROM crm_email_schema_version"))
                    .isEqualTo(String.valueOf(SchemaMigrator.VERSIONS.size()));
            for (String table : List.of("crm_email_template", "crm_email_idempotency", "crm_email_attachment",
                    "crm_email_suppression", "crm_email_send_window")) {
                assertThat(queryString(db.dataSource(), "SELECT COUNT(*) FROM " + table)).isEqualTo("0");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void integrationPasswordsAreEncryptedAtRestWithAFreshIvEachTime(String name, Supplier<TestDatabase> database,
                                                                     Class<?> dialect) throws Exception {
        try (TestDatabase db = database.get()) {
            JdbcEmailStore store = db.store();
            SmtpIntegration a = store.saveIntegration(integration("s3cret-password"));
            SmtpIntegration b = store.saveIntegration(integration("s3cret-password"));

            String rawA = queryString(db.dataSource(), "SELECT password_encrypted FROM crm_email_integration WHERE id = " + a.id());
            String rawB = queryString(db.dataSource(), "SELECT password_encrypted FROM crm_email_integration WHERE id = " + b.id());
            assertThat(rawA).startsWith("v1:").doesNotContain("s3cret").isNotEqualTo(rawB);
            assertThat(store.findIntegration(a.id()).orElseThrow().password()).isEqualTo("s3cret-password");

            byte[] otherKey = "ffffffffffffffffffffffffffffffff".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            JdbcEmailStore wrongKey = JdbcEmailStore.builder(db.dataSource()).credentialKey(otherKey).build();
            assertThatThrownBy(() -> wrongKey.findIntegration(a.id()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("wrong credential key")
                    .hasMessageNotContaining("s3cret");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void oauthDkimAndImapSecretsAreEncryptedAtRestAndNeedAKey(String name, Supplier<TestDatabase> database,
                                                              Class<?> dialect) throws Exception {
        try (TestDatabase db = database.get()) {
            JdbcEmailStore store = db.store();
            SmtpIntegration mailbox = SmtpIntegration.builder().accountId(1).kind(IntegrationKind.GMAIL)
                    .credentials("ana@gmail.com", null).ownerUserId(9L)
                    .oauth(new OAuthSettings(OAuthSettings.GOOGLE_TOKEN_ENDPOINT, "client", "client-s3cret",
                            "refresh-s3cret", null))
                    .dkim(new DkimKey("gmail.com", "sel", DkimAlgorithm.ED25519_SHA256, "dkim-s3cret"))
                    .imap(new ImapSettings("imap.gmail.com", 993, SmtpSecurity.TLS, "ana@gmail.com", "imap-s3cret",
                            null, null))
                    .build();
            SmtpIntegration saved = store.saveIntegration(mailbox);

            String raw = queryString(db.dataSource(),
                    "SELECT settings_encrypted FROM crm_email_integration WHERE id = " + saved.id());
            assertThat(raw).startsWith("v1:").doesNotContain("s3cret").doesNotContain("client");
            assertThat(store.findIntegration(saved.id())).contains(saved);

            JdbcEmailStore keyless = new JdbcEmailStore(db.dataSource());
            assertThatThrownBy(() -> keyless.saveIntegration(mailbox.toBuilder().id(0).build()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("no credential key");
            assertThatThrownBy(() -> keyless.findIntegration(saved.id()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("no credential key")
                    .hasMessageNotContaining("s3cret");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aStoreWithoutAKeyRefusesPasswordsButKeepsIntegrationsWithout(String name, Supplier<TestDatabase> database,
                                                                      Class<?> dialect) {
        try (TestDatabase db = database.get()) {
            db.store();
            JdbcEmailStore keyless = new JdbcEmailStore(db.dataSource());
            assertThatThrownBy(() -> keyless.saveIntegration(integration("secret")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("no credential key")
                    .hasMessageNotContaining("secret\"");
            assertThat(keyless.integrations(1)).isEmpty();

            SmtpIntegration open = keyless.saveIntegration(integration(null).toBuilder().credentials(null, null).build());
            assertThat(keyless.findIntegration(open.id())).contains(open);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void connectionsGoBackToThePoolAlsoWhenAnOperationFails(String name, Supplier<TestDatabase> database,
                                                            Class<?> dialect) {
        try (TestDatabase db = database.get()) {
            JdbcEmailStore store = db.store();
            HikariDataSource pool = (HikariDataSource) db.dataSource();
            store.enqueue(email("taken"));
            for (int i = 0; i < 30; i++) {
                assertThatThrownBy(() -> store.enqueue(email("taken"))).isInstanceOf(IllegalStateException.class);
            }
            assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
            assertThat(store.listForRecord(1, new RecordRef(1, 1))).hasSize(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void onAPoolWithAutoCommitOffEveryOperationIsCommitted(String name, Supplier<TestDatabase> database,
                                                          Class<?> dialect) throws Exception {
        try (TestDatabase db = database.get()) {
            db.store();
            HikariDataSource regular = (HikariDataSource) db.dataSource();
            com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
            config.setJdbcUrl(regular.getJdbcUrl());
            config.setUsername(regular.getUsername());
            config.setAutoCommit(false);
            config.setMaximumPoolSize(2);
            try (HikariDataSource manual = new HikariDataSource(config)) {
                JdbcEmailStore store = JdbcEmailStore.builder(manual).credentialKey(TestDatabase.KEY).build();
                long id = store.enqueue(email("committed")).id();
                assertThat(store.reserveSends(1, NOW, 2, 10)).isEqualTo(2);
                assertThat(store.reserveSends(1, NOW, 3, 10)).isEqualTo(5);
                assertThat(store.find(id)).isPresent();
                assertThat(store.integrations(1)).isEmpty();

                // Seen from other connections: nothing was left uncommitted on the pool's connections.
                assertThat(queryString(regular, "SELECT COUNT(*) FROM crm_email_outbox WHERE message_id = " + id))
                        .isEqualTo("1");
                assertThat(queryString(regular, "SELECT sends FROM crm_email_send_window WHERE account_id = 1"))
                        .isEqualTo("5");
                assertThat(manual.getHikariPoolMXBean().getActiveConnections()).isZero();
            }
        }
    }

    @org.junit.jupiter.api.Test
    void theDeliveryPathsPlanSettingEndsWithItsTransactionOnPostgres() throws Exception {
        try (TestDatabase db = TestDatabase.postgres(1)) {
            JdbcEmailStore store = db.store();
            long id = store.enqueue(email("plan")).id();
            List<io.crmemail.core.store.DeliveryJob> jobs = store.claimDue(NOW.plusSeconds(1), "node", java.time.Duration.ofMinutes(1), 10);
            assertThat(jobs).extracting(io.crmemail.core.store.DeliveryJob::messageId).containsExactly(id);
            assertThat(store.startSendingAll(List.of(id), "node", NOW.plusSeconds(1))).containsExactly(id);

            // The pool has one connection: the one the claim and the mark used.
            assertThat(queryString(db.dataSource(), "SHOW plan_cache_mode")).isEqualTo("auto");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aNewMessageIsWrittenWithItsOutboxEntryTokensAndFirstEventInTheirOrder(String name,
            Supplier<TestDatabase> database, Class<?> dialect) throws Exception {
        try (TestDatabase db = database.get()) {
            JdbcEmailStore store = db.store();
            NewEmail plain = email("p1");
            NewEmail email = new NewEmail(plain.accountId(), plain.record(), plain.type(), plain.parentId(),
                    plain.userId(), plain.createdAt(), plain.metadata(), plain.dueAt(),
                    List.of(NewToken.of("p1", TokenKind.PIXEL), NewToken.of("r1", TokenKind.REPLY),
                            new NewToken("c1", TokenKind.CLICK, "https://acme.com/a?b=1")),
                    io.crmemail.core.tracking.EventType.QUEUED);
            long id = store.enqueue(email).id();

            assertThat(store.tokens(id)).extracting(t -> t.token() + "/" + t.kind() + "/" + t.url())
                    .containsExactly("p1/PIXEL/null", "r1/REPLY/null", "c1/CLICK/https://acme.com/a?b=1");
            assertThat(store.events(id)).extracting(e -> e.type()).containsExactly(
                    io.crmemail.core.tracking.EventType.QUEUED);
            assertThat(queryString(db.dataSource(), "SELECT due_at FROM crm_email_outbox WHERE message_id = " + id))
                    .isNotNull();
            // A token taken by another message refuses the whole message, on either path.
            NewEmail clash = new NewEmail(plain.accountId(), plain.record(), plain.type(), plain.parentId(),
                    plain.userId(), plain.createdAt(), plain.metadata(), plain.dueAt(),
                    List.of(NewToken.of("fresh", TokenKind.PIXEL), NewToken.of("r1", TokenKind.REPLY)),
                    io.crmemail.core.tracking.EventType.QUEUED);
            assertThatThrownBy(() -> store.enqueue(clash))
                    .isInstanceOf(io.crmemail.core.store.DuplicateTokenException.class);
            assertThat(store.listForRecord(1, new RecordRef(1, 1))).hasSize(1);
            assertThat(queryString(db.dataSource(), "SELECT COUNT(*) FROM crm_email_outbox")).isEqualTo("1");
            assertThat(queryString(db.dataSource(), "SELECT COUNT(*) FROM crm_email_event")).isEqualTo("1");
            assertThat(store.findToken("fresh")).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aMessageWithManyLinksKeepsAllItsTokensInOrder(String name, Supplier<TestDatabase> database,
                                                       Class<?> dialect) {
        try (TestDatabase db = database.get()) {
            JdbcEmailStore store = db.store();
            for (int count : new int[] {MessageInsert.MAX_TOKENS, MessageInsert.MAX_TOKENS + 1, 450}) {
                List<NewToken> tokens = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    tokens.add(new NewToken("t" + count + "-" + i, TokenKind.CLICK, "https://acme.com/" + i));
                }
                long id = store.enqueue(email("m" + count).withTokens(tokens)).id();

                assertThat(store.tokens(id)).extracting(t -> t.token())
                        .containsExactlyElementsOf(tokens.stream().map(NewToken::token).toList());
                assertThat(store.tokens(List.of(id)).get(id)).hasSize(count);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void hotFieldsAreColumnsAndTheMetadataIsJson(String name, Supplier<TestDatabase> database, Class<?> dialect)
            throws Exception {
        try (TestDatabase db = database.get()) {
            JdbcEmailStore store = db.store();
            long id = store.enqueue(email("t1")).id();
            assertThat(queryString(db.dataSource(), "SELECT status FROM crm_email_message WHERE id = " + id))
                    .isEqualTo("queued");
            assertThat(queryString(db.dataSource(), "SELECT message_id FROM crm_email_message WHERE id = " + id))
                    .isEqualTo("<t1@acme.com>");
            assertThat(queryString(db.dataSource(), "SELECT metadata FROM crm_email_message WHERE id = " + id))
                    .contains("\"subject\"").contains("Hello");
            assertThat(queryString(db.dataSource(), "SELECT recipients FROM crm_email_message WHERE id = " + id))
                    .isEqualTo("|lead@example.org|");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void migratingToV6KeepsMessagesAndEventsStoredBefore(String name, Supplier<TestDatabase> database,
                                                          Class<?> dialect) throws Exception {
        try (TestDatabase db = database.get()) {
            JdbcEmailStore store = JdbcEmailStore.builder(db.dataSource()).build();
            new SchemaMigrator(store.dialect(), new Tx(db.dataSource()), SchemaMigrator.VERSIONS.subList(0, 5)).migrate();
            String longBody = "<p>" + "x".repeat(5000) + "</p>";
            NewEmail old = email("v5");
            long id = store.enqueue(new NewEmail(old.accountId(), old.record(), old.type(), old.parentId(),
                    old.userId(), old.createdAt(), old.metadata().toBuilder().body(longBody).build(), old.dueAt(),
                    old.tokens(), io.crmemail.core.tracking.EventType.QUEUED)).id();

            assertThat(store.migrate()).isEqualTo(1);

            assertThat(store.find(id).orElseThrow().metadata().body()).isEqualTo(longBody);
            assertThat(store.events(id)).hasSize(1);
            // Ids go on after the rebuilt table's last one, and the rows that point at messages still do.
            long next = store.enqueue(email("v6")).id();
            assertThat(next).isGreaterThan(id);
            assertThat(store.tokens(next)).hasSize(1);
            if (name.equals("h2")) {
                assertThat(queryString(db.dataSource(), "SELECT DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS"
                        + " WHERE TABLE_NAME = 'CRM_EMAIL_MESSAGE' AND COLUMN_NAME = 'METADATA'"))
                        .isEqualTo("CHARACTER VARYING");
                assertThat(queryString(db.dataSource(), "SELECT IS_NULLABLE FROM INFORMATION_SCHEMA.COLUMNS"
                        + " WHERE TABLE_NAME = 'CRM_EMAIL_MESSAGE' AND COLUMN_NAME = 'METADATA'")).isEqualTo("NO");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void migratingToV3DerivesTheSearchColumnsOfMessagesStoredBefore(String name, Supplier<TestDatabase> database,
                                                                     Class<?> dialect) throws Exception {
        try (TestDatabase db = database.get()) {
            JdbcEmailStore store = JdbcEmailStore.builder(db.dataSource()).build();
            new SchemaMigrator(store.dialect(), new Tx(db.dataSource()), SchemaMigrator.VERSIONS.subList(0, 2)).migrate();
            EmailMetadata sent = email("old").metadata().toBuilder().status(EmailStatus.SENT)
                    .to(List.of("Jane Doe <Jane@Example.org>")).sentAt(NOW.plusSeconds(5)).build();
            // As the previous release wrote a message: no derived columns.
            try (Connection c = db.dataSource().getConnection();
                 java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO crm_email_message (account_id,"
                         + " table_id, record_id, type, created_at, status, attempts, message_id, metadata)"
                         + " VALUES (1, 1, 1, 'email_out', ?, 'sent', 1, '<old@acme.com>', "
                         + store.dialect().jsonParameter() + ")")) {
                ps.setObject(1, java.time.OffsetDateTime.parse("2026-01-01T00:00:00Z"));
                ps.setString(2, io.crmemail.core.json.EmailJson.write(sent));
                ps.executeUpdate();
            }

            assertThat(store.migrate()).isEqualTo(SchemaMigrator.VERSIONS.size() - 2);

            MessageQuery byRecipient = new MessageQuery(null, null, "jane@example.org", null, null, null, null, null,
                    NOW.plusSeconds(5), NOW.plusSeconds(6), null, 10);
            assertThat(store.list(1, byRecipient)).singleElement()
                    .satisfies(m -> assertThat(m.metadata().messageId()).isEqualTo("<old@acme.com>"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aClaimReadsPastEntriesAnotherTransactionHoldsLocked(String name, Supplier<TestDatabase> database,
                                                             Class<?> dialect) throws Exception {
        try (TestDatabase db = database.get()) {
            JdbcEmailStore store = db.store();
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                ids.add(store.enqueue(email("lock-" + i)).id());
            }
            // Another node in the middle of a claim (or a dead one whose session lingers) holds the first ten.
            try (Connection other = db.dataSource().getConnection()) {
                other.setAutoCommit(false);
                try (Statement s = other.createStatement();
                     ResultSet rs = s.executeQuery("SELECT message_id FROM crm_email_outbox WHERE message_id IN ("
                             + ids.subList(0, 10).stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "))
                             + ") FOR UPDATE")) {
                    while (rs.next()) {
                        rs.getLong(1);
                    }
                }
                List<Long> claimed = store.claimDue(NOW, "w1", java.time.Duration.ofMinutes(1), 10).stream()
                        .map(io.crmemail.core.store.DeliveryJob::messageId).toList();
                assertThat(claimed).containsExactlyElementsOf(ids.subList(10, 20));
                other.rollback();
            }
        }
    }

    @org.junit.jupiter.api.Test
    void theCredentialKeyMustBe32Bytes() {
        DataSource unused = new org.h2.jdbcx.JdbcDataSource();
        assertThatThrownBy(() -> JdbcEmailStore.builder(unused).credentialKey(new byte[16]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes");
    }

    private static NewEmail email(String token) {
        EmailMetadata metadata = EmailMetadata.builder().status(EmailStatus.QUEUED).smtpIntegrationId(1L)
                .to(List.of("lead@example.org")).subject("Hello").body("<p>Hi</p>")
                .messageId("<" + token + "@acme.com>").build();
        return new NewEmail(1, new RecordRef(1, 1), CommentType.EMAIL_OUT, null, 42L, NOW, metadata, NOW,
                List.of(NewToken.of(token, TokenKind.PIXEL)));
    }
}
