package io.tandem.views;

import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.applier.TrackKind;
import io.tandem.core.TandemException;
import io.tandem.core.db.ApplierPosition;
import io.tandem.core.db.ApplierState;
import io.tandem.core.db.ReleasePhase;
import io.tandem.core.db.ReleaseState;
import io.tandem.core.definitions.Release;
import org.flywaydb.core.api.MigrationVersion;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.tandem.views.TableShape.q;

/**
 * An online release, phase after phase, each resumable: copy the affected tables into a build schema from one
 * snapshot ({@link BuildCopy}), run the migrations there ({@link BuildMigration}), let the release track project
 * the journal written meanwhile onto the build through the release's definitions until it has caught up, then
 * switch in one short transaction ({@link ReleaseSwitch}).
 *
 * <p>Every phase records its end in {@code tandem.releases}, so a {@code tandem migrate} killed anywhere is resumed
 * by running it again with the same release folder (a copy that did not commit starts over), or undone with
 * {@code tandem release abort}; until the switch the live schema is only read.
 */
final class OnlineRelease {
    private final DataSource dataSource;
    private final OnlineOptions options;
    private final MigrationProgress progress;
    private final DefinitionsSwitch definitions;

    OnlineRelease(DataSource dataSource, OnlineOptions options, DefinitionsSwitch definitions,
                  MigrationProgress progress) {
        this.dataSource = dataSource;
        this.options = options;
        this.definitions = definitions;
        this.progress = progress;
    }

    /** What the online release did, for the report. */
    record Outcome(long copiedRows, double copyRowsPerSecond, long caughtUpRows, SwitchTime held,
                   int switchAttempts, long quietWaitMillis) {
    }

    Outcome run(Release release, ReleasePlan plan, String liveSchema, MigrationVersion liveVersion,
                String fingerprint) throws SQLException {
        ReleaseState state;
        try (Connection c = dataSource.getConnection()) {
            state = ReleaseState.find(c, release.app()).orElse(null);
            if (state == null) {
                start(c, release, plan, liveSchema, fingerprint);
                state = ReleaseState.find(c, release.app()).orElseThrow();
            } else {
                progress.step("Resuming the release of app " + release.app() + " in phase " + state.phase().sql());
            }
        }
        long copied = state.copiedRows();
        double rate = 0;
        if (state.phase() == ReleasePhase.COPYING) {
            long started = System.nanoTime();
            copied = copy(state, plan);
            rate = copied / Math.max(1e-9, (System.nanoTime() - started) / 1e9);
            state = reload(release.app());
        }
        if (state.phase() == ReleasePhase.MIGRATING) {
            migrateBuild(release, state, liveVersion);
            update(release.app(), "UPDATE tandem.releases SET phase = 'catching_up', built_at = now(),"
                    + " definitions_generation = definitions_generation + 1 WHERE app = ?");
            progress.step("Build migrated; the release track now projects the journal written since the copy");
            state = reload(release.app());
        }
        if (state.phase() != ReleasePhase.CATCHING_UP) {
            throw new TandemException("The release of app '" + release.app() + "' is in phase " + state.phase().sql()
                    + "; nothing to do");
        }
        return catchUpAndSwitch(release, state, copied, rate);
    }

    /**
     * Runs the migrations on the build; when they fail or the definitions do not fit the result, the release is
     * aborted (its build dropped): it cannot go on without a changed release folder.
     */
    private void migrateBuild(Release release, ReleaseState state, MigrationVersion liveVersion) {
        try {
            new BuildMigration(dataSource, options.lockTimeout(), progress).run(release, state, liveVersion);
        } catch (RuntimeException e) {
            new ReleaseControl(dataSource).progress(progress).abort(release.app());
            MigrationRefusedException refused = Migrator.find(e, MigrationRefusedException.class);
            if (refused != null) {
                throw refused;
            }
            throw new TandemException("The release of app '" + release.app() + "' failed on its build and was rolled"
                    + " back whole and aborted; the live schema and the applier were never touched. Cause: "
                    + MigrationFailure.cause(release, e), e);
        }
    }

    private void start(Connection c, Release release, ReleasePlan plan, String liveSchema, String fingerprint)
            throws SQLException {
        List<String> problems = new java.util.ArrayList<>(definitions.problems(c, release));
        if (!release.previousVersions().isEmpty()) { // they map onto the live tables as they are now
            c.setAutoCommit(false);
            try {
                new Lint().check(c, release.previousVersions())
                        .forEach(p -> problems.add(p.located()));
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
        if (!problems.isEmpty()) {
            throw new MigrationRefusedException(release.app(), problems);
        }
        String build = "tandem_build_" + release.app();
        String previous = "tandem_previous_" + release.app();
        for (String schema : List.of(build, previous, "tandem_reverted_" + release.app())) {
            if (!io.tandem.core.definitions.SqlIdentifier.isValid(schema)) {
                throw new TandemException("App name '" + release.app() + "' is too long for an online release's schema"
                        + " " + schema + " (at most 63 characters); release in place (tandem migrate --in-place)");
            }
            try (Statement s = c.createStatement()) { // left by a release that ended before it could drop them
                s.execute("DROP SCHEMA IF EXISTS " + q(schema) + " CASCADE");
            }
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO tandem.releases (app, live_schema, build_schema,"
                + " previous_schema, release_dir, fingerprint, tables, new_tables, migrations, definitions,"
                + " copy_total_rows) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)")) {
            s.setString(1, release.app());
            s.setString(2, liveSchema);
            s.setString(3, build);
            s.setString(4, previous);
            s.setString(5, release.appDir().toAbsolutePath().normalize().toString());
            s.setString(6, fingerprint);
            s.setArray(7, c.createArrayOf("text", plan.built().stream().map(ReleasePlan.TableSize::table).toArray()));
            s.setArray(8, c.createArrayOf("text", plan.created().toArray()));
            s.setArray(9, c.createArrayOf("text", plan.pending().toArray()));
            s.setString(10, ReleaseState.definitionsJson(release.versions()));
            s.setLong(11, plan.rowsToCopy());
            s.executeUpdate();
        }
        progress.step("Online release of app " + release.app() + " started: building " + plan.built().size()
                + " table(s) beside the live ones in schema tandem_build_" + release.app());
    }

    private long copy(ReleaseState state, ReleasePlan plan) throws SQLException {
        ApplierPosition copied;
        try (Connection c = dataSource.getConnection()) {
            copied = BuildCopy.copiedPosition(c, state.buildSchema());
        }
        long rows = 0;
        if (copied == null) {
            progress.step("Copying " + state.tables() + " (~" + String.format("%,d", plan.rowsToCopy()) + " rows)"
                    + " from one snapshot; the live tables are only read");
            rows = new BuildCopy(dataSource, progress, new BuildThrottle(options.copyRowsPerSecond(),
                    options.maxLag(), progress)).run(state, plan.rowsToCopy());
        }
        update(state.app(), "UPDATE tandem.releases r SET phase = 'migrating', applied_snapshot = p.applied_snapshot,"
                + " batch_snapshot = p.batch_snapshot, batch_done_seq = p.batch_done_seq, copied_rows = p.copied_rows"
                + " FROM " + q(state.buildSchema()) + "." + BuildCopy.POSITION_TABLE + " p WHERE r.app = ?");
        return rows == 0 ? reload(state.app()).copiedRows() : rows;
    }

    private Outcome catchUpAndSwitch(Release release, ReleaseState state, long copied, double rate)
            throws SQLException {
        long caughtUp = 0;
        try (Applier track = Applier.start(new ApplierConfig(dataSource, release.app())
                .tracks(EnumSet.of(TrackKind.RELEASE)).leaderName("tandem migrate"))) {
            long lastReport = 0;
            int notYet = 0;
            int timeouts = 0;
            SwitchWindow window = new SwitchWindow(options.switchWithin());
            QuietMoment quiet = new QuietMoment(dataSource, release.app(), SwitchStep.SWITCH, progress, options.quietWait(),
                    state.liveSchema(), state.tables());
            Optional<StagedViews.Plan> views = StagedViews.plan(SwitchStep.SWITCH, dataSource, definitions, release.versions(),
                    state.liveSchema(), state.buildSchema(), state.tables(), progress);
            boolean early = true; // the first try prepares while the track closes in; later ones wait until it is in
            while (true) {
                if (track.state() == ApplierState.HALTED) {
                    throw new TandemException("The release of app '" + release.app() + "' cannot catch up: "
                            + track.haltedReason());
                }
                TrackLook look = TrackLook.take(dataSource, release.app(), window)
                        .orElseThrow(() -> aborted(release.app()));
                ReleaseState now = look.release();
                if (now.state() == ApplierState.HALTED) {
                    throw new TandemException("The release of app '" + release.app() + "' cannot catch up: "
                            + now.haltedReason());
                }
                caughtUp = Math.max(caughtUp, now.appliedRows());
                if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(1)) {
                    lastReport = System.nanoTime();
                    progress.step(String.format("catch-up: %,d row(s) projected onto the build, %,d behind the live"
                            + " applier; the switch is tried within %,d row(s)", now.appliedRows(), look.behind(),
                            window.rows()));
                }
                if (now.paused() || !look.ready(window, quiet, early)) {
                    look.pause(window);
                    continue;
                }
                ReleaseSwitch.Ready ready = TrackLook.ready(dataSource, release.app(), window, quiet,
                        () -> aborted(release.app()));
                try {
                    SwitchTime held = new ReleaseSwitch(dataSource, definitions, options.lockTimeout(),
                            window.catchUpWait(), progress).forward(release, now, views, ready);
                    progress.step("Switched: views held " + held.viewsMillis() + " ms, applier held "
                            + held.applierMillis() + " ms; the previous tables are kept in " + now.previousSchema()
                            + " until `tandem release finish --app " + release.app() + "`");
                    return new Outcome(copied, rate, now.appliedRows(), held, notYet + timeouts + 1,
                            quiet.waitedMillis());
                } catch (ReleaseSwitch.NotYet e) {
                    early = false;
                    if (++notYet % 10 == 1) {
                        progress.step("Switch not yet: " + e.getMessage() + "; trying again");
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(500, 20L * notYet)));
                } catch (SQLException e) {
                    early = false;
                    if (!"55P03".equals(e.getSQLState()) || ++timeouts >= options.attempts()) {
                        throw e;
                    }
                    progress.step("A lock was not granted within " + options.lockTimeout().toMillis() + " ms ("
                            + e.getMessage() + "); switch rolled back, retrying (attempt " + (timeouts + 1) + " of "
                            + options.attempts() + ")");
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250L << Math.min(timeouts - 1, 4)));
                }
            }
        }
    }

    private ReleaseState reload(String app) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return ReleaseState.find(c, app).orElseThrow(() -> aborted(app));
        }
    }

    private static TandemException aborted(String app) {
        return new TandemException("The release of app '" + app + "' was aborted (tandem release abort); the live"
                + " schema is unchanged.");
    }

    private void update(String app, String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            c.setAutoCommit(true);
            s.setString(1, app);
            if (s.executeUpdate() != 1) {
                throw new TandemException("The release of app '" + app + "' was aborted (tandem release abort);"
                        + " the live schema is unchanged.");
            }
        }
    }
}
