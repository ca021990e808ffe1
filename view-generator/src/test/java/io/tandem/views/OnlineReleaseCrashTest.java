package io.tandem.views;

import io.tandem.core.db.ReleasePhase;
import io.tandem.core.db.ReleaseState;
import io.tandem.core.db.TrackRow;
import io.tandem.core.definitions.Release;
import io.tandem.core.journal.JournalEntry;
import io.tandem.core.journal.JournalWriter;
import io.tandem.testing.Await;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static io.tandem.views.OnlineReleaseTest.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} of the {@code tandem migrate} client in each phase of an online release — the copy, the
 * migrations on the build, the catch-up, the switch — and of the revert, and of the applier during the catch-up and
 * after the switch, all while version 1 keeps writing. After each kill the live schema serves as before and the
 * release resumes (by running migrate again) or stays as it was; at the end every committed write is in the
 * tables exactly once. Real processes, killed with SIGKILL; every wait is for a state seen in the database.
 */
@PostgresTest
class OnlineReleaseCrashTest {
    private static final int ROWS = 3_000;
    private static final long SEED = 20261201L;
    private static final String WAIT_FOR_LOCKS_MS = "600000";

    @TempDir
    static Path dir;

    private final Map<Long, String> names = new ConcurrentHashMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    @Test
    void killedReleaseStepsAndAppliersLoseNothing(TestDatabase db) throws Exception {
        Shop.releaseWithCustomers(db, ROWS);
        for (long id = 1; id <= ROWS; id++) {
            names.put(id, "Seed" + id + " Customer");
        }
        Path folder = ReleaseFixture.shop(dir, "slow-build");
        Files.writeString(folder.resolve("migrations/V3__slow_step.sql"),
                "-- keeps the build in its migration phase long enough to be killed there\nSELECT pg_sleep(2);\n");
        String release = folder.toAbsolutePath().toString();
        ReleaseControl control = new ReleaseControl(db.dataSource());
        ReleaseProcess.Child applier = ReleaseProcess.launch(db, log("applier-1"), "applier");
        Thread writer = new Thread(() -> write(db), "v1-writer");
        writer.start();
        try {
            // the copy
            ReleaseProcess.Child migrate = ReleaseProcess.launch(db, log("migrate-copy"), "migrate", release, "1000",
                    WAIT_FOR_LOCKS_MS);
            awaitPhase(control, ReleasePhase.COPYING);
            migrate.kill();
            assertLiveServing(db, Optional.of(ReleasePhase.COPYING));

            // the migrations on the build
            migrate = ReleaseProcess.launch(db, log("migrate-build"), "migrate", release, "0", WAIT_FOR_LOCKS_MS);
            awaitPhase(control, ReleasePhase.MIGRATING);
            migrate.kill();
            assertLiveServing(db, Optional.of(ReleasePhase.MIGRATING));

            // the catch-up, held by a pause so it lasts; the applier is killed here too
            control.pause("shop");
            migrate = ReleaseProcess.launch(db, log("migrate-catch-up"), "migrate", release, "0", WAIT_FOR_LOCKS_MS);
            awaitPhase(control, ReleasePhase.CATCHING_UP);
            applier.kill();
            applier = ReleaseProcess.launch(db, log("applier-2"), "applier");
            migrate.kill();
            assertLiveServing(db, Optional.of(ReleasePhase.CATCHING_UP));
            control.resume("shop");

            // the switch, held on a reader's lock on the views, killed while it waits
            try (Connection reader = holdViews(db)) {
                migrate = ReleaseProcess.launch(db, log("migrate-switch"), "migrate", release, "0",
                        WAIT_FOR_LOCKS_MS);
                awaitBlockedBy(db, reader);
                migrate.kill();
                if (count(db, "SELECT current_setting('server_version_num')::int") >= 140000) {
                    // the server notices the dead client while the switch still waits, and rolls it back
                    awaitNotBlockedBy(db, reader);
                }
                reader.rollback();
            }
            assertLiveServing(db, Optional.of(ReleasePhase.CATCHING_UP));

            migrate = ReleaseProcess.launch(db, log("migrate-done"), "migrate", release, "0", WAIT_FOR_LOCKS_MS);
            migrate.awaitDone();
            assertEquals(ReleasePhase.SWITCHED, control.status("shop").orElseThrow().release().phase());

            // the revert, killed while it waits; then the applier, while the previous tables are kept in step
            try (Connection reader = holdViews(db)) {
                ReleaseProcess.Child revert = ReleaseProcess.launch(db, log("revert"), "revert", WAIT_FOR_LOCKS_MS);
                awaitBlockedBy(db, reader);
                revert.kill();
                if (count(db, "SELECT current_setting('server_version_num')::int") >= 140000) {
                    awaitNotBlockedBy(db, reader);
                }
                reader.rollback();
            }
            assertEquals(ReleasePhase.SWITCHED, control.status("shop").orElseThrow().release().phase());
            applier.kill();
            applier = ReleaseProcess.launch(db, log("applier-3"), "applier");
            awaitWrites(200);
            control.revert("shop");
            awaitWrites(200);
        } finally {
            stop.set(true);
            writer.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("the writer failed", failure.get());
        }
        try {
            Await.until("the applier drains the journal", () -> {
                try (Connection c = db.connect()) {
                    return TrackRow.live("shop").backlog(c, null).rows() == 0;
                }
            });
        } finally {
            applier.kill();
        }
        verify(db);
    }

    private final java.util.concurrent.atomic.AtomicLong committed = new java.util.concurrent.atomic.AtomicLong();

    /** Version 1 renames seeded customers and adds new ones, one journal row per transaction, until stopped. */
    private void write(TestDatabase db) {
        JournalWriter writer = new JournalWriter(List.of(Release.load(MigrateTest.RELEASE_1).version(1)));
        Random random = new Random(SEED);
        long next = 1_000_000;
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            while (!stop.get()) {
                long id;
                String name;
                JournalEntry entry;
                if (random.nextInt(5) == 0) {
                    id = next++;
                    name = "New" + id + " Person";
                    entry = JournalEntry.insert("shop", 1, "customer", Map.of("id", id),
                            Map.of("id", id, "full_name", name, "email", "n" + id + "@example.com"));
                } else {
                    id = 1 + random.nextInt(ROWS);
                    name = "Renamed" + random.nextInt(100_000) + " Customer";
                    entry = JournalEntry.update("shop", 1, "customer", Map.of("id", id), Map.of("full_name", name),
                            List.of("full_name"));
                }
                writer.append(c, List.of(entry));
                c.commit();
                names.put(id, name);
                committed.incrementAndGet();
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    private void awaitWrites(long more) throws Exception {
        long target = committed.get() + more;
        Await.until(more + " more committed writes", () -> committed.get() >= target || failure.get() != null);
    }

    private void verify(TestDatabase db) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT full_name FROM shop_v1.customer WHERE id = ?")) {
            for (Map.Entry<Long, String> e : names.entrySet()) {
                s.setLong(1, e.getKey());
                try (ResultSet rs = s.executeQuery()) {
                    assertTrue(rs.next(), "customer " + e.getKey() + " lost");
                    assertEquals(e.getValue(), rs.getString(1), "name of customer " + e.getKey());
                }
            }
        }
        assertEquals(names.size(), count(db, "SELECT count(*) FROM customer"), "nothing applied twice or lost");
        assertEquals(0, count(db, "SELECT count(*) FROM tandem.releases"), "the release was reverted");
    }

    /** The live tables still serve version 1 as release 1 laid them out, and the release is where it was. */
    private void assertLiveServing(TestDatabase db, Optional<ReleasePhase> phase) throws Exception {
        assertEquals("full_name", OnlineReleaseTest.text(db, "SELECT column_name FROM information_schema.columns"
                + " WHERE table_schema = 'public' AND table_name = 'customer' AND column_name = 'full_name'"));
        assertTrue(count(db, "SELECT count(*) FROM shop_v1.customer") >= ROWS);
        try (Connection c = db.connect()) {
            assertEquals(phase, ReleaseState.find(c, "shop").map(ReleaseState::phase));
        }
        awaitWrites(50);
        Await.until("the live applier applies again", () -> {
            try (Connection c = db.connect()) {
                return TrackRow.live("shop").backlog(c, null).rows() < 500;
            }
        });
    }

    private static void awaitPhase(ReleaseControl control, ReleasePhase phase) throws Exception {
        Await.until("the release reaches phase " + phase, () -> control.status("shop")
                .map(s -> s.release().phase() == phase).orElse(false));
    }

    /** A transaction that has read the views of version 1, so a switch waits for it. */
    private static Connection holdViews(TestDatabase db) throws SQLException {
        Connection reader = db.connect();
        reader.setAutoCommit(false);
        try (Statement s = reader.createStatement()) {
            s.executeQuery("SELECT count(*) FROM shop_v1.customer").close();
        }
        return reader;
    }

    private static void awaitBlockedBy(TestDatabase db, Connection reader) throws Exception {
        int pid = pid(reader);
        Await.until("a release step waits for the reader's lock", () -> count(db, "SELECT count(*) FROM"
                + " pg_stat_activity WHERE " + pid + " = ANY (pg_blocking_pids(pid))") > 0);
    }

    private static void awaitNotBlockedBy(TestDatabase db, Connection reader) throws Exception {
        int pid = pid(reader);
        Await.until("the killed release step's transaction ends on the server", () -> count(db, "SELECT count(*)"
                + " FROM pg_stat_activity WHERE " + pid + " = ANY (pg_blocking_pids(pid))") == 0);
    }

    private static int pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static Path log(String name) {
        return Path.of("target", "release-crash", name + ".log").toAbsolutePath();
    }
}
