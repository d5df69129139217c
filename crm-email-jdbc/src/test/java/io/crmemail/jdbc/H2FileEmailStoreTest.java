package io.crmemail.jdbc;

import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.EmailStoreContract;
import java.nio.file.Path;import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
/** Runs the {@link EmailStoreContract} against {@link JdbcEmailStore} on H2File. */
class H2FileEmailStoreTest extends EmailStoreContract {

    @TempDir
    Path dir;

    private TestDatabase database;
    private JdbcEmailStore store;

    @BeforeEach
    void createStore() {
        database = TestDatabase.h2File(dir, false, 10);
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
