package io.crmemail.core.testsupport;

import io.crmemail.core.store.EmailStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/** Wraps a store so that the named operations throw while {@link #failing} is set, as a store outage would. */
public final class FailingStore {

    private FailingStore() {
    }

    public static EmailStore failing(EmailStore delegate, AtomicBoolean failing, String... operations) {
        Set<String> names = Set.of(operations);
        return (EmailStore) Proxy.newProxyInstance(EmailStore.class.getClassLoader(), new Class<?>[] {EmailStore.class},
                (proxy, method, args) -> {
                    if (failing.get() && names.contains(method.getName())) {
                        throw new IllegalStateException("store unavailable (test): " + method.getName());
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
