package io.crmemail.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.DatabaseMetaData;
import org.junit.jupiter.api.Test;

class DialectTest {

    private static DatabaseMetaData meta(String product, String version) {
        return (DatabaseMetaData) Proxy.newProxyInstance(DatabaseMetaData.class.getClassLoader(),
                new Class<?>[] {DatabaseMetaData.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getDatabaseProductName" -> product;
                    case "getDatabaseProductVersion" -> version;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void picksTheDialectByProductName() throws Exception {
        assertThat(Dialect.forProduct(meta("H2", "2.3.232 (2024-08-11)"))).isInstanceOf(H2Dialect.class);
        assertThat(Dialect.forProduct(meta("PostgreSQL", "16.6"))).isInstanceOf(PostgresDialect.class);
        assertThat(Dialect.forProduct(meta("PostgreSQL", "14.0 (Debian 14.0-1)"))).isInstanceOf(PostgresDialect.class);
    }

    @Test
    void refusesOtherDatabasesAndOldVersionsClearly() {
        assertThatThrownBy(() -> Dialect.forProduct(meta("MySQL", "8.0.36")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unsupported database 'MySQL'");
        assertThatThrownBy(() -> Dialect.forProduct(meta("H2", "2.1.214 (2022-06-13)")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2.2.220 or later");
        assertThatThrownBy(() -> Dialect.forProduct(meta("PostgreSQL", "13.14")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("14.0.0 or later");
    }
}
