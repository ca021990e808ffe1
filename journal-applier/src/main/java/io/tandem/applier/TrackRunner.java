package io.tandem.applier;

import io.tandem.core.db.ApplierPosition;
import io.tandem.core.db.ApplierState;
import io.tandem.core.db.TrackRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one {@link Track} on its own supervisor thread: waits for the track's lead, runs pipelines under it one
 * after another (a new one after a failure, a change of leadership or of definitions), and backs off on failures.
 * A track with nothing to project (no release in progress) is looked at again every {@code standbyPoll}, without
 * holding its lead or any connection.
 */
final class TrackRunner {
    private static final Logger log = LoggerFactory.getLogger(TrackRunner.class);
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    private final ApplierConfig config;
    private final Track track;
    private final ApplierStats stats;
    private final Thread supervisor;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private volatile ApplierState state = ApplierState.STANDBY;
    private volatile String haltedReason;
    /** The connections a track holds while it leads: its leader lock, its reader and its applier. */
    static final int CONNECTIONS = 3;
    private volatile SliceApplier current;

    TrackRunner(ApplierConfig config, Track track, ApplierStats stats, String threadName) {
        this.config = config;
        this.track = track;
        this.stats = stats;
        this.supervisor = new Thread(this::supervise, threadName);
    }

    void start() {
        supervisor.start();
    }

    ApplierState state() {
        return state;
    }

    String haltedReason() {
        return haltedReason;
    }

    SliceApplier current() {
        return current;
    }

    CountDownLatch finished() {
        return finished;
    }

    void requestStop() {
        stopRequested = true;
        LockSupport.unpark(supervisor);
    }

    private void supervise() {
        long backoff = 100;
        try (Leadership leadership = new Leadership(config.dataSource(), track.leaderLock())) {
            while (!stopRequested) {
                try {
                    if (state == ApplierState.HALTED) {
                        LockSupport.parkNanos(config.standbyPoll().toNanos());
                        if (haltCleared()) {
                            haltedReason = null;
                            state = ApplierState.STANDBY;
                        }
                        continue;
                    }
                    if (!track.hasWork(config.dataSource())) {
                        leadership.close();
                        state = ApplierState.STANDBY;
                        LockSupport.parkNanos(config.standbyPoll().toNanos());
                        continue;
                    }
                    if (!leadership.tryAcquire(config.standbyPoll())) { // waited for it up to standbyPoll
                        stats.leadRefused();
                        state = ApplierState.STANDBY;
                        continue;
                    }
                    Pipeline.End end = lead(leadership);
                    boolean superseded = current != null && current.failure() instanceof SliceApplier.Superseded;
                    if (end == null) {
                        leadership.close(); // nothing to project: give the lead (and its connection) back
                        state = ApplierState.STANDBY;
                        LockSupport.parkNanos(config.standbyPoll().toNanos());
                    } else if (end == Pipeline.End.FAILED && !superseded) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoff));
                        backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
                    } else { // stopped, or superseded (new definitions, a new leader): nothing to wait out
                        backoff = 100;
                    }
                } catch (SQLException | RuntimeException e) {
                    log.warn("Applier of {}: {}; retrying in {} ms", track.describe(), e.getMessage(), backoff);
                    leadership.close();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoff));
                    backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
                }
            }
        } finally {
            if (state != ApplierState.HALTED) {
                state = ApplierState.STOPPED;
            }
            finished.countDown();
        }
    }

    private boolean haltCleared() throws SQLException {
        try (Connection c = config.dataSource().getConnection()) {
            return track.haltCleared(c);
        }
    }

    /**
     * One leadership run: loads the track's definitions, claims an epoch, runs a pipeline to its end, reports the
     * outcome; {@code null} when the track has nothing to project.
     */
    private Pipeline.End lead(Leadership leadership) throws SQLException {
        try (Connection read = config.dataSource().getConnection();
             Connection apply = config.dataSource().getConnection();
             TrustedPath pinned = TrustedPath.pin(apply)) {
            return lead(leadership, read, apply);
        }
    }

    private Pipeline.End lead(Leadership leadership, Connection read, Connection apply) throws SQLException {
        TrackRow table = track.state();
        read.setAutoCommit(true);
        LiveDefinitions definitions = track.load(read, apply);
        if (definitions == null) {
            return null;
        }
        long epoch = table.claim(read, config.leaderName());
        ApplierPosition start = table.position(read);
        if (state != ApplierState.RUNNING) {
            log.info("Applier of {} leads (epoch {}) as {}, {} version(s), resuming from {}", track.describe(), epoch,
                    config.leaderName(), definitions.versions().size(), start.applied());
        }
        state = ApplierState.RUNNING;
        Projection projection = definitions.projection();
        SliceApplier applier = new SliceApplier(apply, track, projection, track.policy(config.onReject()), stats,
                epoch, definitions.generation());
        current = applier;
        BatchReader reader = new BatchReader(config.app(), definitions.decoder(config.app()), config.sliceRows(), config.sliceBytes(),
                track.follows());
        Pipeline pipeline = new Pipeline(config, reader, new SlicePlanner(projection), applier, leadership, track);
        Pipeline.End end = pipeline.run(read, start, () -> stopRequested);
        switch (end) {
            case HALTED -> {
                haltedReason = pipeline.haltedReason();
                state = ApplierState.HALTED;
            }
            case FAILED -> logFailure(pipeline.failure());
            case STOPPED -> {
                read.setAutoCommit(true);
                table.report(read, epoch, ApplierState.STOPPED);
                log.info("Applier of {} stopped; {} row(s) applied by this process", track.describe(),
                        stats.appliedRows());
            }
        }
        return end;
    }

    private void logFailure(Throwable failure) {
        if (failure instanceof SliceApplier.Superseded) {
            log.info("Applier of {}: {}", track.describe(), failure.getMessage());
        } else {
            log.warn("Applier of {} restarts from its committed position after: {}", track.describe(),
                    failure == null ? "an unknown failure" : failure.toString(), failure);
        }
    }
}
