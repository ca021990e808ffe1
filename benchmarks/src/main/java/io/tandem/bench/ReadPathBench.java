package io.tandem.bench;

import io.tandem.core.definitions.Release;
import io.tandem.views.Migrator;

import javax.sql.DataSource;
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
import java.util.concurrent.atomic.AtomicReference;

/**
 * Read path: queries through the generated version views vs the same queries written by hand against the physical
 * tables, on the shop after release 3 (a view-generator fixture whose customer views join customer_contact).
 * Closed loop, 2 threads (one per core), each case view and hand-written alternating, several rounds.
 */
final class ReadPathBench {
    private static final String DB = "bench_read";
    private static final int THREADS = 2;
    private static final String HAND_PATH = "public";
    private final Pg pg;
    private final Params p;
    private final Results r;

    private static final String KEY = " WHERE id = ?";
    private static final String RANGE = " WHERE id BETWEEN ? AND ? ORDER BY id";
    /** The write an "after writing" case begins with; each reader thread updates its own row (id = thread + 1). */
    private static final String WRITE_CUSTOMER = "UPDATE customer SET phone = '+15550000' WHERE id = ?";
    private static final String WRITE_ORDER = "UPDATE orders SET status = 'paid' WHERE id = ?";

    /**
     * One query, through the views (unqualified, on {@code viewPath}) and by hand (on {@code public}). App cases
     * read as a transaction that has written nothing reads: the search_path the Hibernate integration sets, plain
     * views first. Overlay cases read the views a transaction reads after its first write, inside a transaction that
     * first ran {@code write} (through the views on the view side — on the same path, so that the write trigger moves
     * the transaction onto the overlay as it does an app's — on the physical table on the hand-written side, rolled
     * back after the measurement); they are reported but not part of {@code read_path_ratio}.
     */
    record Case(String name, boolean join, boolean range, boolean headline, String viewPath, String viewSql,
                String handSql, int keySpace, String write) {
        static Case app(String name, boolean join, String viewSchema, String viewSql, String handSql, int keySpace) {
            return new Case(name, join, viewSql.endsWith(RANGE), true, viewSchema + "_plain, " + viewSchema + ", public",
                    viewSql, handSql, keySpace, null);
        }

        static Case afterWrite(String name, String write, String viewSchema, String viewSql, String handSql,
                               int keySpace) {
            return new Case(name, true, viewSql.endsWith(RANGE), false, viewSchema + "_plain, " + viewSchema
                    + ", public", viewSql, handSql, keySpace, write);
        }
    }

    ReadPathBench(Pg pg, Params p, Results r) {
        this.pg = pg;
        this.p = p;
        this.r = r;
    }

    void run() throws Exception {
        pg.create(DB);
        try {
            DataSource ds = pg.pool(DB, THREADS + 2);
            for (var release : List.of(p.release1(), p.release2(), p.release3())) {
                // The fixture is set up on empty tables: in place (an online release would keep previous tables).
                new Migrator(ds).mode(Migrator.Mode.IN_PLACE).migrate(Release.load(release));
            }
            int customers = p.readCustomers();
            int orders = p.readOrders();
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO customer (id, first_name, last_name, phone) SELECT g, 'First' || g, 'Last' || g,"
                        + " '+1555' || g FROM generate_series(1, " + customers + ") g");
                s.execute("INSERT INTO customer_contact (customer_id, email) SELECT g, 'c' || g || '@example.org'"
                        + " FROM generate_series(1, " + customers + ") g");
                s.execute("INSERT INTO orders (id, customer_id, total, status, placed_at) SELECT g, 1 + g % " + customers
                        + ", (g % 1000) + 0.99, 'new', now() - g * interval '1 second' FROM generate_series(1, " + orders + ") g");
                s.execute("VACUUM ANALYZE customer");
                s.execute("VACUUM ANALYZE customer_contact");
                s.execute("VACUUM ANALYZE orders");
            }
            String v2cust = "c.id, c.first_name, c.last_name, cc.email, c.phone FROM customer c JOIN customer_contact cc ON cc.customer_id = c.id";
            String v1cust = "c.id, concat_ws(' ', c.first_name, nullif(c.last_name, '')) AS full_name, cc.email FROM customer c"
                    + " JOIN customer_contact cc ON cc.customer_id = c.id";
            String ord = "o.id, o.customer_id, o.total, o.status, o.placed_at FROM orders o";
            String v2c = "SELECT id, first_name, last_name, email, phone FROM customer";
            String v1c = "SELECT id, full_name, email FROM customer";
            String v2o = "SELECT id, customer_id, total, status, placed_at FROM orders";
            List<Case> cases = List.of(
                    Case.app("plain view shop_v2.orders, key", false, "shop_v2", v2o + KEY,
                            "SELECT " + ord + " WHERE o.id = ?", orders),
                    Case.app("plain view shop_v2.orders, 100-row range", false, "shop_v2", v2o + RANGE,
                            "SELECT " + ord + " WHERE o.id BETWEEN ? AND ? ORDER BY o.id", orders),
                    Case.app("join view shop_v2.customer, key", true, "shop_v2", v2c + KEY,
                            "SELECT " + v2cust + " WHERE c.id = ?", customers),
                    Case.app("join view shop_v2.customer, 100-row range", true, "shop_v2", v2c + RANGE,
                            "SELECT " + v2cust + " WHERE c.id BETWEEN ? AND ? ORDER BY c.id", customers),
                    Case.app("join view shop_v1.customer (expression), key", true, "shop_v1", v1c + KEY,
                            "SELECT " + v1cust + " WHERE c.id = ?", customers),
                    Case.app("join view shop_v1.customer (expression), 100-row range", true, "shop_v1", v1c + RANGE,
                            "SELECT " + v1cust + " WHERE c.id BETWEEN ? AND ? ORDER BY c.id", customers),
                    Case.afterWrite("after writing a customer: overlay view shop_v2.orders, 100-row range",
                            WRITE_CUSTOMER, "shop_v2", v2o + RANGE,
                            "SELECT " + ord + " WHERE o.id BETWEEN ? AND ? ORDER BY o.id", orders),
                    Case.afterWrite("after writing a customer: overlay view shop_v2.customer, key",
                            WRITE_CUSTOMER, "shop_v2", v2c + KEY, "SELECT " + v2cust + " WHERE c.id = ?", customers),
                    Case.afterWrite("after writing an order: overlay view shop_v2.orders, 100-row range",
                            WRITE_ORDER, "shop_v2", v2o + RANGE,
                            "SELECT " + ord + " WHERE o.id BETWEEN ? AND ? ORDER BY o.id", orders));
            r.line("## Read path").line("")
                    .line("The shop after release 3 (view-generator fixture: customer's email moved to `customer_contact`,"
                            + " so both versions' customer views join): " + customers + " customers, " + orders + " orders,"
                            + " analyzed. Queries per second, closed loop, " + THREADS + " threads, prepared statements,"
                            + " every row read; through the views as a transaction that has written nothing reads them"
                            + " (unqualified names on the search_path the Hibernate integration sets, plain views first:"
                            + " `shop_v2_plain, shop_v2, public`) vs the same query written by hand on the physical tables;"
                            + " the rows \"after writing\" read the views a transaction reads after its first write (the"
                            + " overlay of its own journal rows), in a transaction that first updated a row of the entity"
                            + " named, one row per thread (`" + WRITE_CUSTOMER + "`, `" + WRITE_ORDER + "`: through the"
                            + " view on the same search_path, whose trigger moves the transaction onto the overlay views,"
                            + " checked before measuring, and on the physical table for the hand-written side; rolled back"
                            + " after each measurement), not part of"
                            + " `read_path_ratio`;"
                            + " " + p.readRounds() + " rounds of " + p.readSeconds() + " s per side, alternating. Median (min–max).")
                    .line("")
                    .line("| query | view q/s | hand-written q/s | view/hand |")
                    .line("|---|---|---|---|");
            Map<String, Object> json = new LinkedHashMap<>();
            double worstJoin = Double.MAX_VALUE;
            double worstOverlay = Double.MAX_VALUE;
            for (Case k : cases) {
                List<Double> view = new ArrayList<>();
                List<Double> hand = new ArrayList<>();
                List<Double> ratio = new ArrayList<>();
                measure(ds, k.viewPath(), k.viewSql(), k, Math.min(0.3, p.readSeconds()));
                measure(ds, HAND_PATH, k.handSql(), k, Math.min(0.3, p.readSeconds()));
                for (int round = 0; round < p.readRounds(); round++) {
                    double v;
                    double h;
                    if (round % 2 == 0) {
                        v = measure(ds, k.viewPath(), k.viewSql(), k, p.readSeconds());
                        h = measure(ds, HAND_PATH, k.handSql(), k, p.readSeconds());
                    } else {
                        h = measure(ds, HAND_PATH, k.handSql(), k, p.readSeconds());
                        v = measure(ds, k.viewPath(), k.viewSql(), k, p.readSeconds());
                    }
                    view.add(v);
                    hand.add(h);
                    ratio.add(v / h);
                }
                double median = Stats.median(ratio);
                if (k.join() && k.headline()) {
                    worstJoin = Math.min(worstJoin, median);
                }
                if (!k.headline()) {
                    worstOverlay = Math.min(worstOverlay, median);
                }
                r.line("| " + k.name() + " | " + Stats.spread(view, "%.0f") + " | " + Stats.spread(hand, "%.0f") + " | "
                        + Stats.spread(ratio, "%.3f") + " |");
                r.progress(String.format("read %s: view/hand %.3f", k.name(), median));
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("view_q_per_s", Stats.summary(view));
                m.put("hand_q_per_s", Stats.summary(hand));
                m.put("view/hand", Stats.summary(ratio));
                json.put(k.name(), m);
            }
            r.line("");
            r.put("read_path", json);
            r.put("read_path_ratio", Stats.round(worstJoin));
            r.put("overlay_read_ratio", Stats.round(worstOverlay));
        } finally {
            pg.closePools();
            pg.drop(DB);
        }
    }

    private double measure(DataSource ds, String searchPath, String sql, Case k, double seconds) throws Exception {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long[] counts = new long[THREADS];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < THREADS; t++) {
            int slot = t;
            Thread th = new Thread(() -> {
                try (Connection c = ds.getConnection()) {
                    try (Statement set = c.createStatement()) {
                        set.execute("SET search_path TO " + searchPath);
                    }
                    if (k.write() != null) {
                        c.setAutoCommit(false);
                        try (PreparedStatement write = c.prepareStatement(k.write())) {
                            write.setLong(1, slot + 1);
                            write.executeUpdate();
                        }
                        if (!searchPath.equals(HAND_PATH)) {
                            requireOverlay(c, k);
                        }
                    }
                    try {
                        counts[slot] = loop(c, sql, k, deadline);
                    } finally {
                        if (k.write() != null) {
                            c.rollback();
                            c.setAutoCommit(true);
                        }
                    }
                } catch (SQLException | RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }, "reader-" + t);
            threads.add(th);
            th.start();
        }
        long total = 0;
        for (int t = 0; t < THREADS; t++) {
            threads.get(t).join();
            total += counts[t];
        }
        if (failure.get() != null) {
            throw new IllegalStateException("read path failed: " + failure.get(), failure.get());
        }
        return total / ((System.nanoTime() - start) / 1e9);
    }

    /** Checks that the write moved the transaction onto the overlay views, as it does an app's transaction. */
    private static void requireOverlay(Connection c, Case k) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (pg_catalog.current_schemas(false))[1]")) {
            rs.next();
            if (rs.getString(1).endsWith("_plain")) {
                throw new IllegalStateException(k.name() + ": the write left the transaction on the plain views");
            }
        }
    }

    /** Runs {@code sql} with random keys until {@code deadline}; returns how many queries ran. */
    private static long loop(Connection c, String sql, Case k, long deadline) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            long n = 0;
            int expected = k.range() ? 100 : 1;
            while (System.nanoTime() < deadline) {
                long first = 1 + ThreadLocalRandom.current().nextLong(k.keySpace() - 100);
                s.setLong(1, first);
                if (k.range()) {
                    s.setLong(2, first + 99);
                }
                int rows = 0;
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        rs.getString(2);
                        rows++;
                    }
                }
                if (rows != expected) {
                    throw new IllegalStateException(sql + " returned " + rows + " rows, expected " + expected);
                }
                n++;
            }
            return n;
        }
    }
}
