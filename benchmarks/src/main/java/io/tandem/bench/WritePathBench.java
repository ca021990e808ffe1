package io.tandem.bench;

import io.tandem.core.Release;
import io.tandem.views.Migrator;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Write path: committed transactions per second of N threads each writing k new customers per transaction, through
 * the journal, directly into the physical table, and through pgroll's trigger. Variants alternate within every
 * round (rotating which goes first), so drift in the machine or the server hits all of them alike.
 * The applier is not running: this is the writer's own cost; the applier's is measured separately.
 */
final class WritePathBench {
    private static final String DB = "bench_write";
    private final Pg pg;
    private final Params p;
    private final Results r;
    private final AtomicLong ids = new AtomicLong(1);

    WritePathBench(Pg pg, Params p, Results r) {
        this.pg = pg;
        this.p = p;
        this.r = r;
    }

    void run() throws Exception {
        pg.create(DB);
        try {
            DataSource ds = pg.pool(DB, 10);
            Release release1 = Release.load(p.release1());
            new Migrator(ds).migrate(release1);
            List<WriteVariant> variants = List.of(new WriteVariants.Direct(),
                    new WriteVariants.Journal(release1.versions()), new WriteVariants.PgrollTrigger());
            try (Connection c = ds.getConnection()) {
                for (WriteVariant v : variants) {
                    v.prepare(c);
                }
            }
            r.line("## Write path").line("")
                    .line("Committed transactions/s, each inserting k new `customer` rows (shop release 1), plain JDBC, "
                            + "autocommit off, one pooled connection per thread; " + p.writeRounds() + " rounds of "
                            + p.writeSeconds() + " s per variant, variants alternating (rotated) within each round. "
                            + "`journal` = `JournalWriter.append` (one journal row per entity, one JDBC batch); `direct` = "
                            + "`INSERT INTO customer` (one batch); `pgroll_trigger` = the direct insert into a table with "
                            + "pgroll's BEFORE trigger filling duplicate columns (first_name/last_name from full_name). "
                            + "The applier is not running (its cost is the applier benchmark's). Median (min–max) over rounds.")
                    .line("")
                    .line("| threads | entities/tx | direct tx/s | journal tx/s | pgroll_trigger tx/s | journal/direct | pgroll/direct | journal p99 ms | direct p99 ms |")
                    .line("|---|---|---|---|---|---|---|---|---|");
            Map<String, Object> json = new LinkedHashMap<>();
            for (int threads : new int[]{1, 8}) {
                for (int perTx : new int[]{1, 10}) {
                    json.put("t" + threads + "_e" + perTx, cell(ds, variants, threads, perTx));
                }
            }
            r.line("");
            r.put("write_path", json);
            @SuppressWarnings("unchecked")
            Map<String, Object> key = (Map<String, Object>) json.get("t8_e1");
            r.put("write_path_ratio", ((Map<?, ?>) key.get("journal/direct")).get("median"));
        } finally {
            pg.closePools();
            pg.drop(DB);
        }
    }

    private Map<String, Object> cell(DataSource ds, List<WriteVariant> variants, int threads, int perTx) throws Exception {
        Map<String, List<Double>> tps = new LinkedHashMap<>();
        Map<String, List<Double>> p99 = new LinkedHashMap<>();
        variants.forEach(v -> {
            tps.put(v.name(), new ArrayList<>());
            p99.put(v.name(), new ArrayList<>());
        });
        for (WriteVariant v : variants) {
            measure(ds, v, threads, perTx, Math.min(0.5, p.writeSeconds())); // warm-up: JIT, plan caches
        }
        List<Double> ratio = new ArrayList<>();
        List<Double> pgrollRatio = new ArrayList<>();
        for (int round = 0; round < p.writeRounds(); round++) {
            Map<String, Double> thisRound = new LinkedHashMap<>();
            for (int i = 0; i < variants.size(); i++) {
                WriteVariant v = variants.get((i + round) % variants.size());
                double[] m = measure(ds, v, threads, perTx, p.writeSeconds());
                tps.get(v.name()).add(m[0]);
                p99.get(v.name()).add(m[1]);
                thisRound.put(v.name(), m[0]);
            }
            ratio.add(thisRound.get("journal") / thisRound.get("direct"));
            pgrollRatio.add(thisRound.get("pgroll_trigger") / thisRound.get("direct"));
        }
        r.progress(String.format("write path %d thread(s) x %d entities: direct %.0f, journal %.0f, pgroll %.0f tx/s",
                threads, perTx, Stats.median(tps.get("direct")), Stats.median(tps.get("journal")),
                Stats.median(tps.get("pgroll_trigger"))));
        r.line("| " + threads + " | " + perTx + " | " + Stats.spread(tps.get("direct"), "%.0f") + " | "
                + Stats.spread(tps.get("journal"), "%.0f") + " | " + Stats.spread(tps.get("pgroll_trigger"), "%.0f")
                + " | " + Stats.spread(ratio, "%.3f") + " | " + Stats.spread(pgrollRatio, "%.3f") + " | "
                + String.format("%.2f", Stats.median(p99.get("journal"))) + " | "
                + String.format("%.2f", Stats.median(p99.get("direct"))) + " |");
        Map<String, Object> m = new LinkedHashMap<>();
        tps.forEach((k, v) -> m.put(k + "_tx_per_s", Stats.summary(v)));
        p99.forEach((k, v) -> m.put(k + "_p99_ms", Stats.summary(v)));
        m.put("journal/direct", Stats.summary(ratio));
        m.put("pgroll/direct", Stats.summary(pgrollRatio));
        return m;
    }

    /** Runs one variant for {@code seconds}; returns {tx/s, p99 latency ms}. */
    private double[] measure(DataSource ds, WriteVariant v, int threads, int perTx, double seconds) throws Exception {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        List<Thread> workers = new ArrayList<>();
        List<Stats.Samples> latencies = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Stats.Samples lat = new Stats.Samples();
            latencies.add(lat);
            Thread w = new Thread(() -> {
                try (Connection c = ds.getConnection()) {
                    c.setAutoCommit(false);
                    while (System.nanoTime() < deadline) {
                        long t0 = System.nanoTime();
                        v.write(c, ids.getAndAdd(perTx), perTx);
                        c.commit();
                        lat.add((System.nanoTime() - t0) / 1e6);
                    }
                } catch (SQLException | RuntimeException e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }, "writer-" + t);
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (!failures.isEmpty()) {
            throw new IllegalStateException(v.name() + " failed: " + failures.get(0), failures.get(0));
        }
        Stats.Samples all = new Stats.Samples();
        latencies.forEach(all::addAll);
        return new double[]{all.size() / elapsed, Stats.quantile(all.toArray(), 0.99)};
    }
}
