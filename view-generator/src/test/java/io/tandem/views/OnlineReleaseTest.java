package io.tandem.views;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.core.db.ReleasePhase;
import io.tandem.core.db.ReleaseState;
import io.tandem.core.db.TrackRow;
import io.tandem.core.definitions.Release;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An online release that splits a column, moves a column into a new table and changes a type (release 1 → the
 * {@code online} fixture), under writers of version 1 through the views as its app role — a fifth of their
 * transactions rolled back — and readers; then version 2 writes through its views, and the release is reverted.
 * Both versions' views equal a model of every committed write before, during and after the switch and after the
 * revert; no read fails; the live tables were never rewritten in place (the release went online).
 *
 * <p>Every update sets a value never written before: an UPDATE through a view journals only the fields whose value
 * differs from the row it matched (docs/views.md), so a writer that sets a name back to the one its view still shows
 * — an earlier value whose overwrite is committed but not applied yet — journals nothing, and the model's "last
 * committed statement wins" would not hold (these writers do not fence their commits).
 */
@PostgresTest
class OnlineReleaseTest {
    private static final int SEEDED = 300;
    private static final long SEED = 20261130L;

    @TempDir
    static Path dir;

    private final Map<Long, String> fullNames = new ConcurrentHashMap<>();
    private final Map<Long, String> emails = new ConcurrentHashMap<>();
    private final Map<Long, String> phones = new ConcurrentHashMap<>();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong rolledBack = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<String> progress = Collections.synchronizedList(new ArrayList<>());

    @Test
    void splitMoveAndRetypeOnlineUnderWritersThenRevert(TestDatabase db) throws Exception {
        new Migrator(db.dataSource()).migrate(Release.load(MigrateTest.RELEASE_1));
        Release online = Release.load(ReleaseFixture.withFixture(dir, "online"));
        login(db, "online_v1", "shop_v1_app");
        try (HikariDataSource v1 = pool(db, "online_v1");
             Applier applier = Applier.start(new ApplierConfig(db.newPool(8), "shop"))) {
            seed(v1);
            drain(db);
            ExecutorService threads = Executors.newFixedThreadPool(5);
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                int writer = w;
                running.add(threads.submit(() -> v1Writes(v1, writer)));
            }
            running.add(threads.submit(() -> v1Reads(v1)));

            Migrator.PlannedRelease plan = new Migrator(db.dataSource()).plan(online);
            assertTrue(plan.online(), String.join("\n", plan.describe()));
            assertEquals(List.of("customer", "orders"), plan.plan().built().stream()
                    .map(ReleasePlan.TableSize::table).toList());
            MigrationReport report = new Migrator(db.newPool(10)).progress(progress::add).migrate(online);
            assertEquals("online", report.mode(), String.join("\n", progress));
            assertEquals(List.of("2 split name", "3 contact table", "4 status type"), report.migrationsApplied());

            login(db, "online_v2", "shop_v2_app");
            try (HikariDataSource v2 = pool(db, "online_v2")) {
                running.add(threads.submit(() -> v2Writes(v2)));
                awaitWrites(() -> phones.size() >= 20);
                stop.set(true);
                for (Future<?> f : running) {
                    f.get(60, TimeUnit.SECONDS);
                }
                threads.shutdown();
                if (failure.get() != null) {
                    throw new AssertionError("a writer or reader failed; progress:\n" + String.join("\n", progress),
                            failure.get());
                }
                drain(db);
                assertTrue(rolledBack.get() > 0 && reads.get() > 0, "writers rolled back and readers read");
                verifyAfterSwitch(db);

                ReleaseState switched = new ReleaseControl(db.dataSource()).status("shop").orElseThrow().release();
                assertEquals(ReleasePhase.SWITCHED, switched.phase());
                assertEquals(fullNames.size(), count(db, "SELECT count(*) FROM tandem_previous_shop.customer"),
                        "the previous tables were kept in step after the switch");

                new ReleaseControl(db.dataSource()).revert("shop");
                drain(db);
                verifyAfterRevert(db);
            }
        }
    }

    private void seed(HikariDataSource v1) throws SQLException {
        try (Connection c = v1.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO shop_v1.customer (id, full_name, email) VALUES (?, ?, ?)")) {
                for (long id = 1; id <= SEEDED; id++) {
                    s.setLong(1, id);
                    s.setString(2, "First" + id + " Last" + id);
                    s.setString(3, "c" + id + "@example.com");
                    s.addBatch();
                    fullNames.put(id, "First" + id + " Last" + id);
                    emails.put(id, "c" + id + "@example.com");
                }
                s.executeBatch();
            }
            c.commit();
        }
    }

    private void v1Writes(HikariDataSource pool, int w) {
        Random random = new Random(SEED + w);
        long nextId = 10_000L * (w + 1);
        long renames = 0;
        while (!stop.get() && failure.get() == null) {
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                boolean rollback = random.nextInt(5) == 0;
                if (random.nextInt(4) == 0) {
                    long id = nextId++;
                    String name = "New" + id + " Person" + id;
                    try (PreparedStatement s = c.prepareStatement(
                            "INSERT INTO shop_v1.customer (id, full_name, email) VALUES (?, ?, ?)")) {
                        s.setLong(1, id);
                        s.setString(2, name);
                        s.setString(3, "n" + id + "@example.com");
                        s.executeUpdate();
                    }
                    if (!finish(c, rollback)) {
                        continue;
                    }
                    fullNames.put(id, name);
                    emails.put(id, "n" + id + "@example.com");
                } else {
                    long id = 1 + w + 3L * random.nextInt(SEEDED / 3); // writer w owns ids = w+1 (mod 3)
                    String name = "Renamed" + ++renames + " Van Der " + w;
                    try (PreparedStatement s = c.prepareStatement(
                            "UPDATE shop_v1.customer SET full_name = ? WHERE id = ?")) {
                        s.setString(1, name);
                        s.setLong(2, id);
                        assertEquals(1, s.executeUpdate(), "customer " + id + " is visible to its writer");
                    }
                    if (finish(c, rollback)) {
                        fullNames.put(id, name);
                    }
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }
    }

    private boolean finish(Connection c, boolean rollback) throws SQLException {
        if (rollback) {
            c.rollback();
            rolledBack.incrementAndGet();
            return false;
        }
        c.commit();
        return true;
    }

    private void v2Writes(HikariDataSource pool) {
        Random random = new Random(SEED * 7);
        long calls = 0;
        while (!stop.get() && failure.get() == null) {
            try (Connection c = pool.getConnection()) {
                long id = 1 + random.nextInt(SEEDED);
                String phone = "+1 555 " + ++calls;
                try (PreparedStatement s = c.prepareStatement("UPDATE shop_v2.customer SET phone = ? WHERE id = ?")) {
                    s.setString(1, phone);
                    s.setLong(2, id);
                    assertEquals(1, s.executeUpdate());
                }
                phones.put(id, phone);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }
    }

    private void v1Reads(HikariDataSource pool) {
        Random random = new Random(SEED * 13);
        while (!stop.get() && failure.get() == null) {
            try (Connection c = pool.getConnection();
                 PreparedStatement s = c.prepareStatement("SELECT full_name FROM shop_v1.customer WHERE id = ?")) {
                s.setLong(1, 1 + random.nextInt(SEEDED));
                try (ResultSet rs = s.executeQuery()) {
                    assertTrue(rs.next(), "a seeded customer is always visible through shop_v1");
                }
                reads.incrementAndGet();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }
    }

    private void verifyAfterSwitch(TestDatabase db) throws SQLException {
        verifyV1(db);
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT phone FROM shop_v2.customer WHERE id = ?")) {
            for (Map.Entry<Long, String> e : phones.entrySet()) {
                s.setLong(1, e.getKey());
                try (ResultSet rs = s.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(e.getValue(), rs.getString(1), "phone of " + e.getKey());
                }
            }
        }
        assertEquals(fullNames.size(), count(db, "SELECT count(*) FROM customer_contact"), "emails moved");
        assertEquals("character varying", text(db, "SELECT data_type FROM information_schema.columns"
                + " WHERE table_schema = 'public' AND table_name = 'orders' AND column_name = 'status'"));
    }

    private void verifyAfterRevert(TestDatabase db) throws SQLException {
        verifyV1(db);
        assertEquals("full_name", text(db, "SELECT column_name FROM information_schema.columns"
                + " WHERE table_schema = 'public' AND table_name = 'customer' AND column_name = 'full_name'"));
        assertFalse(exists(db, "SELECT 1 FROM pg_namespace WHERE nspname LIKE 'tandem\\_%\\_shop'"),
                "no build, previous or reverted schema is left");
        assertFalse(exists(db, "SELECT 1 FROM tandem.releases"), "the release is over");
        assertEquals(fullNames.size(), count(db, "SELECT count(*) FROM shop_v2.customer"),
                "version 2 reads the previous tables through its previous mapping");
    }

    private void verifyV1(TestDatabase db) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT full_name, email FROM shop_v1.customer WHERE id = ?")) {
            for (Map.Entry<Long, String> e : fullNames.entrySet()) {
                s.setLong(1, e.getKey());
                try (ResultSet rs = s.executeQuery()) {
                    assertTrue(rs.next(), "customer " + e.getKey() + " lost");
                    assertEquals(e.getValue(), rs.getString(1), () -> "full_name of " + e.getKey() + "; " + history(db, e.getKey()));
                    assertEquals(emails.get(e.getKey()), rs.getString(2), "email of " + e.getKey());
                }
            }
        }
        assertEquals(fullNames.size(), count(db, "SELECT count(*) FROM shop_v1.customer"), "no customer duplicated");
    }

    /** The journal rows of customer {@code id}, for a failure message. */
    private static String history(TestDatabase db, long id) {
        StringBuilder out = new StringBuilder("its journal rows:");
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("SELECT seq, txid, app_version, op,"
                + " data FROM tandem.journal WHERE app = 'shop' AND entity = 'customer' AND (key->>'id')::bigint = ?"
                + " ORDER BY seq")) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.append("\n  seq ").append(rs.getLong(1)).append(", tx ").append(rs.getString(2)).append(", v")
                            .append(rs.getInt(3)).append(' ').append(rs.getString(4)).append(' ').append(rs.getString(5));
                }
            }
        } catch (SQLException e) {
            out.append(" unreadable: ").append(e.getMessage());
        }
        return out.toString();
    }

    private void awaitWrites(java.util.function.BooleanSupplier done) throws InterruptedException {
        while (!done.getAsBoolean() && failure.get() == null) {
            Thread.sleep(10);
        }
    }

    static void login(TestDatabase db, String user, String role) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + user + " LOGIN PASSWORD 'secret' IN ROLE " + role);
        }
    }

    static HikariDataSource pool(TestDatabase db, String user) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.jdbcUrl());
        config.setUsername(user);
        config.setPassword("secret");
        config.setMaximumPoolSize(6);
        return new HikariDataSource(config);
    }

    /** Waits until both the live applier and the release track (if a release is in progress) are caught up. */
    static void drain(TestDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            while (TrackRow.live("shop").backlog(c, null).rows() > 0 || TrackRow.release("shop").behindLive(c) > 0) {
                Thread.sleep(20);
            }
        }
    }

    static long count(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String text(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static boolean exists(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next();
        }
    }
}
