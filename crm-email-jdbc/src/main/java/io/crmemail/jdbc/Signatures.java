package io.crmemail.jdbc;

import io.crmemail.core.signature.Signature;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Users' signatures; at most one default per user, kept so in the saving transaction. */
final class Signatures {

    private static final String SELECT = "SELECT id, account_id, user_id, name, html, is_default, created_at,"
            + " updated_at FROM crm_email_signature";

    static Signature save(Connection c, Signature s) throws SQLException {
        Objects.requireNonNull(s.name(), "signature name");
        Objects.requireNonNull(s.html(), "signature html");
        Objects.requireNonNull(s.createdAt(), "signature createdAt");
        Objects.requireNonNull(s.updatedAt(), "signature updatedAt");
        long id = s.id();
        if (id == 0) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO crm_email_signature (account_id, user_id,"
                    + " name, html, is_default, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    new String[] {"id"})) {
                bind(ps, s);
                ps.executeUpdate();
                id = Messages.generatedId(ps);
            }
        } else {
            try (PreparedStatement ps = c.prepareStatement("UPDATE crm_email_signature SET account_id = ?,"
                    + " user_id = ?, name = ?, html = ?, is_default = ?, created_at = ?, updated_at = ? WHERE id = ?")) {
                bind(ps, s);
                ps.setLong(8, id);
                if (ps.executeUpdate() == 0) {
                    throw new IllegalArgumentException("no signature with id " + id + " (save with id 0 to create one)");
                }
            }
        }
        if (s.isDefault()) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE crm_email_signature SET is_default = FALSE"
                    + " WHERE account_id = ? AND user_id = ? AND id <> ? AND is_default = TRUE")) {
                ps.setLong(1, s.accountId());
                ps.setLong(2, s.userId());
                ps.setLong(3, id);
                ps.executeUpdate();
            }
        }
        return new Signature(id, s.accountId(), s.userId(), s.name(), s.html(), s.isDefault(),
                Sql.micros(s.createdAt()), Sql.micros(s.updatedAt()));
    }

    private static void bind(PreparedStatement ps, Signature s) throws SQLException {
        ps.setLong(1, s.accountId());
        ps.setLong(2, s.userId());
        ps.setString(3, s.name());
        ps.setString(4, s.html());
        ps.setBoolean(5, s.isDefault());
        Sql.setInstant(ps, 6, s.createdAt());
        Sql.setInstant(ps, 7, s.updatedAt());
    }

    static Optional<Signature> find(Connection c, long id) throws SQLException {
        List<Signature> found = list(c, SELECT + " WHERE id = ?", id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    static List<Signature> ofUser(Connection c, long accountId, long userId) throws SQLException {
        return list(c, SELECT + " WHERE account_id = ? AND user_id = ? ORDER BY id", accountId, userId);
    }

    static boolean delete(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM crm_email_signature WHERE id = ?")) {
            ps.setLong(1, id);
            return ps.executeUpdate() > 0;
        }
    }

    private static List<Signature> list(Connection c, String sql, long... keys) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < keys.length; i++) {
                ps.setLong(i + 1, keys[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<Signature> result = new ArrayList<>();
                while (rs.next()) {
                    result.add(new Signature(rs.getLong("id"), rs.getLong("account_id"), rs.getLong("user_id"),
                            rs.getString("name"), rs.getString("html"), rs.getBoolean("is_default"),
                            Sql.getInstant(rs, "created_at"), Sql.getInstant(rs, "updated_at")));
                }
                return result;
            }
        }
    }

    private Signatures() {
    }
}
