package io.tandem.views;

import io.tandem.core.db.LockTimeout;
import io.tandem.core.db.ReleaseState;
import io.tandem.core.definitions.Release;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.tandem.views.TableShape.q;

/**
 * Runs a release's pending migrations on its build schema, in one transaction, and lints the release's
 * definitions against the result — nobody reads the build, so backfills, type changes, NOT NULL, constraints and
 * indexes cost no one a wait.
 *
 * <p>The migrations run with the build schema first on the {@code search_path} (Flyway's default schema), so their
 * unqualified names find the copies, and new tables and sequences are created there. Flyway's history of the build
 * is a table of the build schema ({@value #HISTORY}), baselined at the live schema's version, so exactly the
 * pending migrations run; the switch copies it into the live history.
 *
 * <p>Two guards keep the live tables read-only: every lock waits at most {@code lockTimeout} (a statement that
 * would change a live table waits for its lock and fails instead of stopping its readers), and before the
 * transaction commits, it checks that it wrote no row of, and changed no definition of, any live table.
 */
final class BuildMigration {
    /** Flyway's history table of a build. */
    static final String HISTORY = "tandem_build_history";

    private final DataSource dataSource;
    private final Duration lockTimeout;
    private final MigrationProgress progress;

    BuildMigration(DataSource dataSource, Duration lockTimeout, MigrationProgress progress) {
        this.dataSource = dataSource;
        this.lockTimeout = lockTimeout;
        this.progress = progress;
    }

    /** Migrates the build of {@code state} to {@code release}; the live schema stands at {@code liveVersion}. */
    void run(Release release, ReleaseState state, MigrationVersion liveVersion) {
        Guard guard = new Guard(release, state);
        FluentConfiguration config = Flyway.configure(BuildMigration.class.getClassLoader())
                .dataSource(dataSource)
                .locations("filesystem:" + release.migrationsDir().toAbsolutePath())
                .schemas(state.buildSchema())
                .defaultSchema(state.buildSchema())
                .createSchemas(false)
                .table(HISTORY)
                .baselineOnMigrate(true)
                .baselineVersion(liveVersion)
                .baselineDescription("live schema when the build was copied")
                .group(true)
                .cleanDisabled(true)
                .callbacks(guard);
        config.getConfigurationExtension(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
        config.load().migrate();
    }

    /** The callback that pins the search_path and lock_timeout, then checks the live tables and lints. */
    private final class Guard implements Callback {
        private final Release release;
        private final ReleaseState state;
        private int migrated;
        private int pending = -1;
        private java.util.Map<Long, String> liveBefore;

        Guard(Release release, ReleaseState state) {
            this.release = release;
            this.state = state;
        }

        @Override
        public boolean supports(Event event, Context context) {
            return event == Event.BEFORE_EACH_MIGRATE || event == Event.AFTER_EACH_MIGRATE;
        }

        @Override
        public boolean canHandleInTransaction(Event event, Context context) {
            return true;
        }

        @Override
        public void handle(Event event, Context context) {
            Connection c = context.getConnection();
            try {
                if (event == Event.BEFORE_EACH_MIGRATE) {
                    if (migrated == 0 && pending < 0) {
                        pending = state.migrations().size();
                        LockTimeout.set(c, lockTimeout);
                        try (Statement s = c.createStatement()) {
                            s.execute("SET LOCAL search_path TO " + q(state.buildSchema()) + ", "
                                    + q(state.liveSchema()));
                        }
                        liveBefore = liveRelations(c);
                    }
                    progress.step("Build: running migration " + context.getMigrationInfo().getVersion() + " ("
                            + context.getMigrationInfo().getDescription() + ")");
                    return;
                }
                migrated++;
                if (migrated == pending) {
                    checkLiveUntouched(c);
                    progress.step("Build: linting " + release.versions().size() + " definition(s) against the build");
                    List<String> problems = new ArrayList<>();
                    new Lint().check(c, release.versions()).forEach(p -> problems.add(p.located()));
                    if (!problems.isEmpty()) {
                        throw new MigrationRefusedException(release.app(), problems);
                    }
                    analyzeBuild(c);
                }
            } catch (SQLException e) {
                throw new ReleaseCallback.ReleaseStepFailed(e);
            }
        }

        /**
         * Gathers the planner's statistics of every built table, so that the tables the switch brings in are described
         * as they are after the migrations (a backfilled or added column has none from the copy's ANALYZE), not
         * planned on defaults until autovacuum comes by. Each {@code ANALYZE} waits for maintenance on its table (an
         * autovacuum the copy's inserts invited) up to {@link OnlineOptions#MAINTENANCE_WAIT}, in a savepoint of its
         * own: a table it could not analyze is named in the progress, to be analyzed by hand, and the release goes
         * on; a lost connection still fails it.
         */
        private void analyzeBuild(Connection c) throws SQLException {
            List<String> tables = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT c.relname FROM pg_catalog.pg_class c"
                    + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ?"
                    + " AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1")) {
                s.setString(1, state.buildSchema());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        tables.add(rs.getString(1));
                    }
                }
            }
            progress.step("Build: analyzing " + tables.size() + " table(s) for the planner");
            LockTimeout.set(c, OnlineOptions.maintenanceWait(lockTimeout));
            try (Statement s = c.createStatement()) {
                for (String table : tables) {
                    s.execute("SAVEPOINT tandem_analyze");
                    try {
                        // a partitioned table's ANALYZE covers its partitions, which are not listed
                        s.execute("ANALYZE " + q(state.buildSchema()) + "." + q(table));
                        s.execute("RELEASE SAVEPOINT tandem_analyze");
                    } catch (SQLException e) {
                        if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                            throw e;
                        }
                        s.execute("ROLLBACK TO SAVEPOINT tandem_analyze");
                        progress.step("Build: " + table + " not analyzed (" + e.getMessage() + "); run ANALYZE "
                                + state.liveSchema() + "." + table + " after the switch");
                    }
                }
            } finally {
                LockTimeout.set(c, lockTimeout);
            }
        }

        private void checkLiveUntouched(Connection c) throws SQLException {
            java.util.Set<String> touched = new java.util.TreeSet<>();
            try (PreparedStatement s = c.prepareStatement("SELECT relname FROM pg_catalog.pg_stat_xact_user_tables"
                    + " WHERE schemaname = ? AND n_tup_ins + n_tup_upd + n_tup_del > 0"
                    + " UNION SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
                    + " ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'S', 'v')"
                    + " AND c.xmin::text = (pg_catalog.pg_current_xact_id()::text::numeric % 4294967296)::text")) {
                s.setString(1, state.liveSchema());
                s.setString(2, state.liveSchema());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        touched.add(rs.getString(1));
                    }
                }
            }
            touched.remove("flyway_schema_history");
            java.util.Map<Long, String> after = liveRelations(c);
            liveBefore.forEach((oid, relation) -> {
                if (!relation.equals(after.get(oid))) {
                    touched.add(relation.substring(0, relation.indexOf('@')));
                }
            });
            after.forEach((oid, relation) -> {
                if (!liveBefore.containsKey(oid)) {
                    touched.add(relation.substring(0, relation.indexOf('@')));
                }
            });
            if (!touched.isEmpty()) {
                throw new MigrationRefusedException(release.app(), List.of("the migrations changed live table(s) "
                        + touched + " of schema " + state.liveSchema() + ", which the plan did not build beside;"
                        + " everything was rolled back. Release in place (tandem migrate --in-place), or make the"
                        + " statements name those tables the way the plan reads them (tandem migrate --plan)"));
            }
        }

        /**
         * The live schema's relations, oid → {@code name@relfilenode}: a relation dropped, created, renamed or
         * rewritten in it by the build shows as a difference, which row counts and catalog row versions can miss.
         */
        private java.util.Map<Long, String> liveRelations(Connection c) throws SQLException {
            java.util.Map<Long, String> relations = new java.util.HashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT c.oid::bigint, c.relname || '@' || c.relfilenode"
                    + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE n.nspname = ?")) {
                s.setString(1, state.liveSchema());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        relations.put(rs.getLong(1), rs.getString(2));
                    }
                }
            }
            return relations;
        }

        @Override
        public String getCallbackName() {
            return "tandem-build";
        }
    }
}
