package io.tandem.applier;

import io.tandem.core.ApplierPosition;
import io.tandem.core.TandemSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The journal applier of one app: projects every committed journal row into the physical tables exactly once,
 * source transactions atomically, in commit order per key.
 *
 * <pre>{@code
 * try (Applier applier = Applier.start(new ApplierConfig(dataSource, "shop"))) {
 *     ...                      // runs in the background until closed
 * }
 * }</pre>
 *
 * <p>Any number of appliers may run for one app; exactly one leads and the others stand by, taking over within
 * about {@code standbyPoll} after the leader's process dies. {@link #close()} stops cleanly: the slices already
 * read are applied (or rolled back), the lead is released. A process killed at any point loses nothing: the
 * position commits with the rows it covers, and the next leader resumes from it.
 */
public final class Applier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Applier.class);
    private static final long MAX_BACKOFF_MILLIS = 5_000;
    private static final long PAUSED_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final ApplierConfig config;
    private final ApplierStats stats = new ApplierStats();
    private final Thread supervisor;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private volatile ApplierState state = ApplierState.STANDBY;
    private volatile String haltedReason;
    private volatile SliceApplier current;

    private Applier(ApplierConfig config) {
        this.config = config;
        this.supervisor = new Thread(this::supervise, "tandem-applier-" + config.app());
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
        applier.supervisor.start();
        return applier;
    }

    /** The applier's state; {@link ApplierState#PAUSED} while a release holds it at a batch boundary. */
    public ApplierState state() {
        SliceApplier applying = current;
        if (state == ApplierState.RUNNING && applying != null && applying.heldLongerThan(PAUSED_AFTER_NANOS)) {
            return ApplierState.PAUSED;
        }
        return state;
    }

    /** Why the applier halted (with how to resume), or {@code null} when it has not. */
    public String haltedReason() {
        return haltedReason;
    }

    public ApplierStats stats() {
        return stats;
    }

    /** Waits until the applier has stopped (after {@link #close()}, or on its own when it cannot go on). */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops cleanly: applies or rolls back the slices in flight, releases the lead, and returns when done. */
    @Override
    public void close() {
        stopRequested = true;
        LockSupport.unpark(supervisor);
        try {
            if (!finished.await(60, TimeUnit.SECONDS)) {
                log.warn("The applier of app {} did not stop within 60 s", config.app());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void supervise() {
        long backoff = 100;
        try (Leadership leadership = new Leadership(config.dataSource(), config.app())) {
            while (!stopRequested) {
                try {
                    if (state == ApplierState.HALTED) {
                        LockSupport.parkNanos(config.standbyPoll().toNanos());
                        continue;
                    }
                    if (!leadership.tryAcquire()) {
                        state = ApplierState.STANDBY;
                        stats.leadRefused();
                        LockSupport.parkNanos(config.standbyPoll().toNanos());
                        continue;
                    }
                    Pipeline.End end = lead(leadership);
                    if (end == Pipeline.End.FAILED) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoff));
                        backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
                    } else {
                        backoff = 100;
                    }
                } catch (SQLException | RuntimeException e) {
                    log.warn("Applier of app {}: {}; retrying in {} ms", config.app(), e.getMessage(), backoff);
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

    /** One leadership run: claims an epoch, runs a pipeline to its end, reports the outcome. */
    private Pipeline.End lead(Leadership leadership) throws SQLException {
        try (Connection read = config.dataSource().getConnection();
             Connection apply = config.dataSource().getConnection()) {
            StateTable table = new StateTable(config.app());
            long epoch;
            read.setAutoCommit(true);
            epoch = table.claim(read, config.leaderName());
            LiveDefinitions definitions = LiveDefinitions.load(read, config.app());
            ApplierPosition start = table.position(read);
            if (state != ApplierState.RUNNING) {
                log.info("Applier of app {} leads (epoch {}) as {}, {} live version(s), resuming from {}",
                        config.app(), epoch, config.leaderName(), definitions.versions().size(), start.applied());
            }
            state = ApplierState.RUNNING;
            Projection projection = definitions.projection();
            SliceApplier applier = new SliceApplier(apply, config.app(), projection, config.onReject(), stats, epoch,
                    definitions.generation());
            current = applier;
            BatchReader reader = new BatchReader(config.app(), definitions.decoder(config.app()), config.sliceRows());
            Pipeline pipeline = new Pipeline(config, reader, new SlicePlanner(projection), applier, leadership, epoch);
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
                    log.info("Applier of app {} stopped; {} row(s) applied by this process", config.app(),
                            stats.appliedRows());
                }
            }
            return end;
        }
    }

    private void logFailure(Throwable failure) {
        if (failure instanceof SliceApplier.Superseded) {
            log.info("Applier of app {}: {}", config.app(), failure.getMessage());
        } else {
            log.warn("Applier of app {} restarts from its committed position after: {}", config.app(),
                    failure == null ? "an unknown failure" : failure.toString(), failure);
        }
    }
}
