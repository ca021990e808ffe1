package io.tandem.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.applier.RetentionPolicy;
import io.tandem.core.db.ApplierState;
import io.tandem.core.definitions.Release;
import io.tandem.core.journal.JournalWriter;
import io.tandem.core.storage.JournalStorage;
import io.tandem.views.Migrator;
import io.tandem.views.ViewGenerator;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Soak: writers commit {@link Params#soakRows()} journal rows as the app's login while the applier projects them
 * and runs journal maintenance every second, with retention on. Retention is driven by size: the policy's cap
 * ({@code max_bytes}) is an eighth of what the soak writes, and partitions an eighth of the cap, so the journal
 * rolls over about 64 partitions and must stay near the cap throughout.
 *
 * <p>Figures: the largest journal seen over the cap (the retention window), and the throughput of the writers and
 * of the applier in the last tenth of the writing over the first tenth — whether the journal costs the same after
 * millions of rows, with partitions being added and removed under the load, as at the start. The first
 * {@value #WARM_UP_PERCENT} % of the rows or {@value #WARM_UP_SECONDS} s of writing, whichever is longer, warm the
 * JIT and the server's caches and are not part of the first tenth.
 */
final class SoakBench {
    private static final String DB = "bench_soak";
    private static final int WRITERS = 4;
    private static final long SAMPLE_MILLIS = 500;
    private static final Duration MAINTENANCE = Duration.ofSeconds(1);
    /** The cap is this fraction of what the soak writes; a partition this fraction of the cap. */
    private static final int PER_CAP = 8;
    /** The first rows or seconds of writing, whichever is longer (at most a fifth of it), warm the JIT and caches. */
    private static final int WARM_UP_PERCENT = 2;
    private static final double WARM_UP_SECONDS = 15;
    private static final long DRAIN_LIMIT_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final Pg pg;
    private final Params p;
    private final Results r;

    SoakBench(Pg pg, Params p, Results r) {
        this.pg = pg;
        this.p = p;
        this.r = r;
    }

    /** What one soak found, for the report. */
    private record Outcome(SoakTimeline timeline, double writingFrom, double warmedAt, double writtenAt,
                           double drainedAt, long written, long applied, long partitionXids, long cap, JournalStorage end) {
    }

    void run() throws Exception {
        pg.create(DB);
        try {
            DataSource owner = pg.pool(DB, 3);
            Release release = Release.load(p.release1());
            new Migrator(owner).migrate(release);
            long partitionXids = Math.max(100, p.soakRows() / PER_CAP / PER_CAP / SoakWriters.ROWS_PER_TX);
            try (Connection c = owner.getConnection()) {
                RetentionPolicy.setDatabase(c, null, null, null, null, partitionXids, Set.of());
            }
            try (AppLogin login = AppLogin.create(pg, DB, new ViewGenerator().roleName("shop", 1));
                 HikariDataSource writersPool = login.pool(WRITERS)) {
                report(soak(owner, writersPool, new JournalWriter(release.versions()), partitionXids));
            }
        } finally {
            pg.closePools();
            pg.drop(DB);
        }
    }

    private Outcome soak(DataSource owner, DataSource writersPool, JournalWriter journal, long partitionXids)
            throws Exception {
        SoakWriters writers = new SoakWriters(writersPool, journal, WRITERS, p.soakRows());
        SoakTimeline timeline = new SoakTimeline();
        long t0 = System.nanoTime();
        Applier applier = Applier.start(new ApplierConfig(pg.pool(DB, 8), "shop").journalMaintenance(MAINTENANCE));
        try (Connection c = owner.getConnection()) {
            writers.start();
            double writingFrom = (System.nanoTime() - t0) / 1e9;
            long calibrateAt = p.soakRows() / PER_CAP / PER_CAP;
            long cap = 0;
            while (!writers.finished()) {
                sample(c, timeline, t0, writers, applier);
                if (cap == 0 && writers.committedRows() >= calibrateAt) {
                    cap = capFromSize(c, writers.committedRows());
                }
                TimeUnit.MILLISECONDS.sleep(SAMPLE_MILLIS);
            }
            writers.await();
            if (cap == 0) { // the writers finished before the first look (the smoke test's tiny soak)
                cap = capFromSize(c, writers.committedRows());
            }
            double writtenAt = sample(c, timeline, t0, writers, applier);
            r.progress(String.format("soak: %d rows written in %.1f s; draining", writers.committedRows(), writtenAt));
            long maxTxid = maxTxid(c);
            while (!Snapshots.applied(c, "shop").visible(maxTxid)) {
                sample(c, timeline, t0, writers, applier);
                if (System.nanoTime() - t0 > DRAIN_LIMIT_NANOS + (long) (writtenAt * 1e9)) {
                    throw new IllegalStateException("soak: the applier did not catch up within 10 minutes");
                }
                TimeUnit.MILLISECONDS.sleep(SAMPLE_MILLIS);
            }
            double drainedAt = sample(c, timeline, t0, writers, applier);
            verify(c, writers, applier);
            return new Outcome(timeline, writingFrom, warmedAt(timeline, writingFrom, writtenAt), writtenAt,
                    drainedAt, writers.committedRows(), applier.stats().appliedRows(), partitionXids, cap,
                    JournalStorage.read(c));
        } finally {
            writers.stop();
            applier.close();
        }
    }

    private double warmedAt(SoakTimeline timeline, double from, double to) {
        double warm = Math.max(timeline.whenWritten(p.soakRows() * WARM_UP_PERCENT / 100), from + WARM_UP_SECONDS);
        return Math.min(warm, from + (to - from) / 5);
    }

    /**
     * Sets the cap to an eighth of what the soak will write, at the journal's bytes per row so far (once a
     * partition's worth is written, far below the cap: nothing could have been removed by size before). Returns it.
     */
    private long capFromSize(Connection c, long rowsSoFar) throws SQLException {
        long bytes = journalBytes(c);
        long cap = (long) ((double) bytes / rowsSoFar * p.soakRows() / PER_CAP);
        RetentionPolicy.setDatabase(c, null, cap, null, null, null, Set.of());
        r.progress(String.format("soak: %.0f journal bytes per row after %d rows; cap set to %.1f MB",
                (double) bytes / rowsSoFar, rowsSoFar, cap / 1e6));
        return cap;
    }

    /** Records one sample; returns its time in seconds since {@code t0}. */
    private static double sample(Connection c, SoakTimeline timeline, long t0, SoakWriters writers, Applier applier)
            throws SQLException {
        if (applier.state() == ApplierState.HALTED) {
            throw new IllegalStateException("soak: the applier halted: " + applier.haltedReason());
        }
        long written = writers.committedRows();
        long applied = applier.stats().appliedRows();
        long bytes = journalBytes(c);
        double seconds = (System.nanoTime() - t0) / 1e9;
        timeline.add(new SoakTimeline.Sample(seconds, written, applied, bytes));
        return seconds;
    }

    /**
     * The journal's size as {@code tandem status} reads it. A partition dropped by maintenance while it is being
     * read makes the read fail (the table is gone); the next try finds the partitions as they are now.
     */
    private static long journalBytes(Connection c) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return JournalStorage.read(c).bytes();
            } catch (SQLException e) {
                if (!"42P01".equals(e.getSQLState()) || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private static long maxTxid(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT max(txid)::text FROM tandem.journal WHERE app = 'shop'")) {
            rs.next();
            return Long.parseLong(rs.getString(1));
        }
    }

    /** Every row written was applied once, none rejected, and the table holds exactly the customers left. */
    private static void verify(Connection c, SoakWriters writers, Applier applier) throws SQLException {
        long customers;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM customer")) {
            rs.next();
            customers = rs.getLong(1);
        }
        if (applier.stats().appliedRows() != writers.committedRows() || applier.stats().rejectedTransactions() != 0
                || customers != writers.expectedCustomers()) {
            throw new IllegalStateException("soak: " + writers.committedRows() + " rows written, "
                    + applier.stats().appliedRows() + " applied, " + applier.stats().rejectedTransactions()
                    + " transactions rejected; " + customers + " customers, " + writers.expectedCustomers() + " expected");
        }
    }

    private void report(Outcome o) {
        SoakTimeline t = o.timeline();
        double tenth = (o.writtenAt() - o.warmedAt()) / 10;
        double[] writes = {t.writesPerSecond(o.warmedAt(), o.warmedAt() + tenth),
                t.writesPerSecond(o.writtenAt() - tenth, o.writtenAt())};
        double[] applied = {t.appliedPerSecond(o.warmedAt(), o.warmedAt() + tenth),
                t.appliedPerSecond(o.writtenAt() - tenth, o.writtenAt())};
        double bytesRatio = (double) t.maxJournalBytes() / o.cap();
        r.progress(String.format("soak: journal max %.1f MB / cap %.1f MB = %.2f; writes last/first %.3f, applier"
                        + " last/first %.3f", t.maxJournalBytes() / 1e6, o.cap() / 1e6, bytesRatio,
                writes[1] / writes[0], applied[1] / applied[0]));
        describe(o);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("tenths", tenths(o, tenth));
        summary(o, bytesRatio);
        json.put("rows_written", o.written());
        json.put("rows_applied", o.applied());
        json.put("writers", WRITERS);
        json.put("warm_up_seconds", Stats.round(o.warmedAt() - o.writingFrom()));
        json.put("write_seconds", Stats.round(o.writtenAt() - o.writingFrom()));
        json.put("drain_seconds", Stats.round(o.drainedAt() - o.writtenAt()));
        json.put("journal_bytes_max", t.maxJournalBytes());
        json.put("journal_bytes_retention_window", o.cap());
        json.put("partition_xids", o.partitionXids());
        json.put("removed_partitions", o.end().removedPartitions());
        json.put("removed_rows", o.end().removedRows());
        json.put("removed_bytes", o.end().removedBytes());
        json.put("writes_per_s_first_tenth", Stats.round(writes[0]));
        json.put("writes_per_s_last_tenth", Stats.round(writes[1]));
        json.put("applied_per_s_first_tenth", Stats.round(applied[0]));
        json.put("applied_per_s_last_tenth", Stats.round(applied[1]));
        r.put("soak", json);
        r.put("journal_bytes_max/journal_bytes_retention_window", Stats.round(bytesRatio));
        r.put("soak_write_ratio_last_first", Stats.round(writes[1] / writes[0]));
        r.put("soak_applier_ratio_last_first", Stats.round(applied[1] / applied[0]));
    }

    private void summary(Outcome o, double bytesRatio) {
        JournalStorage end = o.end();
        r.line(String.format("Journal: at most %.1f MB against a cap of %.1f MB (**%.2f×**); %d partitions of %d"
                        + " transaction ids removed by retention (%d rows, %.1f MB); at the end %d partitions attached,"
                        + " %.1f MB, overflow partition %s, retention %s. Writing took %.1f s, the applier caught up"
                        + " %.1f s after the last commit.", o.timeline().maxJournalBytes() / 1e6, o.cap() / 1e6,
                        bytesRatio, end.removedPartitions(), o.partitionXids(), end.removedRows(),
                        end.removedBytes() / 1e6, end.partitions(), end.bytes() / 1e6,
                        end.overflowInUse() ? "**used**" : "unused",
                        end.heldBack() == null ? "held back by nothing" : "held back: " + end.heldBack(),
                        o.writtenAt() - o.writingFrom(), o.drainedAt() - o.writtenAt()))
                .line("");
    }

    private void describe(Outcome o) {
        r.line("## Soak: retention under a long write load").line("")
                .line(String.format("%d closed-loop writers commit %d journal rows of the shop's v1 `customer` (%d-row"
                        + " transactions through `JournalWriter`, one batch each: 4 inserts, 2 email updates of the"
                        + " customers created in the thread's previous transaction, 4 deletes of those created 1000"
                        + " transactions before, so the customer table stays at a fixed size and only the journal"
                        + " grows), connected as a login that is a member of `shop_v1_app` only. The applier runs"
                        + " throughout (default config, `journalMaintenance` every %d s). Retention by size: keep left"
                        + " at its default (24 h, so age never removes anything here), `partition_xids` = %d (an"
                        + " eighth of the cap's worth of transactions), `max_bytes` = an eighth of what the soak"
                        + " writes, computed from the journal's bytes per row once %d rows were written (%.1f MB);"
                        + " that cap is the retention window. The journal's size (`JournalStorage.read(...).bytes()`,"
                        + " indexes included) and the rows written and applied are sampled every %d ms. Tenths are of"
                        + " the writing time after a warm-up (JIT, caches: the first %d %% of the rows or %.0f s,"
                        + " whichever is longer; here %.1f s); rates are interpolated between samples; `behind` = rows"
                        + " written but not yet applied at the tenth's end.",
                        WRITERS, o.written(), SoakWriters.ROWS_PER_TX, MAINTENANCE.toSeconds(), o.partitionXids(),
                        p.soakRows() / PER_CAP / PER_CAP, o.cap() / 1e6, SAMPLE_MILLIS, WARM_UP_PERCENT, WARM_UP_SECONDS,
                        o.warmedAt() - o.writingFrom()))
                .line("");
    }

    /** The table of tenths; returns the same figures for results.json. */
    private List<Map<String, Object>> tenths(Outcome o, double tenth) {
        SoakTimeline t = o.timeline();
        r.line("| tenth | writes rows/s | applied rows/s | journal MB (max) | behind (rows) |")
                .line("|---|---|---|---|---|");
        List<Map<String, Object>> json = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            double from = o.warmedAt() + i * tenth;
            double to = i == 9 ? o.writtenAt() : from + tenth;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("writes_per_s", Stats.round(t.writesPerSecond(from, to)));
            m.put("applied_per_s", Stats.round(t.appliedPerSecond(from, to)));
            m.put("journal_bytes_max", t.maxJournalBytes(from, to));
            m.put("behind_rows", Math.round(t.behind(to)));
            json.add(m);
            r.line(String.format("| %d | %.0f | %.0f | %.1f | %d |", i + 1, t.writesPerSecond(from, to),
                    t.appliedPerSecond(from, to), t.maxJournalBytes(from, to) / 1e6, Math.round(t.behind(to))));
        }
        r.line("");
        return json;
    }
}
