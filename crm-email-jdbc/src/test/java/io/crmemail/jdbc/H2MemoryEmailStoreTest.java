package io.crmemail.jdbc;

import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.EmailStoreContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Runs the {@link EmailStoreContract} against {@link JdbcEmailStore} on H2Memory. */
class H2MemoryEmailStoreTest extends EmailStoreContract {

    private TestDatabase database;
    private JdbcEmailStore store;

    @BeforeEach
    void createStore() {
        database = TestDatabase.h2Memory();
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
