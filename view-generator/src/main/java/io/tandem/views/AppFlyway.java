package io.tandem.views;

import io.tandem.core.TandemException;
import io.tandem.core.definitions.Release;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

import javax.sql.DataSource;
import java.util.Arrays;
import java.util.List;

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

    /**
     * Refuses a release folder older than the database: migrations the app's history records as applied that the
     * folder does not hold (Flyway lets a newer one pass unseen, as "future"; what follows would be a release of
     * the old definitions over the new tables, refused only by lint, with advice to retire the newer versions).
     */
    static void refuseOlderFolder(MigrationInfoService info, Release release) {
        List<MigrationInfo> all = Arrays.asList(info.all());
        List<String> newer = applied(all, MigrationState.FUTURE_SUCCESS);
        List<String> removed = applied(all, MigrationState.MISSING_SUCCESS);
        if (!newer.isEmpty()) {
            throw new TandemException("The database has migration(s) " + String.join(", ", newer) + " of app '"
                    + release.app() + "' applied, which " + release.migrationsDir() + " does not hold: this release"
                    + " folder is older than the database. Release from the folder of the app's newest release,"
                    + " which holds every migration applied so far. Nothing changed.");
        }
        if (!removed.isEmpty()) {
            throw new TandemException("The database has migration(s) " + String.join(", ", removed) + " of app '"
                    + release.app() + "' applied, which are no longer in " + release.migrationsDir() + " (deleted or"
                    + " renumbered): a release folder keeps every migration applied, as it was. Put them back."
                    + " Nothing changed.");
        }
    }

    private static List<String> applied(List<MigrationInfo> all, MigrationState state) {
        return all.stream().filter(m -> m.getState() == state)
                .map(m -> (m.getVersion() == null ? "" : m.getVersion() + " ") + "(" + m.getDescription() + ")")
                .toList();
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
