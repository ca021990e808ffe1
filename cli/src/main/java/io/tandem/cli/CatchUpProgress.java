package io.tandem.cli;

import io.tandem.applier.Applier;
import io.tandem.applier.ApplierStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Logs a long catch-up's progress every 10 seconds while rows are pending: rows applied, rows per second, rows
 * left and the estimated time left. Quiet while the applier keeps up.
 */
final class CatchUpProgress implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CatchUpProgress.class);
    private static final long EVERY_SECONDS = 10;

    private final ScheduledExecutorService timer;
    private final Applier applier;
    private final DataSource dataSource;
    private final String app;
    private long lastApplied;

    private CatchUpProgress(Applier applier, DataSource dataSource, String app) {
        this.applier = applier;
        this.dataSource = dataSource;
        this.app = app;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tandem-progress");
            t.setDaemon(true);
            return t;
        });
    }

    static CatchUpProgress start(Applier applier, DataSource dataSource, String app) {
        CatchUpProgress progress = new CatchUpProgress(applier, dataSource, app);
        progress.timer.scheduleAtFixedRate(progress::report, EVERY_SECONDS, EVERY_SECONDS, TimeUnit.SECONDS);
        return progress;
    }

    private void report() {
        long applied = applier.stats().appliedRows();
        long rate = (applied - lastApplied) / EVERY_SECONDS;
        lastApplied = applied;
        try (Connection c = dataSource.getConnection()) {
            ApplierStatus status = ApplierStatus.read(c, app);
            if (status.pending() < 1000) {
                return;
            }
            String eta = rate > 0 ? (status.pending() / rate) + " s" : "unknown";
            log.info("Catching up app {}: {} rows applied, {} rows/s, {} pending (oldest {} ms), about {} left",
                    app, applied, rate, status.pending(), status.lagMillis(), eta);
        } catch (SQLException | RuntimeException e) {
            log.warn("Could not read the progress of app {}: {}", app, e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
