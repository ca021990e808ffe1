package io.tandem.views;

import io.tandem.core.TandemException;
import io.tandem.core.db.ApplierState;
import io.tandem.core.db.LockNames;
import io.tandem.core.db.LockTimeout;
import io.tandem.core.db.LockView;
import io.tandem.core.db.ReleasePhase;
import io.tandem.core.db.ReleaseState;
import io.tandem.core.db.TrackRow;
import io.tandem.core.db.VersionRegistry;
import io.tandem.core.definitions.VersionDefinition;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.tandem.views.TableShape.q;

/**
 * {@code tandem release status | pause | resume | abort | revert | finish}: steering an app's online release from
 * any terminal, through its row in {@code tandem.releases}.
 *
 * <ul>
 *   <li>{@link #abort}: before the switch — drops the build, the live schema stays as it was;</li>
 *   <li>{@link #revert}: after the switch — switches the previous tables back in (kept in step since the switch,
 *       so nothing written meanwhile is lost) and drops the release's;</li>
 *   <li>{@link #finish}: after the switch — drops the previous tables; the release can no longer be reverted.</li>
 * </ul>
 */
public final class ReleaseControl {
    /**
     * A revert is tried once the release track is within this much of its own work of the live applier (fixed: a
     * revert has no {@link Migrator#switchWithin} of its own).
     */
    private static final Duration REVERT_WINDOW = Duration.ofMillis(50);
    private final DataSource dataSource;
    private Duration lockTimeout = Duration.ofSeconds(2);
    private int attempts = 5;
    private MigrationProgress progress = MigrationProgress.SILENT;
    private Duration idleTrackWait = Duration.ofSeconds(30);
    private Duration quietWait = QuietMoment.DEFAULT_WAIT;
    private ViewGenerator views = new ViewGenerator();

    public ReleaseControl(DataSource dataSource) {
        this.dataSource = ReleaseDataSource.of(dataSource);
    }

    public ReleaseControl lockTimeout(Duration timeout) {
        this.lockTimeout = timeout;
        return this;
    }

    public ReleaseControl attempts(int count) {
        this.attempts = count;
        return this;
    }

    public ReleaseControl progress(MigrationProgress listener) {
        this.progress = listener;
        return this;
    }

    /** How long {@link #revert} waits for a quiet moment on the views (as {@link Migrator#quietWait}; default 60 s). */
    public ReleaseControl quietWait(Duration wait) {
        this.quietWait = QuietMoment.checked(wait);
        return this;
    }

    /**
     * How long {@link #revert} waits, while the release track is further behind the live applier than its window,
     * for an applier to lead that track before it gives up, nothing changed (default 30 s).
     */
    public ReleaseControl idleTrackWait(Duration wait) {
        if (wait.isNegative() || wait.isZero()) {
            throw new IllegalArgumentException("idleTrackWait must be positive, not " + wait);
        }
        this.idleTrackWait = wait;
        return this;
    }

    /** The app's release in progress, with how far its track is behind the live applier; empty when none. */
    public Optional<Status> status(String app) {
        try (Connection c = dataSource.getConnection()) {
            return status(c, app);
        } catch (SQLException e) {
            throw failed(app, "read the release", e);
        }
    }

    /** {@link #status(String)} on a connection of the caller's. */
    public static Optional<Status> status(Connection c, String app) throws SQLException {
        Optional<ReleaseState> state = ReleaseState.find(c, app);
        if (state.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Status(state.get(), TrackRow.release(app).behindLive(c),
                ReleaseLock.holder(c, app).map(ReleaseLock.Holder::toString).orElse(null)));
    }

    /**
     * A release, how many journal rows its track has yet to project to reach the live applier, and the session of the
     * command that drives it ({@code held by session 781 'tandem migrate', connected since ...}), or null when no
     * migrate, revert or retire of the app runs.
     */
    public record Status(ReleaseState release, long behind, String drivenBy) {
        /**
         * Whether the release waits for a command nobody runs: before the switch only a running {@code tandem
         * migrate} copies, migrates the build and catches up (a switched release waits for finish or revert anyway).
         */
        public boolean stranded() {
            return drivenBy == null && release.phase() != io.tandem.core.db.ReleasePhase.SWITCHED;
        }
    }

    /** Stops the copy and the release track until {@link #resume}; the live applier goes on. */
    public void pause(String app) {
        setPaused(app, true);
    }

    public void resume(String app) {
        setPaused(app, false);
    }

    private void setPaused(String app, boolean paused) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE tandem.releases SET paused = ?, definitions_generation = definitions_generation + 1"
                        + " WHERE app = ?")) {
            s.setBoolean(1, paused);
            s.setString(2, app);
            if (s.executeUpdate() == 0) {
                throw none(app);
            }
        } catch (SQLException e) {
            throw failed(app, paused ? "pause the release" : "resume the release", e);
        }
    }

    /** Drops the build of a release that has not switched; the live schema is left exactly as it was. */
    public void abort(String app) {
        ReleaseState state = require(app);
        if (state.phase() == ReleasePhase.SWITCHED) {
            throw new TandemException("The release of app '" + app + "' has switched; abort no longer applies. Revert"
                    + " it (tandem release revert --app " + app + ") or keep it (tandem release finish --app " + app
                    + ").");
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            lockAndDelete(c, app);
            c.commit();
            progress.step("Release of app " + app + " aborted; dropping its build schema " + state.buildSchema());
            dropSchema(c, state.buildSchema());
        } catch (SQLException e) {
            throw failed(app, "abort the release", e);
        }
    }

    /** Drops the previous tables of a switched release: it is then final. */
    public void finish(String app) {
        ReleaseState state = require(app);
        if (state.phase() != ReleasePhase.SWITCHED) {
            throw new TandemException("The release of app '" + app + "' has not switched yet (phase "
                    + state.phase().sql() + "); run tandem migrate to complete it, or abort it.");
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            lockAndDelete(c, app);
            c.commit();
            dropSchema(c, state.previousSchema());
            progress.step("Release of app " + app + " finished: previous tables in " + state.previousSchema()
                    + " dropped");
        } catch (SQLException e) {
            throw failed(app, "finish the release", e);
        }
    }

    /**
     * Switches the previous tables back in: every write since the switch is in them (the release track kept them
     * in step), the previous definitions and views return, and the release's tables are dropped.
     *
     * <p>Holds the app's release lock throughout, as {@code tandem migrate} does: a {@code tandem retire} meanwhile
     * would drop views the revert has already created again, and a second revert would race this one.
     *
     * @return how long the applier and the views were held
     * @throws TandemException when the previous tables could not follow (a version new in the release wrote
     *                         something they cannot hold), a live version has no mapping onto them, or a migrate,
     *                         revert or retire of the app is running
     */
    public SwitchTime revert(String app) {
        Connection lock = takeReleaseLock(app);
        try {
            return revertHolding(app);
        } finally {
            letGo(lock, app);
        }
    }

    /** The app's release lock, held on a connection of its own until {@link #letGo}. */
    private Connection takeReleaseLock(String app) {
        try {
            return ReleaseLock.hold(dataSource, app, "A tandem migrate, release revert or retire of app '" + app
                    + "' is running: revert once it has ended");
        } catch (SQLException e) {
            throw failed(app, "take the release lock to revert the release", e);
        }
    }

    /** Lets the release lock go ({@link ReleaseLock#letGo}) and closes its connection. */
    private void letGo(Connection lock, String app) {
        try (lock) {
            ReleaseLock.letGo(lock, app, progress);
        } catch (SQLException e) {
            progress.step("The release lock's connection of app " + app + " did not close cleanly (" + e.getMessage()
                    + ")");
        }
    }

    /**
     * The previous definitions a revert brings back: those of the versions still live. A version retired since the
     * switch stays retired — {@code tandem retire} is for good, whichever tables are live.
     */
    private static List<VersionDefinition> restored(ReleaseState state, List<Integer> live) {
        return state.previousDefinitions().stream().filter(p -> live.contains(p.version())).toList();
    }

    private SwitchTime revertHolding(String app) {
        ReleaseState state = require(app);
        if (state.phase() != ReleasePhase.SWITCHED) {
            throw new TandemException("The release of app '" + app + "' has not switched (phase " + state.phase().sql()
                    + "); to drop it, use tandem release abort --app " + app);
        }
        if (state.state() == ApplierState.HALTED) {
            throw cannotFollow(app, state.haltedReason());
        }
        if (state.paused()) {
            throw new TandemException("Cannot revert the release of app '" + app + "' while it is paused: the previous"
                    + " tables must first catch up (tandem release resume --app " + app + ")");
        }
        List<VersionDefinition> restored;
        try (Connection c = dataSource.getConnection()) {
            List<Integer> live = VersionRegistry.liveNumbers(c, app);
            restored = restored(state, live);
            List<String> missing = new ArrayList<>();
            for (int version : live) {
                if (restored.stream().noneMatch(p -> p.version() == version)) {
                    missing.add("version " + version);
                }
            }
            if (!missing.isEmpty() && restored.isEmpty()) {
                throw new TandemException("Cannot revert the release of app '" + app + "': no live version has a"
                        + " mapping onto the previous tables (" + String.join(", ", missing) + " are new in this"
                        + " release, and the versions that had one were retired since the switch). The release can"
                        + " only be finished: tandem release finish --app " + app + ". Nothing changed.");
            }
            if (!missing.isEmpty()) {
                throw new TandemException("Cannot revert the release of app '" + app + "': " + String.join(", ",
                        missing) + " is new in this release and has no mapping onto the previous tables; retire it"
                        + " first (tandem retire), or give it one in versions/previous/ of the release folder before"
                        + " migrating.");
            }
        } catch (SQLException e) {
            throw failed(app, "check the revert", e);
        }
        String out = "tandem_reverted_" + app;
        SwitchWindow window = new SwitchWindow(REVERT_WINDOW);
        QuietMoment quiet = new QuietMoment(dataSource, app, SwitchStep.REVERT, progress, quietWait, state.liveSchema(),
                state.movedIn());
        DefinitionsSwitch definitions = new DefinitionsSwitch(views, progress);
        Optional<StagedViews.Plan> staged;
        try {
            staged = StagedViews.plan(SwitchStep.REVERT, dataSource, definitions, restored, state.liveSchema(),
                    state.previousSchema(), state.movedIn(), progress);
        } catch (SQLException e) {
            throw failed(app, "prepare the revert's views", e);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                awaitNear(app, window, quiet, attempt == 1);
                ReleaseSwitch.Ready ready = TrackLook.ready(dataSource, app, window, quiet, () -> none(app));
                SwitchTime held = new ReleaseSwitch(dataSource, definitions, lockTimeout, window.catchUpWait(),
                        progress).back(state, restored, out, staged, ready);
                long dropping = System.nanoTime();
                try (Connection c = dataSource.getConnection()) {
                    dropSchema(c, out);
                }
                progress.step("Reverted the release of app " + app + ": views held " + held.viewsMillis()
                        + " ms, applier held " + held.applierMillis() + " ms; the release's tables were dropped in "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - dropping) + " ms");
                return held;
            } catch (ReleaseSwitch.NotYet e) {
                if (attempt >= 50) {
                    throw new TandemException("Gave up reverting the release of app '" + app + "' after " + attempt
                            + " tries, each within reach of the live applier, the last one because " + e.getMessage()
                            + ": the write load is about as much as the release track can project. Revert again"
                            + " when it is lighter. Nothing changed.");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(500, 20L * attempt)));
            } catch (SQLException e) {
                if (!"55P03".equals(e.getSQLState()) || attempt >= attempts) {
                    throw failed(app, "revert the release", e);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250L << Math.min(attempt - 1, 4)));
            }
        }
    }

    /**
     * Waits, holding nothing, until the release track is within {@code window} of the live applier (near it, when
     * {@code early}: the first try creates its views, holding nothing, while the track closes in), so that the
     * revert holds the live applier only while the track projects its last rows ({@link SwitchWindow}), and for a
     * {@link QuietMoment} on the views; reports how far behind the track is every second.
     *
     * @throws TandemException when the release halts or is paused meanwhile, or no applier has led its track for
     *                         {@link #idleTrackWait}
     */
    private void awaitNear(String app, SwitchWindow window, QuietMoment quiet, boolean early) throws SQLException {
        long lastReport = 0;
        long leaderlessSince = -1;
        while (true) {
            TrackLook look = TrackLook.take(dataSource, app, window).orElseThrow(() -> none(app));
            ReleaseState now = look.release();
            if (now.state() == ApplierState.HALTED) {
                throw cannotFollow(app, now.haltedReason());
            }
            if (now.paused()) {
                throw new TandemException("Cannot revert the release of app '" + app + "': it was paused while the"
                        + " revert waited for its release track. Resume it (tandem release resume --app " + app
                        + ") and revert again. Nothing changed.");
            }
            if (look.ready(window, quiet, early)) {
                return;
            }
            if (early ? window.near(look.behind()) : window.admits(look.behind())) {
                look.pause(window); // the quiet moment says what it waits for
                continue;
            }
            long at = System.nanoTime();
            if (at - lastReport > TimeUnit.SECONDS.toNanos(1)) {
                lastReport = at;
                progress.step(String.format("Revert waits for the release track: %,d row(s) behind the live"
                        + " applier, it tries within %,d", look.behind(), window.rows()));
            }
            if (trackLed(app)) {
                leaderlessSince = -1;
            } else if (leaderlessSince < 0) {
                leaderlessSince = at;
            } else if (at - leaderlessSince > idleTrackWait.toNanos()) {
                throw new TandemException(String.format("Gave up reverting the release of app '%s': its release"
                        + " track is %,d row(s) behind the live applier and no applier has run it for %d ms. Start"
                        + " one (tandem applier --app %s, or any process with Applier.start), then revert again."
                        + " Nothing changed.", app, look.behind(), idleTrackWait.toMillis(), app));
            }
            look.pause(window);
        }
    }

    /** Whether an applier leads the app's release track right now. */
    private boolean trackLed(String app) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return LockView.held(c, LockNames.releaseLeader(app));
        }
    }

    private static TandemException cannotFollow(String app, String reason) {
        return new TandemException("Cannot revert the release of app '" + app + "': the previous tables could not"
                + " follow every write since the switch: " + reason);
    }

    private ReleaseState require(String app) {
        try (Connection c = dataSource.getConnection()) {
            return ReleaseState.find(c, app).orElseThrow(() -> none(app));
        } catch (SQLException e) {
            throw failed(app, "read the release", e);
        }
    }

    /** Takes the release's row (waiting for the release track's slice in flight) and deletes it. */
    private void lockAndDelete(Connection c, String app) throws SQLException {
        LockTimeout.set(c, lockTimeout);
        try (PreparedStatement s = c.prepareStatement("DELETE FROM tandem.releases WHERE app = ?")) {
            s.setString(1, app);
            if (s.executeUpdate() == 0) {
                throw none(app);
            }
        }
    }

    /** Drops a schema nobody reads any more, waiting as long as a copy in progress takes to notice its abort. */
    private static void dropSchema(Connection c, String schema) throws SQLException {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + q(schema) + " CASCADE");
        }
    }

    private static TandemException none(String app) {
        return new TandemException("App '" + app + "' has no online release in progress (tandem status --app " + app
                + " shows its state).");
    }

    private static TandemException failed(String app, String what, SQLException e) {
        return new TandemException("Could not " + what + " of app '" + app + "': " + e.getMessage(), e);
    }
}
