package io.tandem.applier;

import io.tandem.core.db.ApplierState;
import io.tandem.core.db.TandemSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The journal applier of one app: projects every committed journal row into the physical tables exactly once,
 * source transactions atomically, in commit order per key — and, while an online release is in progress, into the
 * release's tables too (the build before its switch, the previous tables after it), never past the live position.
 *
 * <pre>{@code
 * try (Applier applier = Applier.start(new ApplierConfig(dataSource, "shop"))) {
 *     ...                      // runs in the background until closed
 * }
 * }</pre>
 *
 * <p>Any number of appliers may run for one app; exactly one leads each track (live, release) and the others
 * stand by, taking over within about {@code standbyPoll} after the leader's process dies. {@link #close()} stops
 * cleanly: the slices already read are applied (or rolled back), the lead is released. A process killed at any
 * point loses nothing: each position commits with the rows it covers, and the next leader resumes from it.
 */
public final class Applier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Applier.class);
    private static final long PAUSED_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final ApplierConfig config;
    private final ApplierStats stats = new ApplierStats();
    private final ApplierStats releaseStats = new ApplierStats();
    private final TrackRunner main;
    private final List<TrackRunner> runners = new ArrayList<>();
    private final MaintenanceRunner maintenance;

    private Applier(ApplierConfig config) {
        this.config = config;
        TrackRunner live = config.tracks().contains(TrackKind.LIVE)
                ? new TrackRunner(config, new LiveTrack(config.app()), stats, "tandem-applier-" + config.app()) : null;
        TrackRunner release = config.tracks().contains(TrackKind.RELEASE)
                ? new TrackRunner(config, new ReleaseTrack(config.app()), releaseStats,
                "tandem-release-" + config.app()) : null;
        if (live != null) {
            runners.add(live);
        }
        if (release != null) {
            runners.add(release);
        }
        this.main = live != null ? live : release;
        this.maintenance = config.journalMaintenance().isZero() ? null : new MaintenanceRunner(config.dataSource(),
                config.leaderName(), config.journalMaintenance(), "tandem-journal-" + config.app(), trackConnections());
    }

    /**
     * Starts an applier in the background, after installing Tandem's schema if needed — or, with
     * {@link ApplierConfig#installSchema(boolean) installSchema(false)}, after checking that it is installed and
     * current.
     *
     * @throws io.tandem.core.TandemException if the schema cannot be installed, or is missing or out of date while
     *                                        installing is off (saying to run {@code tandem migrate} first)
     */
    public static Applier start(ApplierConfig config) {
        if (config.installSchema()) {
            TandemSchema.install(config.dataSource());
        } else {
            TandemSchema.requireCurrent(config.dataSource());
        }
        Applier applier = new Applier(config);
        applier.warnIfPoolTooSmall();
        applier.runners.forEach(TrackRunner::start);
        if (applier.maintenance != null) {
            applier.maintenance.start();
        }
        return applier;
    }

    /** The connections the tracks may hold at once. */
    private int trackConnections() {
        return TrackRunner.CONNECTIONS * runners.size();
    }

    /**
     * Each track holds {@link TrackRunner#CONNECTIONS} connections while it projects and journal maintenance takes
     * {@link JournalMaintenance#CONNECTIONS} for a pass; a pool smaller than that makes the tracks wait for each
     * other's connections — during an online release the live track can stand still for the pool's connection
     * timeout. Said once, at start.
     */
    private void warnIfPoolTooSmall() {
        if (config.dataSource() instanceof com.zaxxer.hikari.HikariDataSource pool) {
            int needed = trackConnections() + (maintenance != null ? JournalMaintenance.CONNECTIONS : 0);
            if (pool.getMaximumPoolSize() < needed) {
                log.warn("The applier of app '{}' runs {} track(s), {} connections each while projecting (leader lock,"
                        + " reader, applier){}, but pool {} allows {}: its tracks will wait for each other's connections"
                        + " (during an online release the live track can stall). Give the pool at least {}.",
                        config.app(), runners.size(), TrackRunner.CONNECTIONS,
                        maintenance != null ? ", and journal maintenance " + JournalMaintenance.CONNECTIONS + " more" : "",
                        pool.getPoolName(), pool.getMaximumPoolSize(), needed);
            }
        }
    }

    /**
     * The state of the applier's live track (of its release track when it runs only that);
     * {@link ApplierState#PAUSED} while a release holds it at a batch boundary.
     */
    public ApplierState state() {
        SliceApplier applying = main.current();
        ApplierState state = main.state();
        if (state == ApplierState.RUNNING && applying != null && applying.heldLongerThan(PAUSED_AFTER_NANOS)) {
            return ApplierState.PAUSED;
        }
        return state;
    }

    /** Why the live track halted (with how to resume), or {@code null} when it has not. */
    public String haltedReason() {
        return main.haltedReason();
    }

    /** Counters of the live track (of the release track when it runs only that). */
    public ApplierStats stats() {
        return config.tracks().contains(TrackKind.LIVE) ? stats : releaseStats;
    }

    /** Counters of the release track: rows projected onto a release's build or previous tables. */
    public ApplierStats releaseStats() {
        return releaseStats;
    }

    /** Waits until every track has stopped (after {@link #close()}, or on its own when it cannot go on). */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (TrackRunner runner : runners) {
            long left = deadline - System.nanoTime();
            if (!runner.finished().await(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }

    /** Stops cleanly: applies or rolls back the slices in flight, releases the leads, and returns when done. */
    @Override
    public void close() {
        runners.forEach(TrackRunner::requestStop);
        if (maintenance != null) {
            maintenance.close();
        }
        try {
            if (!awaitStopped(Duration.ofSeconds(60))) {
                log.warn("The applier of app {} did not stop within 60 s", config.app());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
