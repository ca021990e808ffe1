package io.tandem.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.applier.ApplierStatus;
import io.tandem.core.db.ApplierState;
import io.tandem.core.definitions.Release;
import io.tandem.core.journal.JournalEntry;
import io.tandem.core.journal.JournalWriter;
import io.tandem.views.Migrator;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Failover: a leading applier in its own JVM is killed ({@code kill -9}) while writers keep writing; a standby in
 * this JVM, already waiting for the lead, takes over. Measured from the kill to the standby leading, and to the first
 * row it applies — what a writer waiting on a fence sees of the leader's death. Target: the first row within 1 s.
 */
final class FailoverBench {
    private static final String DB = "bench_failover";
    private static final int WRITERS = 2;
    private static final long SAFETY_NANOS = TimeUnit.SECONDS.toNanos(60);
    private final Pg pg;
    private final Params p;
    private final Results r;
    private final AtomicLong ids = new AtomicLong(1);

    FailoverBench(Pg pg, Params p, Results r) {
        this.pg = pg;
        this.p = p;
        this.r = r;
    }

    /** The leader's JVM: {@code url app}; leads as {@code leader-<pid>} until killed. */
    public static void main(String[] args) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[0]);
        config.setMaximumPoolSize(6);
        Applier.start(new ApplierConfig(new HikariDataSource(config), args[1])
                .leaderName("leader-" + ProcessHandle.current().pid()));
        Thread.sleep(Long.MAX_VALUE);
    }

    void run() throws Exception {
        pg.create(DB);
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        try {
            DataSource ds = pg.pool(DB, WRITERS + 2);
            Release release = Release.load(p.release1());
            new Migrator(ds).migrate(release);
            JournalWriter writer = new JournalWriter(release.versions());
            List<java.util.concurrent.Future<?>> running = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                running.add(writers.submit(() -> write(ds, writer, stop)));
            }
            List<Double> takeover = new ArrayList<>();
            List<Double> firstApply = new ArrayList<>();
            for (int round = 0; round < p.failoverRounds(); round++) {
                double[] ms = round(ds);
                takeover.add(ms[0]);
                firstApply.add(ms[1]);
            }
            stop.set(true);
            for (java.util.concurrent.Future<?> f : running) {
                f.get(30, TimeUnit.SECONDS);
            }
            report(takeover, firstApply);
        } finally {
            stop.set(true);
            writers.shutdownNow();
            pg.closePools();
            pg.drop(DB);
        }
    }

    /** One kill: {takeover ms, first apply ms}. */
    private double[] round(DataSource ds) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process leader = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                FailoverBench.class.getName(), pg.urlFor(DB), "shop")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String name = "leader-" + leader.pid();
            await(() -> {
                ApplierStatus s = status(ds);
                return name.equals(s.leader()) && s.state() == ApplierState.RUNNING && s.pending() < 50;
            }, "the leader process leads and keeps up");
            try (Applier standby = Applier.start(new ApplierConfig(pg.pool(DB, 6), "shop").leaderName("standby"))) {
                await(() -> standby.state() == ApplierState.STANDBY && standby.stats().leadRefusals() >= 1,
                        "the standby waits for the lead");
                long applied = standby.stats().appliedRows();
                long killed = System.nanoTime();
                leader.destroyForcibly();
                long leads = 0;
                while (standby.stats().appliedRows() == applied) {
                    if (leads == 0 && standby.state() == ApplierState.RUNNING) {
                        leads = System.nanoTime();
                    }
                    if (System.nanoTime() - killed > SAFETY_NANOS) {
                        throw new IllegalStateException("the standby applied nothing within 60 s of the leader's death");
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
                long first = System.nanoTime();
                return new double[]{((leads == 0 ? first : leads) - killed) / 1e6, (first - killed) / 1e6};
            }
        } finally {
            leader.destroyForcibly();
            leader.waitFor();
        }
    }

    private void write(DataSource ds, JournalWriter writer, AtomicBoolean stop) {
        while (!stop.get()) {
            long id = ids.getAndIncrement();
            try (Connection c = ds.getConnection()) {
                writer.append(c, List.of(JournalEntry.insert("shop", 1, "customer", Map.of("id", id),
                        Map.of("id", id, "full_name", "Failover " + id, "email", "f" + id + "@example.com"))));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    private void report(List<Double> takeover, List<Double> firstApply) {
        r.line("## Failover: a leader killed, its standby applying").line("")
                .line("A leading applier in its own JVM is killed with `kill -9` while " + WRITERS + " writers append"
                        + " one-customer transactions (~" + (500 * WRITERS) + "/s); a standby in the bench JVM,"
                        + " already waiting in the leader lock's queue, takes over. Measured from the kill to the"
                        + " standby leading and to the first row it applies (polled every 1 ms). "
                        + p.failoverRounds() + " kill(s). Target: first row within 1000 ms.")
                .line("")
                .line("| | median ms | max ms |")
                .line("|---|---|---|")
                .line(String.format("| kill → standby leads | %.0f | %.0f |", Stats.median(takeover),
                        takeover.stream().mapToDouble(Double::doubleValue).max().orElse(0)))
                .line(String.format("| kill → first row applied | %.0f | %.0f |", Stats.median(firstApply),
                        firstApply.stream().mapToDouble(Double::doubleValue).max().orElse(0)))
                .line("");
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("takeover_ms", takeover);
        json.put("first_apply_ms", firstApply);
        r.put("failover", json);
        r.put("failover_first_apply_ms_max", Stats.round(firstApply.stream().mapToDouble(Double::doubleValue)
                .max().orElse(0)));
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void await(Check check, String what) throws Exception {
        long start = System.nanoTime();
        while (!check.ok()) {
            if (System.nanoTime() - start > SAFETY_NANOS) {
                throw new IllegalStateException("failover benchmark: gave up waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static ApplierStatus status(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection()) {
            return ApplierStatus.read(c, "shop");
        }
    }
}
