package io.crmemail.core.store;

import org.junit.jupiter.api.BeforeEach;

/** Runs the {@link EmailStoreContract} against {@link InMemoryEmailStore}. */
class InMemoryEmailStoreTest extends EmailStoreContract {

    private EmailStore store;

    @BeforeEach
    void createStore() {
        store = new InMemoryEmailStore();
    }

    @Override
    protected EmailStore store() {
        return store;
    }
}
