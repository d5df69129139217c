package io.crmemail.examples.demo;

import io.crmemail.core.integration.SmtpSecurity;
import io.crmemail.core.message.Mailbox;
import io.crmemail.core.record.FieldType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the demo CRM holds: one account, its users (with API tokens), tables with records, and SMTP
 * integrations. Read from a JSON file by {@link WorldConfig}.
 */
public record DemoWorld(Account account, String replyDomain, List<User> users, List<Table> tables,
                        List<Smtp> smtpIntegrations) {

    public DemoWorld {
        users = List.copyOf(users);
        tables = List.copyOf(tables);
        smtpIntegrations = List.copyOf(smtpIntegrations);
    }

    /** The account everything belongs to; {@code spaceId} starts attachment paths. */
    public record Account(long id, String spaceId) {
    }

    /** A person who can sign in with {@code token} (also the API's Bearer token). */
    public record User(long id, String name, String email, String token, Set<Long> writableTables) {
        public User {
            writableTables = Set.copyOf(writableTables);
        }

        public boolean canWrite(long tableId) {
            return writableTables.contains(tableId);
        }
    }

    public record Field(String id, String name, FieldType type) {
    }

    /** A record; {@code values} are keyed by field id. */
    public record Record(long id, Map<String, Object> values) {
    }

    public record Table(long id, String name, List<Field> fields, List<Record> records) {
        public Table {
            fields = List.copyOf(fields);
            records = List.copyOf(records);
        }

        public Optional<Record> record(long recordId) {
            return records.stream().filter(r -> r.id() == recordId).findFirst();
        }
    }

    /** An SMTP integration; the password never leaves the server. */
    public record Smtp(long id, String label, String host, int port, SmtpSecurity security, String username,
                       String password, List<String> fromDomains, List<Mailbox> fromIdentities, boolean disablePixel) {
        public Smtp {
            fromDomains = List.copyOf(fromDomains);
            fromIdentities = List.copyOf(fromIdentities);
        }

        @Override
        public String toString() {
            return "Smtp[id=" + id + ", label=" + label + ", host=" + host + ", port=" + port + "]";
        }
    }

    public Optional<User> userByToken(String token) {
        return users.stream().filter(u -> Tokens.equal(u.token(), token)).findFirst();
    }

    public Optional<User> user(long id) {
        return users.stream().filter(u -> u.id() == id).findFirst();
    }

    public Optional<Table> table(long id) {
        return tables.stream().filter(t -> t.id() == id).findFirst();
    }
}
