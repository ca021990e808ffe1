package io.tandem.demo;

import io.tandem.core.db.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures commit → applied lag on a sample of the writes (one in {@value #EVERY}) without slowing the writers:
 * they hand over (txid, commit time); one probe thread reads the applier's position every {@value #LOOK_MILLIS} ms
 * and records every sample the position now covers. The figure is therefore accurate to about that interval (and
 * counts a transaction applied when its whole batch is, which is when every view shows it).
 */
final class LagProbe implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LagProbe.class);
    private static final int EVERY = 10;
    private static final int LOOK_MILLIS = 2;

    private record Sample(long txid, long committedNanos, PhaseMeter meter) {
    }

    private final DataSource pool;
    private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
    private final AtomicLong offered = new AtomicLong();
    private final Thread probe = new Thread(this::probe, "demo-lag-probe");
    private volatile boolean closed;

    LagProbe(DataSource pool) {
        this.pool = pool;
        probe.setDaemon(true);
        probe.start();
    }

    void offer(long txid, long committedNanos, PhaseMeter meter) {
        if (offered.incrementAndGet() % EVERY == 0) {
            samples.add(new Sample(txid, committedNanos, meter));
        }
    }

    private void probe() {
        while (!closed) {
            try (Connection c = pool.getConnection();
                 PreparedStatement s = c.prepareStatement(
                         "SELECT applied_snapshot::text FROM tandem.applier_state WHERE app = 'shop'")) {
                while (!closed) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(LOOK_MILLIS));
                    if (!samples.isEmpty()) {
                        settle(s);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                log.warn("Lag probe: {}; retrying", e.getMessage());
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            }
        }
    }

    private void settle(PreparedStatement s) throws SQLException {
        Snapshot applied;
        try (ResultSet rs = s.executeQuery()) {
            if (!rs.next()) {
                return;
            }
            applied = Snapshot.parse(rs.getString(1));
        }
        long now = System.nanoTime();
        for (Iterator<Sample> it = samples.iterator(); it.hasNext(); ) {
            Sample sample = it.next();
            if (applied.isVisible(sample.txid)) {
                sample.meter.lag((now - sample.committedNanos) / 1_000_000);
                it.remove();
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        probe.join(5_000);
    }
}
