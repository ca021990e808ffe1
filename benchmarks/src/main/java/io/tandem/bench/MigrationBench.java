package io.tandem.bench;

import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.core.definitions.Release;
import io.tandem.examples.shop.v1.ShopV1;
import io.tandem.views.MigrationReport;
import io.tandem.views.Migrator;
import io.tandem.views.ReleaseControl;
import io.tandem.views.SwitchTime;

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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Migration stall: a customer table of N rows, paced writers (email updates) and readers (by key) running while the
 * shop's release 2 (V2__split_name: add columns, backfill every row, drop full_name — a full rewrite) goes live, four
 * ways in one run:
 * <ul>
 *   <li>{@code online}: {@code Migrator.migrate} with its defaults (the plan sends a rewrite online: copy into a
 *       build schema, migrate it, catch it up, switch), then {@code ReleaseControl.revert} under the same load;</li>
 *   <li>{@code in_place}: {@code Migrator.mode(IN_PLACE)}: the migrations on the live table in one transaction;</li>
 *   <li>{@code direct}: the same SQL in one transaction, writers and readers on the table itself;</li>
 *   <li>{@code control}: Tandem's clients while the same SQL rewrites an unrelated copy of the table, no release.</li>
 * </ul>
 * On the three Tandem sides the writers are the example app {@link ShopV1} (Hibernate, {@code changeEmail}: a find
 * and an update through the {@code shop_v1} views, {@code tandem.consistency=async}) and the readers select
 * {@code shop_v1.customer} by key with plain JDBC.
 */
final class MigrationBench {
    /** 800 writes/s in all, as before, spread over 16 threads so that one Hibernate write (a find, an update and a
     *  commit that waits for fsync) fits in a thread's 20 ms slot on a busy 2-core machine. */
    static final int WRITERS = 16;
    static final int WRITES_PER_S_PER_WRITER = 50;
    static final int READERS = 2;
    static final int READS_PER_S_PER_READER = 250;
    static final int WARM_UP = 50;
    static final String ONLINE = "online";
    static final String IN_PLACE = "in_place";
    static final String DIRECT = "direct";
    static final String CONTROL = "control";
    private static final Map<String, String> LABELS = Map.of(ONLINE, "online (default `migrate`)",
            IN_PLACE, "in place (`Mode.IN_PLACE`)", DIRECT, "direct ALTER", CONTROL, "control (no release)");
    /**
     * With {@code TANDEM_BENCH_TRACE=1}, every operation's end time and latency and the online release's steps are
     * written to {@code benchmarks/target/migration-trace-SIDE.txt} (the last round's), to see where a stall falls.
     */
    static final java.util.Queue<String> TRACE = System.getenv("TANDEM_BENCH_TRACE") == null ? null
            : new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Pg pg;
    private final Params p;
    private final Results r;
    private final AtomicLong unique = new AtomicLong();

    /**
     * What one side of one round saw. {@code extra} holds the online side's report figures (switch, copy, catch-up,
     * revert) and the stalls seen while the revert ran; the other figures cover the clients until the migration and
     * the calm after it were over (before any revert).
     */
    record Outcome(double migrationSeconds, double maxWriteMs, double p99WriteMs, long writes, long writeErrors,
                   String firstWriteError, double maxReadMs, long reads, long readErrors, String firstReadError,
                   Map<String, Double> extra) {
    }

    MigrationBench(Pg pg, Params p, Results r) {
        this.pg = pg;
        this.p = p;
        this.r = r;
    }

    void run() throws Exception {
        Map<String, List<Outcome>> all = new LinkedHashMap<>();
        List<String> sides = List.of(ONLINE, IN_PLACE, DIRECT, CONTROL);
        sides.forEach(side -> all.put(side, new ArrayList<>()));
        for (int round = 0; round < p.migrationRounds(); round++) {
            for (int i = 0; i < sides.size(); i++) {
                String side = sides.get((i + round) % sides.size());
                Outcome o = side.equals(DIRECT) ? direct() : tandem(side);
                all.get(side).add(o);
                r.progress(String.format("migration round %d %s: migration %.2f s, max write stall %.1f ms, write errors %d,"
                                + " reader errors %d, max read %.1f ms%s", round + 1, side, o.migrationSeconds(),
                        o.maxWriteMs(), o.writeErrors(), o.readErrors(), o.maxReadMs(),
                        o.extra().isEmpty() ? "" : " " + o.extra()));
            }
        }
        report(all);
    }

    private void report(Map<String, List<Outcome>> all) {
        r.line("## Migration stall").line("")
                .line("A `customer` table of " + p.migrationRows() + " rows; " + WRITERS + " writers at "
                        + WRITES_PER_S_PER_WRITER + " email updates/s each and " + READERS + " readers at "
                        + READS_PER_S_PER_READER + " key lookups/s each, on fixed schedules (latency counted from the"
                        + " scheduled time, so a stall is not hidden by the writer waiting); " + p.migrationCalmSeconds()
                        + " s before and after the migration. The migration is the shop's release 2 (`V2__split_name.sql`:"
                        + " add first_name/last_name/phone, backfill every row, SET NOT NULL, drop full_name — a rewrite"
                        + " of the whole table). On the three Tandem sides the writers are the example app `ShopV1`"
                        + " (Hibernate; `changeEmail`: a find and an update through the `shop_v1` views, whose trigger"
                        + " journals the update; `tandem.consistency=async`, so a write's latency does not include the"
                        + " applier's lag) and the readers `SELECT id, full_name, email FROM shop_v1.customer WHERE id = ?`"
                        + " (plain JDBC, autocommit); the applier runs (both tracks). **online**: `Migrator.migrate(release"
                        + " 2)` with its defaults — the plan sends a rewrite online: copy the table into a build schema from"
                        + " one snapshot, run the migration there, let the release track catch the build up, switch in one"
                        + " short transaction; then, after the calm, `ReleaseControl.revert(\"shop\")` under the same load."
                        + " **in place**: `Migrator.mode(IN_PLACE)`: the migration, definitions and views in one transaction"
                        + " on the live table. **direct**: the same SQL in one transaction; writers `UPDATE customer SET"
                        + " email = ? WHERE id = ?` (JDBC); readers the old app's `SELECT id, full_name, email FROM customer"
                        + " WHERE id = ?`. **control (no release)**: Tandem's clients as above while the same"
                        + " `V2__split_name.sql` runs in one transaction on an unrelated copy of the table (schema `shadow`;"
                        + " no release): what the rewrite's own CPU, I/O and WAL cost the clients. " + p.migrationRounds()
                        + " round(s), sides alternating (rotated); median (min–max). Before the schedule starts, each of the app's writer threads runs " + warmUps()
                        + " updates unmeasured (class loading, JIT). A stall is an operation's latency from its"
                        + " scheduled time; the stall columns take the operations that ended from the migration's start until"
                        + " the revert started (the online side) or the clients stopped; `calm` = the same over the calm"
                        + " before the migration, what the machine's own noise gives. The online side's revert is below.")
                .line("")
                .line("| | migration s | max write stall ms | write p99 ms | write errors | reader errors | max read stall ms | calm: max write / read ms |")
                .line("|---|---|---|---|---|---|---|---|");
        Map<String, Object> json = new LinkedHashMap<>();
        for (Map.Entry<String, List<Outcome>> e : all.entrySet()) {
            List<Outcome> os = e.getValue();
            List<Double> mig = os.stream().map(Outcome::migrationSeconds).toList();
            List<Double> stall = os.stream().map(Outcome::maxWriteMs).toList();
            List<Double> p99 = os.stream().map(Outcome::p99WriteMs).toList();
            List<Double> werr = os.stream().map(o -> (double) o.writeErrors()).toList();
            List<Double> rerr = os.stream().map(o -> (double) o.readErrors()).toList();
            List<Double> read = os.stream().map(Outcome::maxReadMs).toList();
            r.line("| " + LABELS.get(e.getKey()) + " | " + Stats.spread(mig, "%.2f") + " | " + Stats.spread(stall, "%.1f")
                    + " | " + Stats.spread(p99, "%.1f") + " | " + Stats.spread(werr, "%.0f") + " | "
                    + Stats.spread(rerr, "%.0f") + " | " + Stats.spread(read, "%.1f") + " | "
                    + spread(os, "calm_max_write_stall_ms", "%.1f") + " / " + spread(os, "calm_max_read_stall_ms", "%.1f")
                    + " |");
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("migration_s", Stats.summary(mig));
            m.put("max_write_stall_ms", Stats.summary(stall));
            m.put("write_p99_ms", Stats.summary(p99));
            m.put("write_errors", Stats.summary(werr));
            m.put("reader_errors", Stats.summary(rerr));
            m.put("max_read_stall_ms", Stats.summary(read));
            m.put("first_write_error", os.stream().map(Outcome::firstWriteError).filter(x -> x != null).findFirst().orElse(null));
            m.put("first_reader_error", os.stream().map(Outcome::firstReadError).filter(x -> x != null).findFirst().orElse(null));
            for (String key : os.get(0).extra().keySet()) {
                m.put(key, Stats.summary(os.stream().map(o -> o.extra().getOrDefault(key, Double.NaN)).toList()));
            }
            json.put(e.getKey(), m);
        }
        r.line("");
        for (String side : all.keySet()) {
            all.get(side).stream().map(Outcome::firstReadError).filter(x -> x != null).findFirst()
                    .ifPresent(err -> r.line(LABELS.get(side) + ": readers' first error: `" + err.replace('\n', ' ') + "`.").line(""));
            all.get(side).stream().map(Outcome::firstWriteError).filter(x -> x != null).findFirst()
                    .ifPresent(err -> r.line(LABELS.get(side) + ": writers' first error: `" + err.replace('\n', ' ') + "`.").line(""));
        }
        List<Outcome> online = all.get(ONLINE);
        List<Outcome> inPlace = all.get(IN_PLACE);
        r.line("### Online release").line("")
                .line("The online side's `MigrationReport` and the revert, per round; median (min–max). `switch` = how long"
                        + " the views were held (`switchMillis`), `applier held` = `pauseMillis`; build rows/s ="
                        + " `copyRowsPerSecond` (the copy of the table into the build, indexes included); catch-up = the"
                        + " journal rows written since the copy's snapshot that the release track projected onto the build"
                        + " (`caughtUpRows`), over the time from the build's migration committing to the switch committing"
                        + " (which includes the switch and the waits between the track's polls, so it is a floor on the track's"
                        + " speed, not its capacity); revert = the wall time of `ReleaseControl.revert(\"shop\")` (views held,"
                        + " applier held, then the release's tables dropped), run under the same writers and readers.")
                .line("")
                .line("| figure | online | in place |")
                .line("|---|---|---|")
                .line("| views held (switch) ms | " + spread(online, "switch_ms", "%.0f") + " | " + spread(inPlace, "switch_ms", "%.0f") + " |")
                .line("| applier held ms | " + spread(online, "applier_held_ms", "%.0f") + " | " + spread(inPlace, "applier_held_ms", "%.0f") + " |")
                .line("| rows copied into the build | " + spread(online, "copied_rows", "%.0f") + " | — |")
                .line("| build rows/s | " + spread(online, "build_rows_per_s", "%.0f") + " | — |")
                .line("| copy s / build's migration s / catch-up + switch s | " + spread(online, "copy_s", "%.2f") + " / "
                        + spread(online, "build_migration_s", "%.2f") + " / " + spread(online, "catch_up_s", "%.2f") + " | — |")
                .line("| catch-up rows | " + spread(online, "catch_up_rows", "%.0f") + " | — |")
                .line("| catch-up rows/s | " + spread(online, "catch_up_rows_per_s", "%.0f") + " | — |")
                .line("| revert wall ms | " + spread(online, "revert_ms", "%.0f") + " | — |")
                .line("| revert: views held / applier held ms | " + spread(online, "revert_views_held_ms", "%.0f") + " / "
                        + spread(online, "revert_applier_held_ms", "%.0f") + " | — |")
                .line("| max write / read stall during the revert ms | " + spread(online, "revert_max_write_stall_ms", "%.1f")
                        + " / " + spread(online, "revert_max_read_stall_ms", "%.1f") + " | — |")
                .line("");
        json.put("rows", p.migrationRows());
        r.put("migration", json);
        r.put("migration_max_write_stall_ms", median(online, Outcome::maxWriteMs));
        r.put("migration_reader_errors", java.util.stream.Stream.of(online, inPlace).flatMap(List::stream)
                .mapToLong(Outcome::readErrors).max().orElse(-1));
        r.put("online_migration_max_write_stall_ms", median(online, Outcome::maxWriteMs));
        r.put("online_migration_max_read_stall_ms", median(online, Outcome::maxReadMs));
        r.put("online_migration_switch_ms", median(online, o -> o.extra().get("switch_ms")));
        r.put("online_build_rows_per_s", median(online, o -> o.extra().get("build_rows_per_s")));
        r.put("online_catch_up_rows", median(online, o -> o.extra().get("catch_up_rows")));
        r.put("online_catch_up_rows_per_s", median(online, o -> o.extra().get("catch_up_rows_per_s")));
        r.put("online_release_revert_ms", median(online, o -> o.extra().get("revert_ms")));
        r.put("online_migration_write_errors", online.stream().mapToLong(Outcome::writeErrors).max().orElse(-1));
        r.put("in_place_migration_max_write_stall_ms", median(inPlace, Outcome::maxWriteMs));
        r.put("in_place_migration_max_read_stall_ms", median(inPlace, Outcome::maxReadMs));
        r.put("direct_migration_max_write_stall_ms", median(all.get(DIRECT), Outcome::maxWriteMs));
        r.put("control_max_write_stall_ms", median(all.get(CONTROL), Outcome::maxWriteMs));
    }

    private static String spread(List<Outcome> os, String key, String format) {
        if (os.isEmpty() || !os.get(0).extra().containsKey(key)) {
            return "—";
        }
        return Stats.spread(os.stream().map(o -> o.extra().getOrDefault(key, Double.NaN)).toList(), format);
    }

    private static double median(List<Outcome> os, java.util.function.ToDoubleFunction<Outcome> f) {
        return Stats.round(Stats.median(os.stream().map(f::applyAsDouble).toList()));
    }

    /** Tandem's clients through the online or in-place release 2, or, as the control, through an unrelated rewrite. */
    private Outcome tandem(String side) throws Exception {
        String db = "bench_mig_" + side;
        pg.create(db);
        try {
            DataSource ds = pg.pool(db, READERS + 4);
            DataSource migratorPool = pg.pool(db, 10);
            Release release1 = Release.load(p.release1());
            new Migrator(migratorPool).migrate(release1);
            fill(ds);
            if (side.equals(CONTROL)) {
                try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                    s.execute("CREATE SCHEMA shadow");
                    s.execute("CREATE TABLE shadow.customer (LIKE customer INCLUDING ALL)");
                    s.execute("INSERT INTO shadow.customer SELECT * FROM customer");
                    s.execute("VACUUM ANALYZE shadow.customer");
                }
            }
            String v2 = Files.readString(p.release2().resolve("migrations/V2__split_name.sql"));
            Map<String, Double> extra = new LinkedHashMap<>();
            Migration migration = switch (side) {
                case CONTROL -> () -> {
                    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                        c.setAutoCommit(false);
                        s.execute("SET LOCAL search_path = shadow");
                        s.execute(v2);
                        c.commit();
                    }
                };
                case IN_PLACE -> () -> {
                    MigrationReport report = new Migrator(migratorPool).mode(Migrator.Mode.IN_PLACE)
                            .migrate(Release.load(p.release2()));
                    requireMode(report, "in-place");
                    extra.put("switch_ms", (double) report.switchMillis());
                    extra.put("applier_held_ms", (double) report.pauseMillis());
                };
                default -> () -> online(migratorPool, extra);
            };
            Revert revert = side.equals(ONLINE) ? () -> {
                long t0 = System.nanoTime();
                SwitchTime held = new ReleaseControl(migratorPool).progress(step -> r.progress(String.format(
                        "  revert +%d ms: %s", (System.nanoTime() - t0) / 1_000_000, step))).revert("shop");
                extra.put("revert_ms", (System.nanoTime() - t0) / 1e6);
                extra.put("revert_views_held_ms", (double) held.viewsMillis());
                extra.put("revert_applier_held_ms", (double) held.applierMillis());
            } : null;
            try (Applier applier = Applier.start(new ApplierConfig(pg.pool(db, 8), "shop"));
                 ShopV1 shop = ShopV1.open(pg.urlFor(db), null, null,
                         Map.of("tandem.consistency", "async", "pool.size", Integer.toString(WRITERS)))) {
                warmUp(shop);
                Outcome o = drive(ds, false, (c, id) -> {
                            if (!shop.changeEmail(id, "m" + unique.incrementAndGet() + "@example.org")) {
                                throw new IllegalStateException("customer " + id + " not found");
                            }
                        }, "SELECT id, full_name, email FROM shop_v1.customer WHERE id = ?", migration, revert);
                extra.putAll(o.extra());
                if (TRACE != null) {
                    Files.createDirectories(p.root().resolve("benchmarks/target"));
                    Files.write(p.root().resolve("benchmarks/target/migration-trace-" + side + ".txt"), TRACE);
                }
                return new Outcome(o.migrationSeconds(), o.maxWriteMs(), o.p99WriteMs(), o.writes(), o.writeErrors(),
                        o.firstWriteError(), o.maxReadMs(), o.reads(), o.readErrors(), o.firstReadError(), extra);
            }
        } finally {
            pg.closePools();
            pg.drop(db);
        }
    }

    /** Release 2 through {@code Migrator.migrate} with its defaults, with the steps' times from its progress. */
    private void online(DataSource migratorPool, Map<String, Double> extra) {
        Map<String, Long> at = new ConcurrentHashMap<>();
        MigrationReport report = new Migrator(migratorPool).progress(step -> {
            long now = System.nanoTime();
            for (String mark : List.of("Copying ", "Build: running migration", "Build migrated", "Switched:")) {
                if (step.startsWith(mark)) {
                    at.putIfAbsent(mark, now);
                }
            }
            if (!step.startsWith("copy ") && !step.startsWith("catch-up:")) {
                r.progress("  online: " + step);
                if (TRACE != null) {
                    TRACE.add("S " + System.nanoTime() / 1_000_000 + " " + step);
                }
            }
        }).migrate(Release.load(p.release2()));
        requireMode(report, "online");
        double catchUpSeconds = seconds(at, "Build migrated", "Switched:");
        extra.put("switch_ms", (double) report.switchMillis());
        extra.put("applier_held_ms", (double) report.pauseMillis());
        extra.put("copied_rows", (double) report.copiedRows());
        extra.put("build_rows_per_s", report.copyRowsPerSecond());
        extra.put("copy_s", seconds(at, "Copying ", "Build: running migration"));
        extra.put("build_migration_s", seconds(at, "Build: running migration", "Build migrated"));
        extra.put("catch_up_s", catchUpSeconds);
        extra.put("catch_up_rows", (double) report.caughtUpRows());
        extra.put("catch_up_rows_per_s", report.caughtUpRows() / catchUpSeconds);
        extra.put("total_ms", (double) report.totalMillis());
    }

    /**
     * Runs the app's write path a few dozen times on each writer thread before the schedule starts, so
     * that Hibernate's first calls (class loading, the JIT, the pool's connections) are not counted as a stall.
     */
    private void warmUp(ShopV1 shop) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < WRITERS; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < warmUps(); i++) {
                    shop.changeEmail(1 + ThreadLocalRandom.current().nextLong(p.migrationRows()),
                            "w" + unique.incrementAndGet() + "@example.org");
                }
            }, "mig-warm-up-" + t);
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
    }

    /** Unmeasured warm-up writes per writer thread (a handful in the smoke test's tiny mode). */
    private int warmUps() {
        return p.migrationRows() < 100_000 ? 5 : WARM_UP;
    }

    private static double seconds(Map<String, Long> at, String from, String to) {
        Long a = at.get(from);
        Long b = at.get(to);
        return a == null || b == null ? Double.NaN : (b - a) / 1e9;
    }

    private static void requireMode(MigrationReport report, String mode) {
        if (!report.mode().equals(mode)) {
            throw new IllegalStateException("release 2 went " + report.mode() + ", expected " + mode + ": " + report);
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
            return drive(ds, true, (c, id) -> {
                        try (PreparedStatement s = c.prepareStatement("UPDATE customer SET email = ? WHERE id = ?")) {
                            s.setString(1, "m" + unique.incrementAndGet() + "@example.org");
                            s.setLong(2, id);
                            s.executeUpdate();
                        }
                        c.commit();
                    }, "SELECT id, full_name, email FROM customer WHERE id = ?",
                    () -> {
                        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                            c.setAutoCommit(false);
                            s.execute(v2);
                            c.commit();
                        }
                    }, null);
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

    /**
     * One committed write of customer {@code id}; {@code c} is the writer thread's own connection (autocommit off),
     * or null when the writer does not use one (the app's writers).
     */
    interface Write {
        void write(Connection c, long id) throws Exception;
    }

    interface Migration {
        void run() throws Exception;
    }

    interface Revert {
        void run() throws Exception;
    }

    /**
     * One client thread's latencies by when the operation ended: before the migration started (the calm), from then
     * until the revert started, and after.
     */
    private static final class Latencies {
        final Stats.Samples calm = new Stats.Samples();
        final Stats.Samples before = new Stats.Samples();
        final Stats.Samples duringRevert = new Stats.Samples();
    }

    /**
     * Runs the paced clients around {@code migration} (and {@code revert}). Writer threads take a connection of
     * {@code ds} only when {@code writersUseDs} (plain JDBC writers); the app's writers use its own pool.
     */
    private Outcome drive(DataSource ds, boolean writersUseDs, Write write, String readSql, Migration migration,
                          Revert revert) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long start = System.nanoTime() + 50_000_000L;
        AtomicLong stop = new AtomicLong(Long.MAX_VALUE);
        AtomicLong migrationStart = new AtomicLong(Long.MAX_VALUE);
        if (TRACE != null) {
            TRACE.clear();
            TRACE.add("T0 " + start / 1_000_000);
        }
        AtomicLong revertStart = new AtomicLong(Long.MAX_VALUE);
        List<Thread> threads = new ArrayList<>();
        List<Latencies> writeLat = new ArrayList<>();
        List<Latencies> readLat = new ArrayList<>();
        AtomicLong writeErrors = new AtomicLong();
        AtomicLong readErrors = new AtomicLong();
        AtomicReference<String> firstWriteError = new AtomicReference<>();
        AtomicReference<String> firstReadError = new AtomicReference<>();
        int n = p.migrationRows();
        for (int t = 0; t < WRITERS + READERS; t++) {
            boolean writer = t < WRITERS;
            Latencies lat = new Latencies();
            (writer ? writeLat : readLat).add(lat);
            long interval = 1_000_000_000L / (writer ? WRITES_PER_S_PER_WRITER : READS_PER_S_PER_READER);
            long offset = t * interval / (WRITERS + READERS);
            Thread th = new Thread(() -> {
                try (Connection c = writer && !writersUseDs ? null : ds.getConnection()) {
                    if (c != null) {
                        c.setAutoCommit(!writer);
                    }
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
                        } catch (Exception e) {
                            if (writer) {
                                writeErrors.incrementAndGet();
                                firstWriteError.compareAndSet(null, String.valueOf(e));
                                if (c != null) {
                                    c.rollback();
                                }
                            } else {
                                readErrors.incrementAndGet();
                                firstReadError.compareAndSet(null, e.getMessage());
                            }
                        }
                        long end = System.nanoTime();
                        if (TRACE != null) {
                            TRACE.add(String.format("%s %d %.1f %.1f", writer ? "w" : "r", Thread.currentThread().getId(),
                                    (end - start) / 1e6, (end - due) / 1e6));
                        }
                        (end >= revertStart.get() ? lat.duringRevert : end >= migrationStart.get() ? lat.before
                                : lat.calm).add((end - due) / 1e6);
                    }
                } catch (SQLException | RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }, (writer ? "mig-writer-" : "mig-reader-") + t);
            threads.add(th);
            th.start();
        }
        double migrationSeconds;
        long calm = (long) (p.migrationCalmSeconds() * 1000);
        try {
            Thread.sleep(calm + 50);
            long m0 = System.nanoTime();
            migrationStart.set(m0);
            if (TRACE != null) {
                TRACE.add("M " + (m0 - start) / 1_000_000);
            }
            migration.run();
            migrationSeconds = (System.nanoTime() - m0) / 1e9;
            Thread.sleep(calm);
            if (revert != null) {
                revertStart.set(System.nanoTime());
                if (TRACE != null) {
                    TRACE.add("R " + (revertStart.get() - start) / 1_000_000 + " migration end " + migrationSeconds);
                }
                revert.run();
                Thread.sleep(Math.min(calm, 1000));
            }
        } finally {
            stop.set(System.nanoTime());
            for (Thread th : threads) {
                th.join();
            }
        }
        if (failure.get() != null) {
            throw new IllegalStateException("migration benchmark clients failed: " + failure.get(), failure.get());
        }
        Stats.Samples wCalm = new Stats.Samples();
        Stats.Samples w = new Stats.Samples();
        Stats.Samples wRevert = new Stats.Samples();
        writeLat.forEach(l -> {
            wCalm.addAll(l.calm);
            w.addAll(l.before);
            wRevert.addAll(l.duringRevert);
        });
        Stats.Samples rdCalm = new Stats.Samples();
        Stats.Samples rd = new Stats.Samples();
        Stats.Samples rdRevert = new Stats.Samples();
        readLat.forEach(l -> {
            rdCalm.addAll(l.calm);
            rd.addAll(l.before);
            rdRevert.addAll(l.duringRevert);
        });
        Map<String, Double> extra = new LinkedHashMap<>();
        extra.put("calm_max_write_stall_ms", Stats.max(wCalm.toArray()));
        extra.put("calm_max_read_stall_ms", Stats.max(rdCalm.toArray()));
        if (revert != null) {
            extra.put("revert_max_write_stall_ms", Stats.max(wRevert.toArray()));
            extra.put("revert_max_read_stall_ms", Stats.max(rdRevert.toArray()));
        }
        double[] wv = w.toArray();
        return new Outcome(migrationSeconds, Stats.max(wv), Stats.quantile(wv, 0.99), wCalm.size() + w.size() + wRevert.size(),
                writeErrors.get(), firstWriteError.get(), Stats.max(rd.toArray()), rdCalm.size() + rd.size() + rdRevert.size(),
                readErrors.get(), firstReadError.get(), extra);
    }
}
