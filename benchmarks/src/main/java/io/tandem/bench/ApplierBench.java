package io.tandem.bench;

import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.core.db.ApplierState;
import io.tandem.core.definitions.Release;
import io.tandem.views.Migrator;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Applier throughput: a journal preloaded with N committed rows of the shop's customer (7 inserts and 3 updates
 * per 10-row source transaction), drained by the applier, against the set-based SQL projection of the same rows
 * ({@code INSERT ... SELECT} then {@code UPDATE ... FROM} of each key's last update, straight from the journal,
 * one transaction) into an identical fresh table. Both start from an empty target table; their order alternates.
 * Untimed warm-up rounds come first ({@link #warmUp}).
 */
final class ApplierBench {
    private static final String DB = "bench_applier";
    static final int ROWS_PER_TX = 10;
    private static final int WARM_UP_ROUNDS = 3;
    private final Pg pg;
    private final Params p;
    private final Results r;
    private long nextBase = 1;
    private double peakUsedMb;
    private double peakLiveMb;

    ApplierBench(Pg pg, Params p, Results r) {
        this.pg = pg;
        this.p = p;
        this.r = r;
    }

    void run() throws Exception {
        pg.create(DB);
        try {
            DataSource ds = pg.pool(DB, 6);
            new Migrator(ds).migrate(Release.load(p.release1()));
            r.line("## Applier throughput").line("")
                    .line("A journal preloaded with N committed rows of `customer` (source transactions of " + ROWS_PER_TX
                            + " rows: 7 inserts, 3 email updates), drained by the applier (default config: sliceRows 1000,"
                            + " ringSize 8; journal maintenance off, as the preload wrote past the partitions a running"
                            + " applier would have made ahead, and bounding that overflow is not projection work: the soak"
                            + " measures maintenance; timed from `Applier.start` until its committed position covers the last"
                            + " journal transaction) vs the set-based projection of the same rows (`INSERT ... SELECT` +"
                            + " `UPDATE ... FROM` of each key's last update, one transaction) into an identical fresh table."
                            + " Both targets and the journal start empty (the journal as retention would keep it: only"
                            + " this round's rows); order alternates per round. Rows/s = journal rows / seconds."
                            + " Median (min–max).")
                    .line("")
                    .line("| journal rows | rounds | applier rows/s | set-based rows/s | applier/set-based |")
                    .line("|---|---|---|---|---|");
            Map<String, Object> json = new LinkedHashMap<>();
            double[] cold = warmUp(ds);
            Map<Integer, Double> applierRps = new LinkedHashMap<>();
            Double lastRatio = null;
            for (int n : p.applierSizes()) {
                List<Double> a = new ArrayList<>();
                List<Double> s = new ArrayList<>();
                List<Double> ratio = new ArrayList<>();
                for (int round = 0; round < p.applierRounds(); round++) {
                    long[] range = load(ds, n);
                    double ar;
                    double sr;
                    if (round % 2 == 0) {
                        ar = n / drain(ds, range[2]);
                        sr = n / setBased(ds, range);
                    } else {
                        sr = n / setBased(ds, range);
                        ar = n / drain(ds, range[2]);
                    }
                    verify(ds);
                    a.add(ar);
                    s.add(sr);
                    ratio.add(ar / sr);
                    r.progress(String.format("applier %d rows round %d: applier %.0f rows/s, set-based %.0f rows/s",
                            n, round + 1, ar, sr));
                }
                r.line("| " + n + " | " + p.applierRounds() + " | " + Stats.spread(a, "%.0f") + " | "
                        + Stats.spread(s, "%.0f") + " | " + Stats.spread(ratio, "%.3f") + " |");
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("applier_rows_per_s", Stats.summary(a));
                m.put("set_based_rows_per_s", Stats.summary(s));
                m.put("applier/set_based", Stats.summary(ratio));
                json.put(Integer.toString(n), m);
                applierRps.put(n, Stats.median(a));
                lastRatio = Stats.median(ratio);
            }
            r.line("");
            r.line(String.format("Before these rounds, %d untimed warm-up rounds of %d rows (both sides), so that the applier is"
                    + " compared as it runs in production, a long-lived process whose code the JIT has compiled. The first"
                    + " of them, in a JVM that had not yet run the applier: applier %.0f rows/s, set-based %.0f rows/s"
                    + " (%.3f).", WARM_UP_ROUNDS,
                    p.applierSizes()[0], cold[0], cold[1], cold[0] / cold[1])).line("");
            json.put("cold_first_drain", Map.of("rows", p.applierSizes()[0], "applier_rows_per_s", Stats.round(cold[0]),
                    "set_based_rows_per_s", Stats.round(cold[1])));
            if (applierRps.size() > 1) {
                List<Integer> sizes = new ArrayList<>(applierRps.keySet());
                double flat = applierRps.get(sizes.get(sizes.size() - 1)) / applierRps.get(sizes.get(0));
                json.put("flatness_rows_per_s_largest/smallest", Stats.round(flat));
                r.line(String.format("Flatness: applier rows/s at %d rows / at %d rows = **%.3f**.", sizes.get(sizes.size() - 1),
                        sizes.get(0), flat)).line("");
            }
            r.line(String.format("Applier heap during these drains (applier in the driver's JVM, -Xmx %.0f MB): peak heap used "
                    + "%.1f MB (sampled every 5 ms, garbage included), peak live heap after a GC %.1f MB. No "
                    + "OutOfMemoryError.", HeapWatch.maxHeapMb(), peakUsedMb, peakLiveMb)).line("");
            json.put("peak_heap_used_mb", Stats.round(peakUsedMb));
            json.put("peak_live_heap_after_gc_mb", Stats.round(peakLiveMb));
            json.put("xmx_mb", Stats.round(HeapWatch.maxHeapMb()));
            r.put("applier", json);
            r.put("applier_ratio", Stats.round(lastRatio));
            r.put("applier_peak_heap_mb", Stats.round(peakUsedMb));
        } finally {
            pg.closePools();
            pg.drop(DB);
        }
    }

    /**
     * Untimed rounds of the smallest size before the recorded ones: in a fresh JVM the first drains run while the JIT
     * compiles the applier's code (`perf`: its compiler threads took about a third of this 2-core machine during each
     * of the first two 100k-row drains, a fifteenth during the sixth), which a long-running applier pays once.
     * Returns the first round's applier and set-based rows/s.
     */
    private double[] warmUp(DataSource ds) throws Exception {
        int n = p.applierSizes()[0];
        double[] first = null;
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
            long[] range = load(ds, n);
            double ar = n / drain(ds, range[2]);
            double sr = n / setBased(ds, range);
            verify(ds);
            r.progress(String.format("applier warm-up %d rows round %d: applier %.0f rows/s, set-based %.0f rows/s",
                    n, round + 1, ar, sr));
            if (first == null) {
                first = new double[]{ar, sr};
            }
        }
        return first;
    }

    /**
     * Empties the targets and the journal, and appends {@code n} committed journal rows in {@code n / 10} transactions from two
     * connections. Returns {first seq, last seq, largest txid}.
     */
    private long[] load(DataSource ds, int n) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE customer CASCADE");
            s.execute("DROP TABLE IF EXISTS customer_sb");
            // Each round reads only its own rows, as under retention: neither side's scans grow with earlier rounds
            s.execute("TRUNCATE tandem.journal");
        }
        long firstSeq = maxSeq(ds) + 1;
        long base = nextBase;
        int txs = n / ROWS_PER_TX;
        nextBase += (long) txs * 7 + 7;
        long t0 = System.nanoTime();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> loaders = new ArrayList<>();
        for (int worker = 0; worker < 2; worker++) {
            int w = worker;
            Thread t = new Thread(() -> {
                try (Connection c = ds.getConnection()) {
                    c.setAutoCommit(true);
                    try (Statement s = c.createStatement()) {
                        s.execute("SET synchronous_commit = off"); // loading only: the figures are of the drains
                    }
                    try (PreparedStatement s = c.prepareStatement("INSERT INTO tandem.journal (app, app_version, entity, op, key, data, changed)"
                            + " SELECT 'shop', 1, 'customer', 'insert', jsonb_build_object('id', g),"
                            + " jsonb_build_object('id', g, 'full_name', 'Customer ' || g, 'email', 'c' || g || '@example.org'), NULL::text[]"
                            + " FROM generate_series(?::bigint, ?::bigint) g"
                            + " UNION ALL"
                            + " SELECT 'shop', 1, 'customer', 'update', jsonb_build_object('id', g),"
                            + " jsonb_build_object('email', 'u' || g || '-' || ?::bigint || '@example.org'), ARRAY['email']"
                            + " FROM generate_series(?::bigint, ?::bigint) g")) {
                        for (long tx = w; tx < txs; tx += 2) {
                            long first = base + tx * 7;
                            long updated = tx >= 2 ? base + (tx - 2) * 7 : first; // same worker: committed before
                            s.setLong(1, first);
                            s.setLong(2, first + 6);
                            s.setLong(3, tx);
                            s.setLong(4, updated);
                            s.setLong(5, updated + 2);
                            s.executeUpdate();
                        }
                    }
                } catch (SQLException | RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }, "journal-loader-" + w);
            loaders.add(t);
            t.start();
        }
        for (Thread t : loaders) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("loading the journal failed: " + failure.get(), failure.get());
        }
        long lastSeq = maxSeq(ds);
        long maxTxid;
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT max(txid)::text FROM tandem.journal WHERE app = 'shop'")) {
            rs.next();
            maxTxid = Long.parseLong(rs.getString(1));
            s.execute("VACUUM ANALYZE tandem.journal");
        }
        r.progress(String.format("loaded %d journal rows in %d transactions in %.1f s", (long) txs * ROWS_PER_TX, txs, (System.nanoTime() - t0) / 1e9));
        return new long[]{firstSeq, lastSeq, maxTxid};
    }

    private static long maxSeq(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(max(seq), 0) FROM tandem.journal")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Starts an applier, waits until its position covers {@code maxTxid}, stops it. Returns seconds. */
    private double drain(DataSource ds, long maxTxid) throws Exception {
        DataSource applierPool = pg.pool(DB, 8);
        try (HeapWatch heap = new HeapWatch(); Connection c = ds.getConnection()) {
            long t0 = System.nanoTime();
            double seconds;
            Applier applier = Applier.start(new ApplierConfig(applierPool, "shop").journalMaintenance(Duration.ZERO));
            try {
                while (!Snapshots.applied(c, "shop").visible(maxTxid)) {
                    if (applier.state() == ApplierState.HALTED) {
                        throw new IllegalStateException("applier halted: " + applier.haltedReason());
                    }
                    Thread.sleep(5);
                }
                seconds = (System.nanoTime() - t0) / 1e9;
            } finally {
                applier.close();
            }
            peakUsedMb = Math.max(peakUsedMb, heap.peakUsedMb());
            peakLiveMb = Math.max(peakLiveMb, heap.peakAfterGcMb());
            return seconds;
        }
    }

    /** The set-based projection of journal rows {@code range[0]..range[1]} into a fresh copy of customer. Seconds. */
    private static double setBased(DataSource ds, long[] range) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS customer_sb");
            s.execute("CREATE TABLE customer_sb (LIKE customer INCLUDING ALL)");
            c.setAutoCommit(false);
            long t0 = System.nanoTime();
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO customer_sb (id, full_name, email)"
                    + " SELECT (key->>'id')::bigint, data->>'full_name', data->>'email' FROM tandem.journal"
                    + " WHERE seq BETWEEN ? AND ? AND app = 'shop' AND entity = 'customer' AND op = 'insert' ORDER BY seq");
                 PreparedStatement upd = c.prepareStatement("UPDATE customer_sb c SET email = u.email FROM ("
                         + " SELECT DISTINCT ON ((key->>'id')::bigint) (key->>'id')::bigint AS id, data->>'email' AS email"
                         + " FROM tandem.journal WHERE seq BETWEEN ? AND ? AND app = 'shop' AND entity = 'customer'"
                         + " AND op = 'update' ORDER BY (key->>'id')::bigint, seq DESC) u WHERE c.id = u.id")) {
                ins.setLong(1, range[0]);
                ins.setLong(2, range[1]);
                ins.executeUpdate();
                upd.setLong(1, range[0]);
                upd.setLong(2, range[1]);
                upd.executeUpdate();
            }
            c.commit();
            double seconds = (System.nanoTime() - t0) / 1e9;
            c.setAutoCommit(true);
            return seconds;
        }
    }

    /** Both projections must agree row for row: a benchmark of a wrong result would be worthless. */
    private static void verify(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM customer), (SELECT count(*) FROM customer_sb),"
                     + " (SELECT count(*) FROM customer a JOIN customer_sb b USING (id)"
                     + "  WHERE a.full_name = b.full_name AND a.email = b.email)")) {
            rs.next();
            long a = rs.getLong(1);
            long b = rs.getLong(2);
            long same = rs.getLong(3);
            if (a != b || a != same || a == 0) {
                throw new IllegalStateException("applier and set-based results differ: " + a + " / " + b + " rows, " + same + " equal");
            }
        }
    }
}
