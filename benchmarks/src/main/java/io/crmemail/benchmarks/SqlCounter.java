package io.crmemail.benchmarks;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * Counts what the JDBC store asks of its database, process-wide: statement executions (a JDBC batch counts once,
 * as the drivers send it in one go) and commits. With PostgreSQL each is a round trip to the server, so their
 * sum per message is steadier than wall time on a shared machine.
 */
final class SqlCounter {

    static final LongAdder STATEMENTS = new LongAdder();
    static final LongAdder COMMITS = new LongAdder();

    private SqlCounter() {
    }

    /** Statements plus commits so far. */
    static long roundTrips() {
        return STATEMENTS.sum() + COMMITS.sum();
    }

    static DataSource wrap(DataSource dataSource) {
        return proxy(DataSource.class, dataSource, (target, method, args) -> {
            Object result = invoke(target, method, args);
            return result instanceof Connection c ? connection(c) : result;
        });
    }

    private static Connection connection(Connection connection) {
        return proxy(Connection.class, connection, (target, method, args) -> {
            if (method.getName().equals("commit")) {
                COMMITS.increment();
            }
            Object result = invoke(target, method, args);
            if (result instanceof Statement s && method.getReturnType().isInterface()) {
                return statement(method.getReturnType(), s);
            }
            return result;
        });
    }

    private static Object statement(Class<?> type, Statement statement) {
        return proxy(type, statement, (target, method, args) -> {
            if (method.getName().startsWith("execute")) {
                STATEMENTS.increment();
            }
            return invoke(target, method, args);
        });
    }

    @FunctionalInterface
    private interface Handler {
        Object handle(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<?> type, Object target, Handler handler) {
        InvocationHandler h = (p, method, args) -> handler.handle(target, method, args);
        return (T) Proxy.newProxyInstance(SqlCounter.class.getClassLoader(), new Class<?>[] {type}, h);
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
