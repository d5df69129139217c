package io.crmemail.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.crmemail.core.integration.DkimKey;
import io.crmemail.core.integration.ImapSettings;
import io.crmemail.core.integration.IntegrationKind;
import io.crmemail.core.integration.OAuthSettings;
import io.crmemail.core.integration.SmtpIntegration;
import io.crmemail.core.integration.SmtpSecurity;
import io.crmemail.core.json.EmailJson;
import io.crmemail.core.message.Mailbox;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Integrations, with the password and the kind's settings (OAuth client and refresh token, DKIM keys,
 * IMAP polling: one JSON document) encrypted by {@link CredentialCipher}. Ids are the store's
 * (largest + 1) unless the caller gives one, so an explicit id never collides with a later assigned one.
 */
final class Integrations {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };
    private static final TypeReference<List<Mailbox>> MAILBOXES = new TypeReference<>() {
    };
    private static final String COLUMNS = "account_id, label, host, port, security, username, password_encrypted,"
            + " from_domains, from_identities, disable_pixel, max_connections, max_messages_per_second,"
            + " connect_timeout_ms, read_timeout_ms, kind, owner_user_id, sandbox, list_unsubscribe, settings_encrypted";
    private static final int ID_PARAMETER = 20;
    private static final String SELECT = "SELECT id, " + COLUMNS + " FROM crm_email_integration";

    /** Null when the store has no key: then integrations with a password are refused. */
    private final CredentialCipher cipher;

    Integrations(CredentialCipher cipher) {
        this.cipher = cipher;
    }

    /** Refuses, before any database work, what this store cannot keep safely. */
    void validate(SmtpIntegration integration) {
        if ((integration.password() != null || KindSettings.of(integration) != null) && cipher == null) {
            throw new IllegalStateException("cannot save an integration with a password, OAuth, DKIM or IMAP settings: this JdbcEmailStore has no"
                    + " credential key (set one with JdbcEmailStore.builder(dataSource).credentialKey(32 bytes))");
        }
    }

    /**
     * Saves in the caller's transaction. A concurrent save may take the same new id; the unique violation
     * then surfaces and the store retries the whole transaction.
     */
    SmtpIntegration save(Connection c, SmtpIntegration integration) throws SQLException {
        long id = integration.id();
        if (id != 0 && update(c, id, integration)) {
            return integration;
        }
        if (id == 0) {
            try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(id), 0) + 1 FROM crm_email_integration");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO crm_email_integration (" + COLUMNS + ", id)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            bind(ps, integration);
            ps.setLong(ID_PARAMETER, id);
            ps.executeUpdate();
        }
        return integration.toBuilder().id(id).build();
    }

    private boolean update(Connection c, long id, SmtpIntegration integration) throws SQLException {
        String assignments = String.join(" = ?, ", COLUMNS.split(",\\s*")) + " = ?";
        try (PreparedStatement ps = c.prepareStatement("UPDATE crm_email_integration SET " + assignments
                + " WHERE id = ?")) {
            bind(ps, integration);
            ps.setLong(ID_PARAMETER, id);
            return ps.executeUpdate() > 0;
        }
    }

    private void bind(PreparedStatement ps, SmtpIntegration i) throws SQLException {
        ps.setLong(1, i.accountId());
        ps.setString(2, i.label());
        ps.setString(3, i.host());
        ps.setInt(4, i.port());
        ps.setString(5, i.security().wire());
        ps.setString(6, i.username());
        ps.setString(7, i.password() == null ? null : cipher.encrypt(i.password(), i.accountId()));
        ps.setString(8, EmailJson.write(i.fromDomains()));
        ps.setString(9, EmailJson.write(i.fromIdentities()));
        ps.setBoolean(10, i.disablePixel());
        ps.setInt(11, i.maxConnections());
        ps.setDouble(12, i.maxMessagesPerSecond());
        ps.setLong(13, i.connectTimeout().toMillis());
        ps.setLong(14, i.readTimeout().toMillis());
        ps.setString(15, i.kind().wire());
        if (i.ownerUserId() == null) {
            ps.setNull(16, java.sql.Types.BIGINT);
        } else {
            ps.setLong(16, i.ownerUserId());
        }
        ps.setBoolean(17, i.sandbox());
        ps.setBoolean(18, i.listUnsubscribe());
        KindSettings settings = KindSettings.of(i);
        ps.setString(19, settings == null ? null : cipher.encrypt(EmailJson.write(settings), i.accountId()));
    }

    Optional<SmtpIntegration> find(Connection c, long id) throws SQLException {
        List<SmtpIntegration> found = list(c, SELECT + " WHERE id = ?", id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    List<SmtpIntegration> ofAccount(Connection c, long accountId) throws SQLException {
        return list(c, SELECT + " WHERE account_id = ? ORDER BY id", accountId);
    }

    /**
     * Every integration with IMAP settings. Those live in the encrypted settings document, so the rows that have
     * one are decrypted and filtered here.
     */
    List<SmtpIntegration> withImap(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE settings_encrypted IS NOT NULL ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            List<SmtpIntegration> result = new ArrayList<>();
            while (rs.next()) {
                SmtpIntegration integration = map(rs);
                if (integration.imap() != null) {
                    result.add(integration);
                }
            }
            return result;
        }
    }

    private List<SmtpIntegration> list(Connection c, String sql, long key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                List<SmtpIntegration> result = new ArrayList<>();
                while (rs.next()) {
                    result.add(map(rs));
                }
                return result;
            }
        }
    }

    private SmtpIntegration map(ResultSet rs) throws SQLException {
        long accountId = rs.getLong("account_id");
        String password = decrypted(rs, "password_encrypted", "password");
        String settingsJson = decrypted(rs, "settings_encrypted", "OAuth, DKIM or IMAP settings");
        KindSettings settings = settingsJson == null ? KindSettings.NONE : EmailJson.read(settingsJson, KindSettings.class);
        long owner = rs.getLong("owner_user_id");
        Long ownerUserId = rs.wasNull() ? null : owner;
        return SmtpIntegration.builder()
                .id(rs.getLong("id"))
                .accountId(accountId)
                .label(rs.getString("label"))
                .host(rs.getString("host"))
                .port(rs.getInt("port"))
                .security(SmtpSecurity.fromWire(rs.getString("security")))
                .credentials(rs.getString("username"), password)
                .fromDomains(json(rs.getString("from_domains"), STRINGS))
                .fromIdentities(json(rs.getString("from_identities"), MAILBOXES))
                .disablePixel(rs.getBoolean("disable_pixel"))
                .maxConnections(rs.getInt("max_connections"))
                .maxMessagesPerSecond(rs.getDouble("max_messages_per_second"))
                .connectTimeout(Duration.ofMillis(rs.getLong("connect_timeout_ms")))
                .readTimeout(Duration.ofMillis(rs.getLong("read_timeout_ms")))
                .kind(IntegrationKind.fromWire(rs.getString("kind")))
                .ownerUserId(ownerUserId)
                .sandbox(rs.getBoolean("sandbox"))
                .listUnsubscribe(rs.getBoolean("list_unsubscribe"))
                .oauth(settings.oauth())
                .dkim(settings.dkim())
                .imap(settings.imap())
                .build();
    }

    private String decrypted(ResultSet rs, String column, String what) throws SQLException {
        String encrypted = rs.getString(column);
        if (encrypted == null) {
            return null;
        }
        if (cipher == null) {
            throw new IllegalStateException("integration " + rs.getLong("id") + " has encrypted " + what + " but"
                    + " this JdbcEmailStore has no credential key");
        }
        return cipher.decrypt(encrypted, rs.getLong("account_id"));
    }

    /** The kind's settings, stored together as one encrypted JSON document (they all hold secrets). */
    record KindSettings(OAuthSettings oauth, List<DkimKey> dkim, ImapSettings imap) {
        static final KindSettings NONE = new KindSettings(null, List.of(), null);

        /** Null when the integration has none of them. */
        static KindSettings of(SmtpIntegration i) {
            return i.oauth() == null && i.dkim().isEmpty() && i.imap() == null ? null
                    : new KindSettings(i.oauth(), i.dkim(), i.imap());
        }
    }

    private static <T> T json(String value, TypeReference<T> type) {
        try {
            return EmailJson.mapper().readValue(value, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable integration column: " + e.getOriginalMessage(), e);
        }
    }
}
