package io.crmemail.jdbc;

import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.EmailStoreContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Runs the {@link EmailStoreContract} against {@link JdbcEmailStore} on Postgres. */
class PostgresEmailStoreTest extends EmailStoreContract {

    private TestDatabase database;
    private JdbcEmailStore store;

    @BeforeEach
    void createStore() {
        database = TestDatabase.postgres(10);
        store = database.store();
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    @Override
    protected EmailStore store() {
        return store;
    }
}
