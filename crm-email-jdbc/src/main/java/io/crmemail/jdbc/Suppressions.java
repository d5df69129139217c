package io.crmemail.jdbc;

import io.crmemail.core.store.Suppression;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The per-account suppression list; addresses are kept in lower case, so lookups ignore case. */
final class Suppressions {

    private final Dialect dialect;

    Suppressions(Dialect dialect) {
        this.dialect = dialect;
    }

    /** Adds the address unless it is there, and returns the entry as stored (the first one wins). */
    Suppression add(Connection c, long accountId, String email, String reason, Instant at) throws SQLException {
        String normalised = normalise(email);
        try (PreparedStatement ps = c.prepareStatement(dialect.insertSuppressionIfAbsent())) {
            ps.setLong(1, accountId);
            ps.setString(2, normalised);
            ps.setString(3, reason);
            Sql.setInstant(ps, 4, at);
            ps.executeUpdate();
        }
        return find(c, accountId, normalised).orElseThrow();
    }

    Set<String> among(Connection c, long accountId, Collection<String> emails) throws SQLException {
        Set<String> wanted = new LinkedHashSet<>();
        emails.forEach(e -> wanted.add(normalise(e)));
        if (wanted.isEmpty()) {
            return Set.of();
        }
        Set<String> found = new HashSet<>();
        for (List<String> slice : Sql.slices(List.copyOf(wanted))) {
            try (PreparedStatement ps = c.prepareStatement("SELECT email FROM crm_email_suppression"
                    + " WHERE account_id = ? AND email IN (" + Sql.placeholders(slice.size()) + ")")) {
                ps.setLong(1, accountId);
                int i = 2;
                for (String email : slice) {
                    ps.setString(i++, email);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(rs.getString(1));
                    }
                }
            }
        }
        return found;
    }

    List<Suppression> list(Connection c, long accountId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT account_id, email, reason, created_at"
                + " FROM crm_email_suppression WHERE account_id = ? ORDER BY created_at, email")) {
            ps.setLong(1, accountId);
            return read(ps);
        }
    }

    boolean remove(Connection c, long accountId, String email) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM crm_email_suppression WHERE account_id = ? AND email = ?")) {
            ps.setLong(1, accountId);
            ps.setString(2, normalise(email));
            return ps.executeUpdate() > 0;
        }
    }

    private Optional<Suppression> find(Connection c, long accountId, String normalised) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT account_id, email, reason, created_at"
                + " FROM crm_email_suppression WHERE account_id = ? AND email = ?")) {
            ps.setLong(1, accountId);
            ps.setString(2, normalised);
            List<Suppression> found = read(ps);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    private static List<Suppression> read(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            List<Suppression> result = new ArrayList<>();
            while (rs.next()) {
                result.add(new Suppression(rs.getLong("account_id"), rs.getString("email"), rs.getString("reason"),
                        Sql.getInstant(rs, "created_at")));
            }
            return result;
        }
    }

    private static String normalise(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }
}
