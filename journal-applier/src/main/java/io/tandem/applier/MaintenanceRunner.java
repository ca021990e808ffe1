package io.tandem.applier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link JournalMaintenance} in the background of an applier: once at start, then every {@code interval}
 * until closed. A pass that fails is logged, its error shown by {@code tandem status} (in {@code held_back}), and
 * tried again at the next interval: maintenance never changes a journal row, so a failed pass loses nothing; it
 * only delays removal, or, for as long as it fails, lets writes land in the overflow partition.
 */
final class MaintenanceRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MaintenanceRunner.class);

    private final JournalMaintenance maintenance;
    private final DataSource dataSource;
    private final Duration interval;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;

    /** @param reserved the connections the applier's tracks may hold at once ({@link JournalMaintenance}) */
    MaintenanceRunner(DataSource dataSource, String runner, Duration interval, String threadName, int reserved) {
        this.maintenance = new JournalMaintenance(dataSource, runner, reserved);
        this.dataSource = dataSource;
        this.interval = interval;
        this.thread = new Thread(this::loop, threadName);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void loop() {
        do {
            try {
                maintenance.runOnce();
            } catch (Exception e) {
                log.error("Journal maintenance failed (tried again in {} s): {}", interval.toSeconds(), e.getMessage(), e);
                record("journal maintenance failed: " + e.getMessage());
            }
        } while (!stopped());
    }

    private boolean stopped() {
        try {
            return stop.await(interval.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private void record(String problem) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("UPDATE tandem.journal_maintenance SET held_back = ?")) {
            s.setString(1, problem);
            s.executeUpdate();
        } catch (Exception e) {
            log.warn("Could not record the journal maintenance failure in tandem.journal_maintenance: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        stop.countDown();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
