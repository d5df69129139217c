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
    /** Executions per SQL text, kept only with {@code -Dbench.sql.tally=true} (a map lookup per execution). */
    static final java.util.concurrent.ConcurrentHashMap<String, LongAdder> BY_SQL =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final boolean TALLY = Boolean.getBoolean("bench.sql.tally");

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
                tally("COMMIT");
            }
            Object result = invoke(target, method, args);
            if (result instanceof Statement s && method.getReturnType().isInterface()) {
                String sql = args != null && args.length > 0 && args[0] instanceof String text ? text : null;
                return statement(method.getReturnType(), s, sql);
            }
            return result;
        });
    }

    private static Object statement(Class<?> type, Statement statement, String preparedSql) {
        return proxy(type, statement, (target, method, args) -> {
            if (method.getName().startsWith("execute")) {
                STATEMENTS.increment();
                tally(preparedSql != null ? preparedSql
                        : args != null && args.length > 0 && args[0] instanceof String text ? text : "?");
            }
            return invoke(target, method, args);
        });
    }

    private static void tally(String sql) {
        if (TALLY) {
            BY_SQL.computeIfAbsent(sql, k -> new LongAdder()).increment();
        }
    }

    /** The tally so far, most executed first, per message; empty unless {@code -Dbench.sql.tally=true}. */
    static String tallyPerMessage(long messages) {
        StringBuilder out = new StringBuilder();
        BY_SQL.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()))
                .forEach(e -> {
                    String sql = e.getKey().replaceAll("\\s+", " ").trim();
                    out.append(String.format("  %8.3f  %s%n", (double) e.getValue().sum() / messages,
                            sql.length() > 160 ? sql.substring(0, 160) + "…" : sql));
                });
        BY_SQL.clear();
        return out.toString();
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
