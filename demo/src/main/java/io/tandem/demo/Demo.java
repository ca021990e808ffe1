package io.tandem.demo;

import com.zaxxer.hikari.HikariDataSource;
import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.core.TandemException;
import io.tandem.core.db.TrackRow;
import io.tandem.core.definitions.Release;
import io.tandem.views.MigrationReport;
import io.tandem.views.Migrator;
import io.tandem.views.ReleaseControl;
import io.tandem.views.Retirer;
import io.tandem.views.ViewGenerator;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * {@code tandem demo}: a live zero-downtime release of the example shop, verified.
 *
 * <ol>
 *   <li>release 1 of the shop ({@code tandem migrate}), seeded with {@code rows} customers; the applier starts;</li>
 *   <li><b>v1</b>: version 1 writers — the Hibernate example app — create, rename, re-email, delete and read
 *       customers;</li>
 *   <li><b>release</b>: release 2 — the physical {@code full_name} is split into {@code first_name}/{@code last_name},
 *       v1 is remapped, v2 (with a phone) is added — while the v1 writers go on;</li>
 *   <li><b>v1+v2</b>: version 2 writers join; both versions' views are compared with the model of every
 *       acknowledged write, then v1's writers stop and version 1 is retired;</li>
 *   <li><b>v2</b>: version 2 alone; the journal is drained, and the physical table and v2's views are compared
 *       with the model once more.</li>
 * </ol>
 */
public final class Demo {
    private final DemoConfig config;
    private final Consumer<String> out;
    private final boolean terminal;
    private final AtomicReference<PhaseMeter> meter = new AtomicReference<>(new PhaseMeter("v1"));
    private final List<PhaseReport> phases = new ArrayList<>();

    private Demo(DemoConfig config, Consumer<String> out, boolean terminal) {
        this.config = config;
        this.out = out;
        this.terminal = terminal;
    }

    /**
     * Runs the demo, writing progress to {@code out} (one line in place when {@code terminal}).
     *
     * @return the report; {@link DemoReport#ok()} is false if anything was lost, duplicated or failed
     */
    public static DemoReport run(DemoConfig config, Consumer<String> out, boolean terminal) throws Exception {
        return new Demo(config, out, terminal).run();
    }

    private DemoReport run() throws Exception {
        Release release1 = Release.load(config.schemas().resolve("releases/1/shop"));
        Release release2 = Release.load(config.schemas().resolve("shop"));
        try (DemoDatabase db = DemoDatabase.open(config)) {
            say("Running on " + db.describe());
            HikariDataSource admin = db.pool("admin", 10);
            say("Release 1 of the shop, " + config.rows() + " customers");
            migrate(admin, release1);
            Model model = seed(admin);
            try (Applier applier = Applier.start(new ApplierConfig(db.pool("applier", 8), "shop").installSchema(false));
                 LagProbe lag = new LagProbe(db.pool("lag", 1))) {
                return live(db, admin, model, lag, release1, release2);
            }
        }
    }

    private DemoReport live(DemoDatabase db, HikariDataSource admin, Model model, LagProbe lag, Release release1,
                            Release release2) throws Exception {
        ShopClient v1 = ShopClient.open(1, db, config.writers() + 2);
        AtomicBoolean stopV1 = new AtomicBoolean();
        AtomicBoolean stopV2 = new AtomicBoolean();
        ExecutorService threads = Executors.newCachedThreadPool();
        List<ShopClient> clients = new ArrayList<>(List.of(v1));
        Verifier verifier = new Verifier(admin, model);
        Verifier.Result beforeRetire;
        Verifier.Result atEnd;
        try (ProgressLine progress = new ProgressLine(meter, admin, out, terminal)) {
            long warmUp = warmUpMillis();
            say("Phase warm-up: " + config.writers() + " version-1 writers for " + warmUp / 1000.0 + " s while the"
                    + " JVM compiles and the caches fill (reported as a phase of its own)");
            meter.set(new PhaseMeter("warm-up"));
            List<WriterLoop> v1Loops = writers(v1, model, lag, stopV1, 1);
            List<Future<?>> v1Writers = start(threads, v1Loops);
            sleep(warmUp);

            nextPhase("v1");
            say("Phase v1: the same writers for " + config.phase().toSeconds() + " s");
            sleep(config.phase().toMillis());

            nextPhase("release");
            say("Phase release: tandem migrate to release 2 while version 1 keeps writing");
            MigrationReport report = new Migrator(admin).progress(line -> say("  migrate: " + line)).migrate(release2);
            meter.get().pause(report.switchMillis());
            say("Released " + report.mode() + ": views held " + report.switchMillis() + " ms, applier held "
                    + report.pauseMillis() + " ms" + (report.copiedRows() > 0 ? String.format(", %,d rows copied at"
                    + " %,.0f rows/s", report.copiedRows(), report.copyRowsPerSecond()) : ""));

            nextPhase("v1+v2");
            say("Phase v1+v2: version-2 writers join");
            ShopClient v2 = ShopClient.open(2, db, config.writers() + 2);
            clients.add(v2);
            List<WriterLoop> v2Loops = writers(v2, model, lag, stopV2, 2);
            List<Future<?>> v2Writers = start(threads, v2Loops);
            sleep(config.phase().toMillis());
            stopV1.set(true);
            stopV2.set(true); // a moment's quiet, so the model is final while both versions' views are compared
            await(v1Writers);
            await(v2Writers);
            drain(admin, null);
            beforeRetire = verifier.versionOne().plus(verifier.versionTwo());
            say("Both versions' views checked against the model: " + describe(beforeRetire));
            if (new ReleaseControl(admin).status("shop").isPresent()) {
                new ReleaseControl(admin).finish("shop");
                say("Release 2 finished (tandem release finish): the previous tables, kept in step until now so it"
                        + " could be reverted, are dropped");
            }
            say("Retiring version 1");
            new Retirer(admin, new ViewGenerator()).retire("shop", 1);

            nextPhase("v2");
            stopV2.set(false);
            v2Writers = start(threads, v2Loops);
            sleep(config.phase().toMillis() / 2);
            stopV2.set(true);
            await(v2Writers);
            drain(admin, null);
        } finally {
            stopV1.set(true);
            stopV2.set(true);
            threads.shutdown();
            threads.awaitTermination(30, TimeUnit.SECONDS);
            clients.forEach(ShopClient::close);
        }
        phases.add(meter.get().report());
        if (config.sabotage()) {
            sabotage(admin);
        }
        atEnd = verifier.physical().plus(verifier.versionTwo());
        say("Physical table and version 2's views checked against the model: " + describe(atEnd));
        Verifier.Result all = beforeRetire.plus(atEnd);
        return new DemoReport(List.copyOf(phases), all.lost(), all.duplicated(),
                DemoReport.withStall(phases, all.findings()));
    }

    private List<WriterLoop> writers(ShopClient shop, Model model, LagProbe lag, AtomicBoolean stop, int version) {
        List<WriterLoop> loops = new ArrayList<>();
        for (int w = 0; w < config.writers(); w++) {
            loops.add(new WriterLoop(shop, model, w, config.writers(), meter, lag, stop::get, 31L * version + w));
        }
        return loops;
    }

    /** Runs each writer on its own thread; a writer stopped before resumes where it was when started again. */
    private static List<Future<?>> start(ExecutorService threads, List<WriterLoop> loops) {
        List<Future<?>> running = new ArrayList<>();
        loops.forEach(loop -> running.add(threads.submit(loop)));
        return running;
    }

    private MigrationReport migrate(HikariDataSource admin, Release release) {
        return new Migrator(admin).progress(line -> { }).migrate(release);
    }

    private Model seed(HikariDataSource admin) throws SQLException {
        try (Connection c = admin.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO customer (id, full_name, email) SELECT g, 'Seed' || g || ' Customer', 'seed' || g"
                        + " || '@example.com' FROM generate_series(1, ?) g")) {
            s.setInt(1, config.rows());
            s.executeUpdate();
        }
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT setval('customer_id_seq', (SELECT max(id) FROM customer))"); // the app's ids come next
        }
        return new Model(config.rows());
    }

    /**
     * A quarter of a phase, at most 5 s: the writers' first seconds run at a fraction of their speed (370 writes/s
     * in the first second, 1,700–2,100 from the eighth, on a 2-core machine) while the JIT compiles Hibernate, the
     * driver and the applier; apart, they would be averaged into the first phase's figures.
     */
    private long warmUpMillis() {
        return Math.min(5_000, config.phase().toMillis() / 4);
    }

    private void nextPhase(String name) {
        phases.add(meter.getAndSet(new PhaseMeter(name)).report());
    }

    private void drain(HikariDataSource admin, Integer version) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try (Connection c = admin.getConnection()) {
            while (TrackRow.live("shop").backlog(c, version).rows() > 0) {
                if (System.nanoTime() > deadline) {
                    throw new TandemException("The applier did not drain the journal within 120 s; see `tandem status`");
                }
                Thread.sleep(20);
            }
        }
    }

    private void sabotage(HikariDataSource admin) throws SQLException {
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM customer WHERE id = (SELECT min(id) FROM customer)");
        }
        say("Test hook: dropped one applied customer row behind Tandem's back");
    }

    private static String describe(Verifier.Result r) {
        return r.lost() == 0 && r.duplicated() == 0 ? "all match"
                : r.lost() + " lost, " + r.duplicated() + " duplicated";
    }

    private static void await(List<Future<?>> writers) throws Exception {
        for (Future<?> f : writers) {
            f.get(60, TimeUnit.SECONDS);
        }
    }

    private void say(String line) {
        out.accept((terminal ? "\r" : "") + line + "\n");
    }

    private static void sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }
}
