package io.crmemail.jdbc;

import io.crmemail.core.store.DuplicateNameException;
import io.crmemail.core.template.Template;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Message templates. Names are unique per account through the unique key (account_id, name), so two nodes
 * creating the same name at once cannot both succeed.
 */
final class Templates {

    private static final String SELECT = "SELECT id, account_id, name, subject, html, text, created_at, updated_at"
            + " FROM crm_email_template";

    private Templates() {
    }

    static Template save(Connection c, Template t) throws SQLException {
        Objects.requireNonNull(t.name(), "template name");
        Objects.requireNonNull(t.createdAt(), "template createdAt");
        Objects.requireNonNull(t.updatedAt(), "template updatedAt");
        long id = t.id();
        try {
            if (id == 0) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO crm_email_template (account_id, name,"
                        + " subject, html, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", new String[] {"id"})) {
                    bind(ps, t);
                    ps.executeUpdate();
                    id = Messages.generatedId(ps);
                }
            } else {
                try (PreparedStatement ps = c.prepareStatement("UPDATE crm_email_template SET account_id = ?, name = ?,"
                        + " subject = ?, html = ?, text = ?, created_at = ?, updated_at = ? WHERE id = ?")) {
                    bind(ps, t);
                    ps.setLong(8, id);
                    if (ps.executeUpdate() == 0) {
                        throw new IllegalArgumentException("no template with id " + id + " (save with id 0 to create one)");
                    }
                }
            }
        } catch (SQLException e) {
            if (JdbcStoreException.isUniqueViolation(e)) {
                DuplicateNameException duplicate =
                        new DuplicateNameException("a template named '" + t.name() + "' exists already");
                duplicate.initCause(e);
                throw duplicate;
            }
            throw e;
        }
        return new Template(id, t.accountId(), t.name(), t.subject(), t.html(), t.text(), Sql.micros(t.createdAt()),
                Sql.micros(t.updatedAt()));
    }

    private static void bind(PreparedStatement ps, Template t) throws SQLException {
        ps.setLong(1, t.accountId());
        ps.setString(2, t.name());
        ps.setString(3, t.subject());
        ps.setString(4, t.html());
        ps.setString(5, t.text());
        Sql.setInstant(ps, 6, t.createdAt());
        Sql.setInstant(ps, 7, t.updatedAt());
    }

    static Optional<Template> find(Connection c, long id) throws SQLException {
        List<Template> found = list(c, SELECT + " WHERE id = ?", id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    static List<Template> ofAccount(Connection c, long accountId) throws SQLException {
        return list(c, SELECT + " WHERE account_id = ? ORDER BY id", accountId);
    }

    static boolean delete(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM crm_email_template WHERE id = ?")) {
            ps.setLong(1, id);
            return ps.executeUpdate() > 0;
        }
    }

    private static List<Template> list(Connection c, String sql, long key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                List<Template> result = new ArrayList<>();
                while (rs.next()) {
                    result.add(new Template(rs.getLong("id"), rs.getLong("account_id"), rs.getString("name"),
                            rs.getString("subject"), rs.getString("html"), rs.getString("text"),
                            Sql.getInstant(rs, "created_at"), Sql.getInstant(rs, "updated_at")));
                }
                return result;
            }
        }
    }
}
