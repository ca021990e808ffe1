package io.tandem.demo;

import io.tandem.core.db.Backlog;
import io.tandem.core.db.TrackRow;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Once a second: the phase, writes per second per version, the applier's lag (rows and ms, read from the
 * database), errors. On a terminal it rewrites one line in place; otherwise it prints plain lines.
 */
final class ProgressLine implements AutoCloseable {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "demo-progress");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<PhaseMeter> meter;
    private final DataSource pool;
    private final Consumer<String> out;
    private final boolean terminal;
    private long lastV1;
    private long lastV2;
    private PhaseMeter lastMeter;

    ProgressLine(AtomicReference<PhaseMeter> meter, DataSource pool, Consumer<String> out, boolean terminal) {
        this.meter = meter;
        this.pool = pool;
        this.out = out;
        this.terminal = terminal;
        timer.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    private void tick() {
        PhaseMeter m = meter.get();
        if (m != lastMeter) {
            lastV1 = 0;
            lastV2 = 0;
            lastMeter = m;
        }
        long v1 = m.writes(1);
        long v2 = m.writes(2);
        String lag;
        try (Connection c = pool.getConnection()) {
            Backlog backlog = TrackRow.live("shop").backlog(c, null);
            lag = backlog.rows() + " rows / " + backlog.oldestMillis() + " ms";
        } catch (SQLException e) {
            lag = "unknown (" + e.getMessage() + ")";
        }
        String line = String.format("  %-8s %5.0fs   v1 %5d w/s   v2 %5d w/s   applier lag %-22s errors %d",
                m.name, m.seconds(), v1 - lastV1, v2 - lastV2, lag, m.errors());
        lastV1 = v1;
        lastV2 = v2;
        out.accept(terminal ? "\r" + line : line + "\n");
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (terminal) {
            out.accept("\n");
        }
    }
}
