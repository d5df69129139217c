package io.crmemail.examples.demo;

import io.crmemail.core.store.EmailStore;
import io.crmemail.core.store.InMemoryEmailStore;

/**
 * The one place the demo chooses its {@link EmailStore}.
 *
 * <p>For now the demo keeps messages in core's {@link InMemoryEmailStore} (lost on restart); the options
 * {@code --jdbc-url/--jdbc-user/--jdbc-password} are parsed and validated already, and
 * {@link DemoOptions#effectiveJdbcUrl()} gives the H2 file database under the data directory. When
 * {@code crm-email-jdbc} is in the reactor, this method builds a {@code JdbcEmailStore} from them instead.
 */
public final class DemoStores {

    private DemoStores() {
    }

    /** The store for these options. The caller closes it if it is {@link AutoCloseable}. */
    public static EmailStore create(DemoOptions options) {
        return new InMemoryEmailStore();
    }

    /** One line for the start-up banner saying where messages are kept. */
    public static String describe(DemoOptions options) {
        return "in memory (messages are lost on restart; durable JDBC store: " + options.effectiveJdbcUrl() + " once enabled)";
    }
}
