package io.tandem.bench;

import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.core.definitions.Release;
import io.tandem.core.journal.Fence;
import io.tandem.core.journal.JournalEntry;
import io.tandem.core.journal.JournalWriter;
import io.tandem.views.Migrator;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * Lag: open-loop writers (8 threads sharing one schedule of {@code rate} one-customer transactions per second,
 * through {@link JournalWriter}) with the applier running; each writer records its transaction id and the time
 * its commit returned, and a poller reads the applier's committed position every 1 ms and records, for each
 * transaction, commit → visible (in every view: the applier commits the rows and the position together).
 */
final class LagBench {
    private static final String DB = "bench_lag";
    private static final int WRITERS = 8;
    private final Pg pg;
    private final Params p;
    private final Results r;
    private final AtomicLong ids = new AtomicLong(1);

    private record Committed(long txid, long commitNanos) {
    }

    LagBench(Pg pg, Params p, Results r) {
        this.pg = pg;
        this.p = p;
        this.r = r;
    }

    void run() throws Exception {
        pg.create(DB);
        try {
            DataSource ds = pg.pool(DB, WRITERS + 2);
            Release release = Release.load(p.release1());
            new Migrator(ds).migrate(release);
            JournalWriter writer = new JournalWriter(release.versions());
            r.line("## Lag: commit → visible in the views").line("")
                    .line("Open-loop writers: " + WRITERS + " threads share a fixed schedule of one-customer journal"
                            + " transactions at the given rate for " + p.lagSeconds() + " s, the applier running (default"
                            + " config, max poll interval 10 ms). Latency = from the writer's commit returning to the"
                            + " applier's committed position covering the transaction (observed by polling"
                            + " `tandem.applier_state` every 1 ms, so up to ~1 ms of it is observation). `behind` = the"
                            + " worst delay of a write's start after its scheduled time (writers falling behind the rate).")
                    .line("")
                    .line("| rate (writes/s) | achieved | p50 ms | p99 ms | p99.9 ms | max ms | writer behind schedule max ms |")
                    .line("|---|---|---|---|---|---|---|");
            Map<String, Object> json = new LinkedHashMap<>();
            try (Applier applier = Applier.start(new ApplierConfig(pg.pool(DB, 8), "shop"))) {
                runAt(ds, writer, p.lagRates()[0], Math.min(1.0, p.lagSeconds())); // warm-up
                for (int rate : p.lagRates()) {
                    json.put(Integer.toString(rate), runAt(ds, writer, rate, p.lagSeconds()));
                }
            }
            r.line("");
            r.put("lag", json);
            int top = p.lagRates()[p.lagRates().length - 1];
            r.put("lag_p99_ms", ((Map<?, ?>) json.get(Integer.toString(top))).get("p99_ms"));
        } finally {
            pg.closePools();
            pg.drop(DB);
        }
    }

    private Map<String, Object> runAt(DataSource ds, JournalWriter writer, int rate, double seconds) throws Exception {
        long total = (long) (rate * seconds);
        long intervalNanos = 1_000_000_000L / rate;
        AtomicLong next = new AtomicLong();
        AtomicLong worstBehind = new AtomicLong();
        ConcurrentLinkedQueue<Committed> committed = new ConcurrentLinkedQueue<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long start = System.nanoTime() + 50_000_000L;
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < WRITERS; t++) {
            Thread w = new Thread(() -> {
                try (Connection c = ds.getConnection()) {
                    c.setAutoCommit(false);
                    for (long k = next.getAndIncrement(); k < total; k = next.getAndIncrement()) {
                        long due = start + k * intervalNanos;
                        long now;
                        while ((now = System.nanoTime()) < due) {
                            LockSupport.parkNanos(due - now);
                        }
                        worstBehind.accumulateAndGet(now - due, Math::max);
                        long id = ids.getAndIncrement();
                        writer.append(c, JournalEntry.insert("shop", 1, "customer", Map.of("id", id),
                                Map.of("id", id, "full_name", WriteVariant.fullName(id), "email", WriteVariant.email(id))));
                        long txid = Fence.currentTxid(c);
                        c.commit();
                        committed.add(new Committed(txid, System.nanoTime()));
                    }
                } catch (SQLException | RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }, "lag-writer-" + t);
            writers.add(w);
            w.start();
        }
        Stats.Samples lags = new Stats.Samples();
        List<Committed> pending = new ArrayList<>();
        long seen = 0;
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(true);
            long giveUp = Long.MAX_VALUE;
            while (seen < total && failure.get() == null) {
                for (Committed x; (x = committed.poll()) != null; ) {
                    pending.add(x);
                }
                if (!pending.isEmpty()) {
                    Snapshots applied = Snapshots.applied(c, "shop");
                    long now = System.nanoTime();
                    for (Iterator<Committed> it = pending.iterator(); it.hasNext(); ) {
                        Committed x = it.next();
                        if (applied.visible(x.txid())) {
                            lags.add(Math.max(0, now - x.commitNanos()) / 1e6);
                            seen++;
                            it.remove();
                        }
                    }
                }
                if (writers.stream().noneMatch(Thread::isAlive) && giveUp == Long.MAX_VALUE) {
                    giveUp = System.nanoTime() + 30_000_000_000L;
                }
                if (System.nanoTime() > giveUp) {
                    throw new IllegalStateException(pending.size() + " transaction(s) not applied 30 s after the last commit");
                }
                LockSupport.parkNanos(1_000_000);
            }
        }
        for (Thread w : writers) {
            w.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("lag writers failed: " + failure.get(), failure.get());
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        double[] v = lags.toArray();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("writes", total);
        m.put("achieved_writes_per_s", Stats.round(total / elapsed));
        m.put("p50_ms", Stats.round(Stats.quantile(v, 0.5)));
        m.put("p99_ms", Stats.round(Stats.quantile(v, 0.99)));
        m.put("p999_ms", Stats.round(Stats.quantile(v, 0.999)));
        m.put("max_ms", Stats.round(Stats.max(v)));
        m.put("writer_behind_schedule_max_ms", Stats.round(worstBehind.get() / 1e6));
        if (seconds >= p.lagSeconds()) {
            r.line(String.format("| %d | %.0f | %.2f | %.2f | %.2f | %.2f | %.1f |", rate, total / elapsed,
                    Stats.quantile(v, 0.5), Stats.quantile(v, 0.99), Stats.quantile(v, 0.999), Stats.max(v),
                    worstBehind.get() / 1e6));
            r.progress(String.format("lag at %d/s: p50 %.2f ms, p99 %.2f ms, max %.2f ms", rate, Stats.quantile(v, 0.5),
                    Stats.quantile(v, 0.99), Stats.max(v)));
        }
        return m;
    }
}
