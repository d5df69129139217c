package io.crmemail.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crmemail.core.record.FieldType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorldConfigTest {

    private static final String VALID = """
            {"account": {"id": 1, "spaceId": 1},
             "replyDomain": "reply.acme.example",
             "users": [{"id": 1, "name": "Alice", "email": "alice@acme.example", "token": "alice-secret", "writableTables": [1]}],
             "tables": [{"id": 1, "name": "Leads",
               "fields": [{"id": "id", "name": "ID", "type": "key"}, {"id": "title", "name": "Title", "type": "text"},
                          {"id": "company", "name": "Company", "type": "text"}, {"id": "email", "name": "Email", "type": "email"},
                          {"id": "score", "name": "Score", "type": "calc"}],
               "records": [{"id": 456, "values": {"title": "Jane Doe", "company": "Initech", "email": "lead@example.org", "score": 7}}]}],
             "smtpIntegrations": [{"id": 7, "label": "smtp@acme.com", "host": "127.0.0.1", "port": 2525, "security": "none",
               "username": null, "password": null,
               "fromDomains": ["acme.com"], "fromIdentities": [{"name": "Sales", "email": "sales@acme.com"}], "disablePixel": false}]}
            """;

    @Test
    void theIssuesExampleParses() throws Exception {
        DemoWorld world = parse(VALID);
        assertThat(world.account().spaceId()).isEqualTo("1");
        assertThat(world.userByToken("alice-secret")).get().extracting(DemoWorld.User::name).isEqualTo("Alice");
        assertThat(world.userByToken("alice-secreT")).isEmpty();
        DemoWorld.Table leads = world.table(1).orElseThrow();
        assertThat(leads.fields()).extracting(DemoWorld.Field::type)
                .containsExactly(FieldType.KEY, FieldType.TEXT, FieldType.TEXT, FieldType.EMAIL, FieldType.CALC);
        assertThat(leads.record(456).orElseThrow().values()).containsEntry("id", 456L).containsEntry("title", "Jane Doe");
        assertThat(world.smtpIntegrations().get(0).fromIdentities().get(0).email()).isEqualTo("sales@acme.com");
    }

    @Test
    void theBuiltInWorldParses() throws Exception {
        assertThat(WorldConfig.builtIn().users()).isNotEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"type\": \"calc\"}]     | \"type\": \"date\"}]       | tables[0].fields[4].type: must be one of key, text, email, number, calc, got \"date\"",
        "\"writableTables\": [1]  | \"writableTables\": [9]    | users[0].writableTables[0]: no table has id 9",
        "\"score\": 7             | \"scor\": 7                | tables[0].records[0].values.scor: the table has no field \"scor\"",
        "\"score\": 7             | \"score\": true            | tables[0].records[0].values.score: must be a number",
        "\"lead@example.org\"     | \"not an address\"         | tables[0].records[0].values.email:",
        "\"port\": 2525           | \"port\": 70000            | smtpIntegrations[0].port: must be a port number from 1 to 65535",
        "\"security\": \"none\"   | \"security\": \"ssl\"      | smtpIntegrations[0].security: must be one of none, starttls, tls",
        "\"sales@acme.com\"}]     | \"sales@evil.example\"}]   | smtpIntegrations[0].fromIdentities[0].email: its domain evil.example is not one of fromDomains [acme.com]",
        "\"token\": \"alice-secret\" | \"token\": \"short\"     | users[0].token: must be at least 8 printable ASCII characters",
        "\"spaceId\": 1           | \"spaceId\": \"a/b\"       | account.spaceId: must be a number or up to 64 letters",
        "\"replyDomain\"          | \"replyDomian\"            | replyDomian: unknown field (expected one of account, replyDomain",
        "{\"id\": 7,              | {\"id\": -7,               | smtpIntegrations[0].id: must be a positive number, got -7",
    })
    void errorsNameTheFileTheFieldAndTheProblem(String from, String to, String expected) {
        String broken = VALID.replace(from.strip(), to.strip());
        assertThat(broken).isNotEqualTo(VALID);
        assertThatThrownBy(() -> parse(broken)).isInstanceOf(WorldConfig.ConfigException.class)
                .hasMessageStartingWith("world.json: ").hasMessageContaining(expected.strip());
    }

    @Test
    void malformedJsonNamesLineAndColumn() {
        assertThatThrownBy(() -> parse("{\n  \"account\": {\"id\": 1,,}\n}"))
                .hasMessageStartingWith("world.json: not valid JSON at line 2, column");
    }

    @Test
    void duplicatesAndEmptyUsersAreRefused() {
        assertThatThrownBy(() -> parse(VALID.replace("\"users\": [{", "\"users\": [{\"id\": 1, \"name\": \"A2\", \"email\": \"a2@acme.example\", \"token\": \"other-secret\"}, {")))
                .hasMessageContaining("users[1].id: duplicate id 1");
        assertThatThrownBy(() -> parse(VALID.replaceAll("\"users\": \\[.*?\\]}\\],", "\"users\": [],")))
                .hasMessageContaining("users: must list at least one user");
    }

    @Test
    void loadReadsAFileAndNamesIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("my-world.json");
        Files.writeString(file, VALID.replace("\"name\": \"Leads\"", "\"name\": 5"));
        assertThatThrownBy(() -> WorldConfig.load(file)).hasMessage(file + ": tables[0].name: must be a string, got 5");
        assertThatThrownBy(() -> WorldConfig.load(dir.resolve("missing.json"))).hasMessageContaining("cannot be read");
    }

    private static DemoWorld parse(String json) throws WorldConfig.ConfigException {
        return WorldConfig.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "world.json");
    }
}
