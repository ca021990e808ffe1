package io.tandem.bench;

import io.tandem.core.definitions.Release;
import io.tandem.views.Migrator;

import javax.sql.DataSource;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Write path: committed transactions per second of N threads each persisting k new shop v1 customers per transaction
 * with Hibernate, through the journal (the example app), directly into the physical table (the same entities and
 * settings without Tandem), and into a table carrying pgroll's trigger. Then, smaller and informative, the same
 * with plain JDBC. Variants alternate within every round (rotating which goes first), so drift in the machine or the
 * server hits all of them alike. The applier is not running: this is the writer's own cost; the applier's is
 * measured separately.
 */
final class WritePathBench {
    private static final String DB = "bench_write";
    /** Connections per pool, the same on every side: one per thread of the largest case. */
    private static final int POOL_SIZE = 8;
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
            DataSource ds = pg.pool(DB, POOL_SIZE);
            Release release1 = Release.load(p.release1());
            new Migrator(ds).migrate(release1);
            try (Connection c = ds.getConnection()) {
                PgrollTable.create(c);
            }
            try (ShopSessionFactories shop = new ShopSessionFactories(pg.urlFor(DB), POOL_SIZE)) {
                hibernate(shop);
            }
            jdbc(ds, release1);
            keyLock(ds);
        } finally {
            pg.closePools();
            pg.drop(DB);
        }
    }

    private void hibernate(ShopSessionFactories shop) throws Exception {
        List<WriteVariant> variants = List.of(new HibernateWrite("direct", shop.direct()),
                new HibernateWrite("journal", shop.journal()), new HibernateWrite("pgroll_trigger", shop.pgroll()));
        r.line("## Write path").line("")
                .line("Committed transactions/s, each persisting k new `Customer` entities of the example shop app"
                        + " (`io.tandem.examples.shop.v1`, IDENTITY ids) with Hibernate (`SessionFactory.inTransaction`,"
                        + " `persist`, commit), one HikariCP pool of " + POOL_SIZE + " per side, the app's JDBC batch"
                        + " settings on every side; " + p.writeRounds() + " rounds of " + p.writeSeconds()
                        + " s per variant, variants alternating (rotated) within each round. `journal` = the app"
                        + " `ShopV1` (`tandem.app=shop`, `tandem.version=1`, `tandem.consistency=async`): inserts into"
                        + " the `shop_v1.customer` view, whose trigger writes one journal row each; `direct` = the same"
                        + " entity classes and settings without Tandem's properties, so Hibernate inserts into release"
                        + " 1's `customer` table; `pgroll_trigger` = direct into a copy of that table with pgroll's"
                        + " BEFORE trigger filling duplicate columns (first_name/last_name from full_name). The applier"
                        + " is not running (its cost is the applier benchmark's). Median (min–max) over rounds.")
                .line("");
        header();
        Map<String, Object> json = new LinkedHashMap<>();
        for (int threads : new int[]{1, 8}) {
            for (int perTx : new int[]{1, 10}) {
                json.put("t" + threads + "_e" + perTx, cell("Hibernate", variants, threads, perTx));
            }
        }
        r.line("");
        r.put("write_path", json);
        @SuppressWarnings("unchecked")
        Map<String, Object> key = (Map<String, Object>) json.get("t8_e1");
        r.put("write_path_ratio", ((Map<?, ?>) key.get("journal/direct")).get("median"));
        @SuppressWarnings("unchecked")
        Map<String, Object> many = (Map<String, Object>) json.get("t8_e10");
        r.put("write_path_ratio_e10", ((Map<?, ?>) many.get("journal/direct")).get("median"));
    }

    /** The same comparison without Hibernate, for the headline case only: what each side costs below the ORM. */
    private void jdbc(DataSource ds, Release release1) throws Exception {
        List<WriteVariant> variants = List.of(JdbcWrites.insert("direct", ds, "customer"),
                JdbcWrites.journal(ds, release1.versions()), JdbcWrites.insert("pgroll_trigger", ds, PgrollTable.CUSTOMER));
        r.line("Informative, the same rows with plain JDBC (autocommit off, one batch per transaction): `journal` ="
                        + " `JournalWriter.append`, `direct` = `INSERT INTO customer`, `pgroll_trigger` = the same"
                        + " insert into pgroll's table; same pool, rounds and rotation.")
                .line("");
        header();
        r.put("write_path_jdbc", Map.of("t8_e1", cell("JDBC", variants, 8, 1)));
        r.line("");
    }

    /**
     * What the journal's per-key lock costs on the write path since it hashes the key's normalised values (schema
     * 11) rather than its JSON text (schema 10): two copies of the journal, identical but for that one expression in
     * their insert trigger, written alternately with plain JDBC (8 threads, 1 row per transaction).
     */
    private void keyLock(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); java.sql.Statement s = c.createStatement()) {
            for (String[] side : new String[][]{{"bench_journal_text", KEY_AS_TEXT}, {"bench_journal_values", KEY_VALUES}}) {
                // Since the journal is partitioned (schema 13) its seq has no identity (the trigger draws from a
                // sequence) and the primary key is each partition's: these copies are built like a partition.
                s.execute("CREATE TABLE " + side[0] + " (LIKE tandem.journal INCLUDING DEFAULTS INCLUDING INDEXES)");
                s.execute("ALTER TABLE " + side[0] + " ADD PRIMARY KEY (seq)");
                s.execute("CREATE SEQUENCE " + side[0] + "_seq_seq");
                s.execute("CREATE FUNCTION " + side[0] + "_before() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " PERFORM pg_catalog.pg_advisory_xact_lock(" + side[1] + ");"
                        + " NEW.seq := pg_catalog.nextval('" + side[0] + "_seq_seq'::pg_catalog.regclass);"
                        + " NEW.txid := pg_catalog.pg_current_xact_id(); RETURN NEW; END $$");
                s.execute("CREATE TRIGGER before_insert BEFORE INSERT ON " + side[0] + " FOR EACH ROW EXECUTE FUNCTION "
                        + side[0] + "_before()");
            }
        }
        WriteVariant text = JdbcWrites.journalRows("key_as_text", ds, "bench_journal_text");
        WriteVariant values = JdbcWrites.journalRows("key_values", ds, "bench_journal_values");
        measure(text, 8, 1, Math.min(0.5, p.writeSeconds()));
        measure(values, 8, 1, Math.min(0.5, p.writeSeconds()));
        List<Double> textTps = new ArrayList<>();
        List<Double> valuesTps = new ArrayList<>();
        List<Double> ratio = new ArrayList<>();
        for (int round = 0; round < p.writeRounds(); round++) {
            boolean textFirst = round % 2 == 0;
            double first = measure(textFirst ? text : values, 8, 1, p.writeSeconds())[0];
            double second = measure(textFirst ? values : text, 8, 1, p.writeSeconds())[0];
            textTps.add(textFirst ? first : second);
            valuesTps.add(textFirst ? second : first);
            ratio.add(valuesTps.get(round) / textTps.get(round));
        }
        r.line("The per-key lock's price: one journal row per transaction (8 threads, plain JDBC) into two copies of"
                        + " `tandem.journal` whose insert triggers differ only in the lock's key — the key's JSON text"
                        + " (`key_as_text`, schema 10) or its normalised values (`key_values`, schema 11, which makes"
                        + " every spelling of one row's key take one lock); same pool, rounds alternating.")
                .line("")
                .line("| key_as_text tx/s | key_values tx/s | key_values/key_as_text |")
                .line("|---|---|---|")
                .line("| " + Stats.spread(textTps, "%.0f") + " | " + Stats.spread(valuesTps, "%.0f") + " | "
                        + Stats.spread(ratio, "%.3f") + " |")
                .line("");
        r.put("write_path_key_lock", Map.of("key_as_text_tx_per_s", Stats.summary(textTps),
                "key_values_tx_per_s", Stats.summary(valuesTps), "key_values/key_as_text", Stats.summary(ratio)));
    }

    private static final String KEY_AS_TEXT = "pg_catalog.hashtextextended(NEW.app || ':' || NEW.key::text, 0)";
    /** The expression of tandem.key_lock_id, inlined as the journal's own trigger inlines it. */
    private static final String KEY_VALUES = "pg_catalog.hashtextextended(NEW.app || ':' || pg_catalog.lower("
            + "pg_catalog.replace(pg_catalog.regexp_replace(pg_catalog.regexp_replace("
            + "pg_catalog.jsonb_path_query_array(NEW.key, '$.*')::text, '(\\.[0-9]*[1-9])0+(?![0-9])', '\\1', 'g'),"
            + " '\\.0+(?![0-9])', '', 'g'), '\"', '')), 0)";

    private void header() {
        r.line("| threads | entities/tx | direct tx/s | journal tx/s | pgroll_trigger tx/s | journal/direct | pgroll/direct | journal p99 ms | direct p99 ms |")
                .line("|---|---|---|---|---|---|---|---|---|");
    }

    private Map<String, Object> cell(String label, List<WriteVariant> variants, int threads, int perTx) throws Exception {
        Map<String, List<Double>> tps = new LinkedHashMap<>();
        Map<String, List<Double>> p99 = new LinkedHashMap<>();
        variants.forEach(v -> {
            tps.put(v.name(), new ArrayList<>());
            p99.put(v.name(), new ArrayList<>());
        });
        for (WriteVariant v : variants) {
            measure(v, threads, perTx, Math.min(0.5, p.writeSeconds())); // warm-up: JIT, plan caches
        }
        List<Double> ratio = new ArrayList<>();
        List<Double> pgrollRatio = new ArrayList<>();
        for (int round = 0; round < p.writeRounds(); round++) {
            Map<String, Double> thisRound = new LinkedHashMap<>();
            for (int i = 0; i < variants.size(); i++) {
                WriteVariant v = variants.get((i + round) % variants.size());
                double[] m = measure(v, threads, perTx, p.writeSeconds());
                tps.get(v.name()).add(m[0]);
                p99.get(v.name()).add(m[1]);
                thisRound.put(v.name(), m[0]);
            }
            ratio.add(thisRound.get("journal") / thisRound.get("direct"));
            pgrollRatio.add(thisRound.get("pgroll_trigger") / thisRound.get("direct"));
        }
        r.progress(String.format("write path (%s) %d thread(s) x %d entities: direct %.0f, journal %.0f, pgroll %.0f tx/s",
                label, threads, perTx, Stats.median(tps.get("direct")), Stats.median(tps.get("journal")),
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
    private double[] measure(WriteVariant v, int threads, int perTx, double seconds) throws Exception {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        List<Thread> workers = new ArrayList<>();
        List<Stats.Samples> latencies = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Stats.Samples lat = new Stats.Samples();
            latencies.add(lat);
            Thread w = new Thread(() -> {
                try {
                    while (System.nanoTime() < deadline) {
                        long t0 = System.nanoTime();
                        v.commitCustomers(ids.getAndAdd(perTx), perTx);
                        lat.add((System.nanoTime() - t0) / 1e6);
                    }
                } catch (Exception e) {
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
