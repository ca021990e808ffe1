package io.tandem.bench;

import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.core.JournalEntry;
import io.tandem.core.Release;
import io.tandem.orm.JournalWriter;
import io.tandem.views.Migrator;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Migration stall: a customer table of N rows, paced writers (email updates) and readers (by key) running, and the
 * shop's release 2 (V2__split_name: add columns, backfill every row, drop full_name — a full rewrite) applied
 * through {@code Migrator.migrate} (writers append to the journal, readers read {@code shop_v1.customer}) vs the
 * same migration SQL applied directly in one transaction under direct writers ({@code UPDATE customer}) and
 * readers of the old columns ({@code SELECT ... full_name ... FROM customer}).
 */
final class MigrationBench {
    static final int WRITERS = 4;
    static final int WRITES_PER_S_PER_WRITER = 200;
    static final int READERS = 2;
    static final int READS_PER_S_PER_READER = 250;
    private final Pg pg;
    private final Params p;
    private final Results r;
    private static final String CONTROL = "control (no release)";
    private final AtomicLong unique = new AtomicLong();

    /** What one side of one round saw. */
    record Outcome(double migrationSeconds, double maxWriteMs, double p99WriteMs, long writes, long writeErrors,
                   double maxReadMs, long reads, long readErrors, String firstReadError) {
    }

    MigrationBench(Pg pg, Params p, Results r) {
        this.pg = pg;
        this.p = p;
        this.r = r;
    }

    void run() throws Exception {
        Map<String, List<Outcome>> all = new LinkedHashMap<>();
        List<String> sides = List.of("tandem", "direct", CONTROL);
        sides.forEach(side -> all.put(side, new ArrayList<>()));
        for (int round = 0; round < p.migrationRounds(); round++) {
            for (int i = 0; i < sides.size(); i++) {
                String side = sides.get((i + round) % sides.size());
                Outcome o = switch (side) {
                    case "tandem" -> tandem(false);
                    case "direct" -> direct();
                    default -> tandem(true);
                };
                all.get(side).add(o);
                r.progress(String.format("migration round %d %s: migration %.2f s, max write stall %.1f ms, reader errors %d, max read %.1f ms",
                        round + 1, side, o.migrationSeconds(), o.maxWriteMs(), o.readErrors(), o.maxReadMs()));
            }
        }
        r.line("## Migration stall").line("")
                .line("A `customer` table of " + p.migrationRows() + " rows; " + WRITERS + " writers at "
                        + WRITES_PER_S_PER_WRITER + " email updates/s each and " + READERS + " readers at "
                        + READS_PER_S_PER_READER + " key lookups/s each, on fixed schedules (latency counted from the"
                        + " scheduled time, so a stall is not hidden by the writer waiting); " + p.migrationCalmSeconds()
                        + " s before and after the migration. The migration is the shop's release 2 (`V2__split_name.sql`:"
                        + " add first_name/last_name/phone, backfill every row, SET NOT NULL, drop full_name — a rewrite"
                        + " of the whole table). **Tandem**: `Migrator.migrate(release 2)` (DDL + definitions + views in one"
                        + " transaction, the applier held at a batch boundary); writers `JournalWriter` v1 updates;"
                        + " readers `SELECT id, full_name, email FROM shop_v1.customer WHERE id = ?`. **Direct**: the same"
                        + " SQL in one transaction; writers `UPDATE customer SET email = ? WHERE id = ?`; readers the old"
                        + " app's `SELECT id, full_name, email FROM customer WHERE id = ?`. **" + CONTROL + "**: Tandem's"
                        + " writers and readers as above, but instead of a release the same `V2__split_name.sql` run in one"
                        + " transaction on an unrelated copy of the table (schema `shadow`; no Tandem involved): what the"
                        + " rewrite's own CPU, I/O and WAL cost the journal writers. " + p.migrationRounds()
                        + " round(s), sides alternating; median (min–max).")
                .line("")
                .line("| | migration s | max write stall ms | write p99 ms | write errors | reader errors | max read ms |")
                .line("|---|---|---|---|---|---|---|");
        Map<String, Object> json = new LinkedHashMap<>();
        for (Map.Entry<String, List<Outcome>> e : all.entrySet()) {
            List<Outcome> os = e.getValue();
            List<Double> mig = os.stream().map(Outcome::migrationSeconds).toList();
            List<Double> stall = os.stream().map(Outcome::maxWriteMs).toList();
            List<Double> p99 = os.stream().map(Outcome::p99WriteMs).toList();
            List<Double> werr = os.stream().map(o -> (double) o.writeErrors()).toList();
            List<Double> rerr = os.stream().map(o -> (double) o.readErrors()).toList();
            List<Double> read = os.stream().map(Outcome::maxReadMs).toList();
            r.line("| " + e.getKey() + " | " + Stats.spread(mig, "%.2f") + " | " + Stats.spread(stall, "%.1f") + " | "
                    + Stats.spread(p99, "%.1f") + " | " + Stats.spread(werr, "%.0f") + " | " + Stats.spread(rerr, "%.0f")
                    + " | " + Stats.spread(read, "%.1f") + " |");
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("migration_s", Stats.summary(mig));
            m.put("max_write_stall_ms", Stats.summary(stall));
            m.put("write_p99_ms", Stats.summary(p99));
            m.put("write_errors", Stats.summary(werr));
            m.put("reader_errors", Stats.summary(rerr));
            m.put("max_read_ms", Stats.summary(read));
            m.put("first_reader_error", os.stream().map(Outcome::firstReadError).filter(x -> x != null).findFirst().orElse(null));
            json.put(e.getKey(), m);
        }
        r.line("");
        all.get("direct").stream().map(Outcome::firstReadError).filter(x -> x != null).findFirst()
                .ifPresent(err -> r.line("Direct readers' first error: `" + err.replace('\n', ' ') + "`.").line(""));
        all.get("tandem").stream().map(Outcome::firstReadError).filter(x -> x != null).findFirst()
                .ifPresent(err -> r.line("Tandem readers' first error: `" + err.replace('\n', ' ') + "`.").line(""));
        json.put("rows", p.migrationRows());
        r.put("migration", json);
        r.put("migration_max_write_stall_ms", Stats.round(Stats.median(all.get("tandem").stream().map(Outcome::maxWriteMs).toList())));
        r.put("migration_reader_errors", all.get("tandem").stream().mapToLong(Outcome::readErrors).max().orElse(-1));
    }

    /**
     * Tandem's writers and readers through release 2 — or, as the {@link #CONTROL}, through a same-size rewrite of an
     * unrelated copy of the table, no release at all.
     */
    private Outcome tandem(boolean control) throws Exception {
        String db = "bench_mig_tandem";
        pg.create(db);
        try {
            DataSource ds = pg.pool(db, WRITERS + READERS + 4);
            Release release1 = Release.load(p.release1());
            new Migrator(ds).migrate(release1);
            fill(ds);
            if (control) {
                try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                    s.execute("CREATE SCHEMA shadow");
                    s.execute("CREATE TABLE shadow.customer (LIKE customer INCLUDING ALL)");
                    s.execute("INSERT INTO shadow.customer SELECT * FROM customer");
                    s.execute("VACUUM ANALYZE shadow.customer");
                }
            }
            String v2 = Files.readString(p.release2().resolve("migrations/V2__split_name.sql"));
            Migration migration = control ? () -> {
                try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                    c.setAutoCommit(false);
                    s.execute("SET LOCAL search_path = shadow");
                    s.execute(v2);
                    c.commit();
                }
            } : () -> new Migrator(ds).migrate(Release.load(p.release2()));
            JournalWriter writer = new JournalWriter(release1.versions());
            try (Applier applier = Applier.start(new ApplierConfig(pg.pool(db, 8), "shop"))) {
                return drive(ds, (c, id) -> writer.append(c, JournalEntry.update("shop", 1, "customer", Map.of("id", id),
                                Map.of("email", "m" + unique.incrementAndGet() + "@example.org"), List.of("email"))),
                        "SELECT id, full_name, email FROM shop_v1.customer WHERE id = ?", migration);
            }
        } finally {
            pg.closePools();
            pg.drop(db);
        }
    }

    private Outcome direct() throws Exception {
        String db = "bench_mig_direct";
        pg.create(db);
        try {
            DataSource ds = pg.pool(db, WRITERS + READERS + 4);
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute(Files.readString(p.release1().resolve("migrations/V1__init.sql")));
            }
            fill(ds);
            String v2 = Files.readString(p.release2().resolve("migrations/V2__split_name.sql"));
            return drive(ds, (c, id) -> {
                        try (PreparedStatement s = c.prepareStatement("UPDATE customer SET email = ? WHERE id = ?")) {
                            s.setString(1, "m" + unique.incrementAndGet() + "@example.org");
                            s.setLong(2, id);
                            s.executeUpdate();
                        }
                    }, "SELECT id, full_name, email FROM customer WHERE id = ?",
                    () -> {
                        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                            c.setAutoCommit(false);
                            s.execute(v2);
                            c.commit();
                        }
                    });
        } finally {
            pg.closePools();
            pg.drop(db);
        }
    }

    private void fill(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO customer (id, full_name, email) SELECT g, 'Customer ' || g, 'c' || g || '@example.org'"
                    + " FROM generate_series(1, " + p.migrationRows() + ") g");
            s.execute("VACUUM ANALYZE customer");
        }
    }

    interface Write {
        void write(Connection c, long id) throws SQLException;
    }

    interface Migration {
        void run() throws Exception;
    }

    private Outcome drive(DataSource ds, Write write, String readSql, Migration migration) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long start = System.nanoTime() + 50_000_000L;
        AtomicLong stop = new AtomicLong(Long.MAX_VALUE);
        List<Thread> threads = new ArrayList<>();
        List<Stats.Samples> writeLat = new ArrayList<>();
        List<Stats.Samples> readLat = new ArrayList<>();
        AtomicLong writeErrors = new AtomicLong();
        AtomicLong readErrors = new AtomicLong();
        AtomicReference<String> firstReadError = new AtomicReference<>();
        int n = p.migrationRows();
        for (int t = 0; t < WRITERS + READERS; t++) {
            boolean writer = t < WRITERS;
            Stats.Samples lat = new Stats.Samples();
            (writer ? writeLat : readLat).add(lat);
            long interval = 1_000_000_000L / (writer ? WRITES_PER_S_PER_WRITER : READS_PER_S_PER_READER);
            long offset = t * interval / (WRITERS + READERS);
            Thread th = new Thread(() -> {
                try (Connection c = ds.getConnection()) {
                    c.setAutoCommit(!writer);
                    for (long k = 0; ; k++) {
                        long due = start + offset + k * interval;
                        if (due > stop.get()) {
                            break;
                        }
                        long now;
                        while ((now = System.nanoTime()) < due) {
                            LockSupport.parkNanos(due - now);
                        }
                        long id = 1 + ThreadLocalRandom.current().nextLong(n);
                        try {
                            if (writer) {
                                write.write(c, id);
                                c.commit();
                            } else {
                                try (PreparedStatement s = c.prepareStatement(readSql)) {
                                    s.setLong(1, id);
                                    try (ResultSet rs = s.executeQuery()) {
                                        while (rs.next()) {
                                            rs.getString(2);
                                        }
                                    }
                                }
                            }
                        } catch (SQLException e) {
                            if (writer) {
                                writeErrors.incrementAndGet();
                                c.rollback();
                            } else {
                                readErrors.incrementAndGet();
                                firstReadError.compareAndSet(null, e.getMessage());
                            }
                        }
                        lat.add((System.nanoTime() - due) / 1e6);
                    }
                } catch (SQLException | RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }, (writer ? "mig-writer-" : "mig-reader-") + t);
            threads.add(th);
            th.start();
        }
        double migrationSeconds;
        try {
            Thread.sleep((long) (p.migrationCalmSeconds() * 1000) + 50);
            long m0 = System.nanoTime();
            migration.run();
            migrationSeconds = (System.nanoTime() - m0) / 1e9;
            Thread.sleep((long) (p.migrationCalmSeconds() * 1000));
        } finally {
            stop.set(System.nanoTime());
            for (Thread th : threads) {
                th.join();
            }
        }
        if (failure.get() != null) {
            throw new IllegalStateException("migration benchmark clients failed: " + failure.get(), failure.get());
        }
        Stats.Samples w = new Stats.Samples();
        writeLat.forEach(w::addAll);
        Stats.Samples rd = new Stats.Samples();
        readLat.forEach(rd::addAll);
        double[] wv = w.toArray();
        return new Outcome(migrationSeconds, Stats.max(wv), Stats.quantile(wv, 0.99), w.size(), writeErrors.get(),
                Stats.max(rd.toArray()), rd.size(), readErrors.get(), firstReadError.get());
    }
}
