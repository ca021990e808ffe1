package io.tandem.views;

import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.core.db.TrackRow;
import io.tandem.core.definitions.Release;
import io.tandem.core.definitions.VersionDefinition;
import io.tandem.core.journal.JournalEntry;
import io.tandem.core.journal.JournalWriter;
import io.tandem.testing.Await;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
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
import javax.sql.DataSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The release step under load: v1 writers and readers run while {@code migrate} goes from release 1 to release 2
 * (which rewrites the customer table), then v2 writers join. Every acknowledged write ends up in the physical
 * tables, v1's renames never clobber v2's phones, both versions' views agree on every row whenever both exist,
 * and no reader query fails at any point.
 */
@PostgresTest
class OnlineMigrationTest {
    private static final int SEEDED = 200;
    private static final long SEED = 20261122L;

    private final Map<Long, String> fullNames = new ConcurrentHashMap<>();
    private final Map<Long, String> emails = new ConcurrentHashMap<>();
    private final Map<Long, String> phones = new ConcurrentHashMap<>();
    private final AtomicLong readerQueries = new AtomicLong();
    private final AtomicLong comparedReads = new AtomicLong();
    private final AtomicLong v1Committed = new AtomicLong();
    private final AtomicLong v2Committed = new AtomicLong();
    private final AtomicLong disagreements = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();

    @Test
    void writersAndReadersOfBothVersionsGoOnThroughTheRelease(TestDatabase db) throws Exception {
        new Migrator(db.dataSource()).migrate(Release.load(MigrateTest.RELEASE_1));
        Release r2 = Release.load(MigrateTest.RELEASE_2);
        VersionDefinition v1 = Release.load(MigrateTest.RELEASE_1).version(1);
        JournalWriter v1Writer = new JournalWriter(List.of(v1));
        JournalWriter v2Writer = new JournalWriter(List.of(r2.version(2)));
        DataSource pool = db.newPool(12);
        try (Applier applier = Applier.start(new ApplierConfig(db.newPool(8), "shop"))) {
            List<JournalEntry> seed = new ArrayList<>();
            for (long id = 1; id <= SEEDED; id++) {
                seed.add(JournalEntry.insert("shop", 1, "customer", Map.of("id", id),
                        Map.of("id", id, "full_name", "First" + id + " Last" + id, "email", "c" + id + "@example.com")));
                fullNames.put(id, "First" + id + " Last" + id);
                emails.put(id, "c" + id + "@example.com");
            }
            commit(pool, v1Writer, seed);
            drain(db);

            ExecutorService threads = Executors.newFixedThreadPool(7);
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                int writer = w;
                running.add(threads.submit(() -> v1Writes(pool, v1Writer, writer)));
            }
            for (int r = 0; r < 2; r++) {
                int reader = r;
                running.add(threads.submit(() -> reads(pool, reader)));
            }
            Await.until("v1 writers and readers are under way", () -> failure.get() != null
                    || (v1Committed.get() >= 30 && readerQueries.get() >= 50));
            MigrationReport report = new Migrator(db.dataSource()).migrate(r2);
            released.set(true);
            assertEquals(List.of(1, 2), report.versions());
            running.add(threads.submit(() -> v2Writes(pool, v2Writer)));
            running.add(threads.submit(() -> v2Writes(pool, v2Writer)));
            long v1AtRelease = v1Committed.get();
            Await.until("v1 and v2 write and both versions' views are compared after the release", () -> failure.get() != null
                    || (v2Committed.get() >= 30 && v1Committed.get() >= v1AtRelease + 30 && comparedReads.get() >= 50));
            stop.set(true);
            for (Future<?> f : running) {
                f.get(Await.SAFETY_NET.toSeconds(), TimeUnit.SECONDS);
            }
            threads.shutdown();
            if (failure.get() != null) {
                throw new AssertionError("a writer or reader failed", failure.get());
            }
            drain(db);
        }
        assertTrue(readerQueries.get() > 100, "readers ran: " + readerQueries.get());
        assertEquals(0, disagreements.get(), "v1 and v2 views disagreed on a row");
        verify(db);
    }

    private void v1Writes(DataSource pool, JournalWriter writer, int w) {
        Random random = new Random(SEED + w);
        long nextId = 10_000L * (w + 1);
        while (!stop.get() && failure.get() == null) {
            try {
                if (random.nextInt(4) == 0) {
                    long id = nextId++;
                    String name = "New" + id + " Person" + id;
                    commit(pool, writer, List.of(JournalEntry.insert("shop", 1, "customer", Map.of("id", id),
                            Map.of("id", id, "full_name", name, "email", "n" + id + "@example.com"))));
                    v1Committed.incrementAndGet();
                    fullNames.put(id, name);
                    emails.put(id, "n" + id + "@example.com");
                } else {
                    long id = 1 + w + 3L * random.nextInt(SEEDED / 3); // writer w owns ids ≡ w+1 (mod 3)
                    String name = "Renamed" + random.nextInt(1000) + " Van Der " + w;
                    commit(pool, writer, List.of(JournalEntry.update("shop", 1, "customer", Map.of("id", id),
                            Map.of("full_name", name), List.of("full_name"))));
                    v1Committed.incrementAndGet();
                    fullNames.put(id, name);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }
    }

    private void v2Writes(DataSource pool, JournalWriter writer) {
        Random random = new Random(SEED * 7 + Thread.currentThread().getId());
        while (!stop.get() && failure.get() == null) {
            try {
                synchronized (phones) { // one phone writer at a time keeps the model's "last write" exact
                    long id = 1 + random.nextInt(SEEDED);
                    String phone = "+1 555 " + random.nextInt(10_000);
                    commit(pool, writer, List.of(JournalEntry.update("shop", 2, "customer", Map.of("id", id),
                            Map.of("phone", phone), List.of("phone"))));
                    v2Committed.incrementAndGet();
                    phones.put(id, phone);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }
    }

    private void reads(DataSource pool, int r) {
        Random random = new Random(SEED * 13 + r);
        while (!stop.get() && failure.get() == null) {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                long id = 1 + random.nextInt(SEEDED);
                try (ResultSet rs = s.executeQuery("SELECT full_name, email FROM shop_v1.customer WHERE id = " + id)) {
                    assertTrue(rs.next(), "customer " + id + " is visible through shop_v1");
                }
                if (released.get()) {
                    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM shop_v1.customer a JOIN shop_v2.customer b"
                            + " USING (id) WHERE a.full_name IS DISTINCT FROM concat_ws(' ', b.first_name,"
                            + " nullif(b.last_name, '')) OR a.email IS DISTINCT FROM b.email")) {
                        rs.next();
                        disagreements.addAndGet(rs.getLong(1));
                    }
                    comparedReads.incrementAndGet();
                }
                readerQueries.incrementAndGet();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }
    }

    private static void commit(DataSource pool, JournalWriter writer, List<JournalEntry> entries) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            writer.append(c, entries);
            c.commit();
        }
    }

    private static void drain(TestDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            Await.until("the applier drains the journal", () -> TrackRow.live("shop").backlog(c, null).rows() == 0);
        }
    }

    private void verify(TestDatabase db) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement v1 = c.prepareStatement("SELECT full_name, email FROM shop_v1.customer WHERE id = ?");
             PreparedStatement v2 = c.prepareStatement("SELECT phone FROM shop_v2.customer WHERE id = ?")) {
            for (Map.Entry<Long, String> e : fullNames.entrySet()) {
                v1.setLong(1, e.getKey());
                try (ResultSet rs = v1.executeQuery()) {
                    assertTrue(rs.next(), "customer " + e.getKey() + " lost");
                    assertEquals(e.getValue(), rs.getString(1), "full_name of " + e.getKey());
                    assertEquals(emails.get(e.getKey()), rs.getString(2), "email of " + e.getKey());
                }
            }
            for (Map.Entry<Long, String> e : phones.entrySet()) {
                v2.setLong(1, e.getKey());
                try (ResultSet rs = v2.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(e.getValue(), rs.getString(1), "v1's renames never clobber v2's phone " + e.getKey());
                }
            }
        }
        assertTrue(!phones.isEmpty(), "v2 wrote phones");
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM customer")) {
            rs.next();
            assertEquals(fullNames.size(), rs.getLong(1), "no customer lost or duplicated");
        }
    }
}
