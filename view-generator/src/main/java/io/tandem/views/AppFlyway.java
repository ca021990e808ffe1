package io.tandem.views;

import io.tandem.core.definitions.Release;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

import javax.sql.DataSource;

/**
 * Flyway set up for an app's physical migrations ({@code schemas/<app>/migrations}): all pending migrations in one
 * transaction ({@code group}), history in the app's own {@code flyway_schema_history}, and no transaction-scoped
 * Flyway lock (with it, a {@code CREATE INDEX CONCURRENTLY} script hangs).
 */
final class AppFlyway {
    private AppFlyway() {
    }

    static Flyway of(DataSource dataSource, Release release, Callback... callbacks) {
        return configure(dataSource, release, callbacks).load();
    }

    /** The configuration {@link #of} loads, for a caller that sets more (a baseline). */
    static FluentConfiguration configure(DataSource dataSource, Release release, Callback... callbacks) {
        FluentConfiguration config = Flyway.configure(AppFlyway.class.getClassLoader())
                .dataSource(dataSource)
                .locations("filesystem:" + release.migrationsDir().toAbsolutePath())
                .group(true)
                .cleanDisabled(true)
                .callbacks(callbacks);
        config.getConfigurationExtension(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
        return config;
    }
}
