package io.tandem.views;

import io.tandem.core.TandemException;
import io.tandem.core.db.ReleasePhase;
import io.tandem.core.db.ReleaseState;
import io.tandem.core.db.TandemSchema;
import io.tandem.core.db.TrackRow;
import io.tandem.core.definitions.Release;
import io.tandem.core.definitions.VersionDefinition;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * {@code tandem migrate}: releases a new state of an app online — its pending physical migrations, the definitions
 * of every version that stays live (remapped onto the new schema), a new version, and all their views and grants —
 * in ONE PostgreSQL transaction.
 *
 * <pre>{@code
 * MigrationReport report = new Migrator(dataSource).progress(System.err::println).migrate(Release.load(dir));
 * }</pre>
 *
 * <p>Guarantees: journal writes go on throughout (writers touch only {@code tandem.journal}); the applier is held
 * at a batch boundary for exactly the migration transaction ({@link PauseLock}) and resumes on the new
 * definitions after the commit; readers see the old schema and views or the new ones, never a mix; a failure
 * anywhere — a migration, lint, a view — rolls everything back and the applier resumes on the old definitions.
 * Each lock waits at most {@code lockTimeout}; a migration that hits it is retried from scratch (up to
 * {@code attempts} times) and then given up with a clear error, so a long-running reader cannot make everyone
 * queue behind the migration. A database without Tandem gets it installed first: the first release is a migrate.
 */
public final class Migrator {
    /** How a release with pending migrations is carried out. */
    public enum Mode {
        /** Online when a pending statement would lock a live table for a time that grows with its size, else in place. */
        AUTO,
        /** Built beside the live tables and switched, whatever the migrations do. */
        ONLINE,
        /** In one transaction on the live tables (every lock held until it commits). */
        IN_PLACE
    }

    private final DataSource dataSource;
    private Duration lockTimeout = Duration.ofSeconds(2);
    private int attempts = 5;
    private Mode mode = Mode.AUTO;
    private long copyRowsPerSecond;
    private Duration maxLag = Duration.ofSeconds(2);
    private Duration switchWithin = Duration.ofMillis(50);
    private Duration quietWait = QuietMoment.DEFAULT_WAIT;
    private boolean baseline;
    private MigrationProgress progress = MigrationProgress.SILENT;
    private ViewGenerator views = new ViewGenerator();

    public Migrator(DataSource dataSource) {
        this.dataSource = ReleaseDataSource.of(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /** The longest any lock of the migration waits before the attempt is abandoned and retried (default 2 s). */
    public Migrator lockTimeout(Duration timeout) {
        if (timeout.toMillis() < 1) {
            // PostgreSQL reads a lock_timeout of 0 as "wait forever", the opposite of what this bounds.
            throw new IllegalArgumentException("lockTimeout must be at least 1 ms, got " + timeout);
        }
        this.lockTimeout = timeout;
        return this;
    }

    /** Tries in all before giving up on lock timeouts (default 5). */
    public Migrator attempts(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, got " + count);
        }
        this.attempts = count;
        return this;
    }

    /** Online, in place, or chosen by the plan ({@link Mode#AUTO}, the default). */
    public Migrator mode(Mode mode) {
        this.mode = Objects.requireNonNull(mode, "mode");
        return this;
    }

    /** An online release copies at most this many rows per second (default 0: as fast as it can). */
    public Migrator copyRowsPerSecond(long rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("copyRowsPerSecond must be 0 (no limit) or more, got " + rows);
        }
        this.copyRowsPerSecond = rows;
        return this;
    }

    /**
     * An online release's copy waits while the live applier's oldest unapplied row is older than this (default
     * 2 s): the copy yields to the live traffic.
     */
    public Migrator maxLag(Duration lag) {
        this.maxLag = Objects.requireNonNull(lag, "lag");
        return this;
    }

    /**
     * An online release tries its switch once the release track is no more journal rows behind the live applier than
     * it projects in this time at the fastest pace it showed while catching up, and at least 100 rows (default 50
     * ms). The switch holds the live applier while the track projects those rows, so this sets the order of that
     * hold; under a write load close to the track's pace the window doubles for every 10 s the track spends near it
     * (within ten windows) without reaching it, up to 64 times.
     */
    public Migrator switchWithin(Duration within) {
        this.switchWithin = SwitchWindow.checked(within);
        return this;
    }

    /**
     * How long an online release's switch waits for a quiet moment on the views before it asks for its locks anyway
     * (default 60 s; zero: it does not wait): it does not ask while an app transaction has held a lock on a view for
     * 100 ms or more, since its first exclusive lock would wait for that transaction and the app would queue behind
     * it. Once this has passed it asks, and its lock timeout bounds the app's wait.
     */
    public Migrator quietWait(Duration wait) {
        this.quietWait = QuietMoment.checked(wait);
        return this;
    }

    /**
     * Adopts a database that predates Tandem (default off): its app schema holds tables but no release history, and
     * the release's first migration is the baseline that describes them ({@link Scaffold}). That migration is
     * recorded as applied without running it, so the tables and their rows stay; the later ones run as usual.
     * Without it, such a database is refused before anything changes.
     */
    public Migrator baseline(boolean adopt) {
        this.baseline = adopt;
        return this;
    }

    public Migrator progress(MigrationProgress listener) {
        this.progress = Objects.requireNonNull(listener, "listener");
        return this;
    }

    public Migrator views(ViewGenerator generator) {
        this.views = Objects.requireNonNull(generator, "generator");
        return this;
    }

    /**
     * Releases {@code release}.
     *
     * @throws MigrationRefusedException when lint or the version check refuses it (nothing changed)
     * @throws TandemException when it failed or gave up (nothing changed), saying why and what to do
     */
    public MigrationReport migrate(Release release) {
        long start = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            AppBaseline.check(AppBaseline.look(c), release, baseline); // before anything changes, Tandem's schema too
            AppFlyway.refuseOlderFolder(AppFlyway.of(dataSource, release).info(), release);
        } catch (SQLException e) {
            throw new TandemException("Could not read the app schema of '" + release.app() + "': " + e.getMessage(), e);
        }
        progress.step("Tandem schema " + TandemSchema.install(dataSource) + " ready");
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            ReleaseLock.take(c, release.app());
            try {
                // again, under the lock and with Tandem's schema installed: another migrate may have adopted it
                // meanwhile, and a login named tandem now finds its "$user" schema first
                AppBaseline.Found found = AppBaseline.look(c);
                AppBaseline.check(found, release, baseline);
                if (baseline) {
                    AppBaseline.adopt(dataSource, release, found, progress);
                }
                ReleaseState existing = ReleaseState.find(c, release.app()).orElse(null);
                if (existing != null && existing.phase() == ReleasePhase.SWITCHED
                        && existing.fingerprint().equals(ReleaseFingerprint.of(release))) {
                    progress.step("This release of app " + release.app() + " has already switched (at "
                            + existing.switchedAt() + "); `tandem release finish` or `revert` ends it");
                    return new MigrationReport(release.app(), "online", List.of(), // this run applied none
                            release.versions().stream().map(VersionDefinition::version).toList(), 0, 0, 0,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), 0, 0, 0, 0);
                }
                if (existing != null && existing.phase() == ReleasePhase.SWITCHED) {
                    progress.step("The previous release of app " + release.app() + " switched and was not finished;"
                            + " finishing it (its previous tables are dropped)");
                    new ReleaseControl(dataSource).progress(progress).finish(release.app());
                    existing = null;
                }
                MigrationInfoService info = AppFlyway.of(dataSource, release).info(); // the history, read once
                AppFlyway.refuseOlderFolder(info, release);
                MigrationInfo current = info.current();
                MigrationInfo[] pending = info.pending();
                String liveSchema = currentSchema(c);
                ReleasePlan plan = ReleasePlan.of(c, release, pending, liveSchema);
                boolean online = existing != null || !baseline && current != null && pending.length > 0
                        && (mode == Mode.ONLINE || mode == Mode.AUTO && plan.heavy()); // adopting: nothing live yet
                if (!online) {
                    return inPlace(release, start);
                }
                String fingerprint = ReleaseFingerprint.of(release);
                if (existing != null && !existing.fingerprint().equals(fingerprint)) {
                    throw new TandemException("A release of app '" + release.app() + "' is in progress (phase "
                            + existing.phase().sql() + ", started " + existing.startedAt() + " from "
                            + existing.releaseDir() + ") and " + release.appDir() + " is not that release. Resume it"
                            + " with the same folder, or abort it first: tandem release abort --app " + release.app());
                }
                if (existing == null && !plan.buildable()) {
                    throw new MigrationRefusedException(release.app(), plan.refusals());
                }
                plan.describe(true).forEach(progress::step);
                OnlineRelease.Outcome outcome = new OnlineRelease(dataSource, new OnlineOptions(lockTimeout, attempts,
                        copyRowsPerSecond, maxLag, switchWithin, quietWait),
                        new DefinitionsSwitch(views, progress), progress)
                        .run(release, plan, liveSchema, current.getVersion(), fingerprint);
                long now = System.nanoTime();
                return new MigrationReport(release.app(), "online", plan.pending(),
                        release.versions().stream().map(VersionDefinition::version).toList(),
                        outcome.held().applierMillis(), outcome.held().viewsMillis(), outcome.switchAttempts(),
                        TimeUnit.NANOSECONDS.toMillis(now - start), outcome.copiedRows(), outcome.copyRowsPerSecond(),
                        outcome.caughtUpRows(), outcome.quietWaitMillis());
            } finally {
                ReleaseLock.letGo(c, release.app(), progress);
            }
        } catch (SQLException e) {
            throw new TandemException("The release of app '" + release.app() + "' failed: " + e.getMessage()
                    + ". The live schema is unchanged unless this says it switched; `tandem release status --app "
                    + release.app() + "` shows where it stands, and running the same migrate again resumes it.", e);
        }
    }

    /**
     * The plan of {@code release} against the live database, and whether {@code migrate} would build it beside the
     * live tables; changes nothing.
     *
     * @throws MigrationRefusedException what migrate would refuse whatever the migrations do: a live version missing
     *                                   from the folder, a retired one still in it (lint needs the migrated schema)
     */
    public PlannedRelease plan(Release release) {
        try (Connection c = dataSource.getConnection()) {
            AppBaseline.check(AppBaseline.look(c), release, baseline);
            MigrationInfoService info = AppFlyway.of(dataSource, release).info(); // the history, read once
            AppFlyway.refuseOlderFolder(info, release);
            if (TandemSchema.installedVersion(c) != null) { // what migrate refuses whatever the schema
                List<String> problems = new DefinitionsSwitch(views, progress).problems(c, release);
                if (!problems.isEmpty()) {
                    throw new MigrationRefusedException(release.app(), problems);
                }
            }
            MigrationInfo[] pending = info.pending();
            if (baseline) { // the first is recorded as applied, not run
                pending = java.util.Arrays.copyOfRange(pending, 1, pending.length);
            }
            ReleasePlan plan = ReleasePlan.of(c, release, pending, currentSchema(c));
            boolean first = info.current() == null;
            boolean online = !baseline && !first && pending.length > 0
                    && (mode == Mode.ONLINE || mode == Mode.AUTO && plan.heavy());
            return new PlannedRelease(plan, online, baseline, first);
        } catch (SQLException e) {
            throw new TandemException("Could not plan the release of app '" + release.app() + "': " + e.getMessage(), e);
        }
    }

    /**
     * A plan and the path {@code migrate} would take: online, or else in place, where {@code firstRelease} (no
     * migration applied yet) and {@code adopts} say why.
     */
    public record PlannedRelease(ReleasePlan plan, boolean online, boolean adopts, boolean firstRelease) {
        public List<String> describe() {
            List<String> lines = new ArrayList<>();
            if (adopts) {
                lines.add("Adopt the existing tables: the first migration is recorded as applied without running it");
            }
            lines.addAll(plan.describe(online));
            if (!online) {
                lines.add(inPlace());
            }
            return lines;
        }

        private String inPlace() {
            if (firstRelease && !adopts) {
                return "In place: the app's first release creates its tables; nothing live is held meanwhile";
            }
            if (plan.pending().isEmpty()) {
                return "Nothing to migrate: definitions, views and grants are stored again; the switch holds the"
                        + " views and the applier for milliseconds";
            }
            return plan.heavy() ? "In place" + (adopts ? "" : " (as asked)") + ": the live tables above are locked"
                    + " while the migrations run"
                    : "In place: every change is metadata only; the switch holds the views and the applier for"
                    + " milliseconds";
        }
    }

    private static String currentSchema(Connection c) throws SQLException {
        try (var s = c.createStatement(); var rs = s.executeQuery("SELECT current_schema()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private MigrationReport inPlace(Release release, long start) {
        try (Connection announcement = dataSource.getConnection()) {
            announcement.setAutoCommit(true);
            TrackRow.live(release.app()).announcePause(announcement);
            try {
                return attempts(release, start);
            } finally {
                TrackRow.live(release.app()).withdrawPause(announcement);
            }
        } catch (SQLException e) {
            throw new TandemException("Could not prepare the release of app '" + release.app() + "': " + e.getMessage(), e);
        }
    }

    private MigrationReport attempts(Release release, long start) {
        for (int attempt = 1; ; attempt++) {
            try {
                return once(release, attempt, start);
            } catch (RuntimeException e) {
                MigrationRefusedException refused = find(e, MigrationRefusedException.class);
                if (refused != null) {
                    throw refused;
                }
                SQLException sql = find(e, SQLException.class);
                boolean lockTimedOut = sql != null && "55P03".equals(sql.getSQLState());
                if (!lockTimedOut) {
                    throw new TandemException("The release of app '" + release.app() + "' failed and was rolled back"
                            + " whole; the applier goes on with the old definitions. Cause: "
                            + MigrationFailure.cause(release, e), e);
                }
                if (attempt >= attempts) {
                    throw new TandemException("Gave up the release of app '" + release.app() + "' after " + attempt
                            + " attempt(s): each time a lock was not granted within " + lockTimeout.toMillis()
                            + " ms (" + sql.getMessage() + "). A long-running transaction holds a lock the migration"
                            + " needs; find it with SELECT pid, state, xact_start, query FROM pg_stat_activity WHERE"
                            + " pid = ANY (pg_blocking_pids(<migrate pid>)), end it, and run migrate again."
                            + " Nothing changed.", e);
                }
                long backoff = 250L << Math.min(attempt - 1, 4);
                progress.step("A lock was not granted within " + lockTimeout.toMillis() + " ms (" + sql.getMessage()
                        + "); rolled back, retrying in " + backoff + " ms (attempt " + (attempt + 1) + " of "
                        + attempts + ")");
                sleep(backoff);
            }
        }
    }

    private MigrationReport once(Release release, int attempt, long start) {
        DefinitionsSwitch definitions = new DefinitionsSwitch(views, progress);
        MigrationInfo[] pending = AppFlyway.of(dataSource, release).info().pending();
        ReleaseCallback callback = new ReleaseCallback(release, pending.length, lockTimeout, definitions, progress);
        Flyway flyway = AppFlyway.of(dataSource, release, callback);
        List<String> applied = new ArrayList<>();
        long pausedAt;
        if (pending.length == 0) {
            progress.step("No pending migration; switching definitions and views in one transaction");
            pausedAt = definitionsOnly(release, definitions);
        } else {
            progress.step(pending.length + " pending migration(s) of app '" + release.app() + "'");
            MigrateResult result = flyway.migrate();
            for (MigrateOutput m : result.migrations) {
                applied.add(m.version + " " + m.description);
            }
            pausedAt = callback.pausedAt();
        }
        long now = System.nanoTime();
        long pauseMillis = pausedAt == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(now - pausedAt);
        List<Integer> versions = release.versions().stream().map(VersionDefinition::version).toList();
        progress.step("Committed: applier resumed after a pause of " + pauseMillis + " ms; live versions " + versions);
        return new MigrationReport(release.app(), "in-place", List.copyOf(applied), versions, pauseMillis,
                pauseMillis, attempt, TimeUnit.NANOSECONDS.toMillis(now - start), 0, 0, 0, 0);
    }

    private long definitionsOnly(Release release, DefinitionsSwitch definitions) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                DefinitionsSwitch.Prepared prepared = definitions.prepare(c, release); // before anything is held
                TrackRow.live(release.app()).hold(c, lockTimeout);
                long pausedAt = System.nanoTime();
                definitions.apply(c, prepared);
                c.commit();
                return pausedAt;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new ReleaseCallback.ReleaseStepFailed(e);
        }
    }

    static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TandemException("Interrupted while waiting to retry the release", e);
        }
    }
}
