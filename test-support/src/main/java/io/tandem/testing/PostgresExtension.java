package io.tandem.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Creates a uniquely named database for each test class on the server chosen by {@link PostgresServer},
 * resolves {@link TestDatabase} parameters, and drops the database when the class is done.
 */
final class PostgresExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(PostgresExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        PostgresServer server = PostgresServer.get();
        String name = databaseName(context.getRequiredTestClass());
        TestDatabase db = server.createDatabase(name);
        context.getStore(NS).put(TestDatabase.class, db);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        TestDatabase db = context.getStore(NS).remove(TestDatabase.class, TestDatabase.class);
        if (db != null) {
            db.close();
            PostgresServer.get().dropDatabase(db.name());
            PostgresServer.get().dropLogins(db.logins());
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        // Stores are hierarchical: a method context finds what its class context put there.
        TestDatabase db = context.getStore(NS).get(TestDatabase.class, TestDatabase.class);
        if (db == null) {
            throw new IllegalStateException("No test database for " + context.getDisplayName()
                    + ": annotate the test class with @PostgresTest");
        }
        return db;
    }

    private static String databaseName(Class<?> testClass) {
        String simple = testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
        if (simple.length() > 40) {
            simple = simple.substring(0, 40);
        }
        return "t_" + simple + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    }
}
