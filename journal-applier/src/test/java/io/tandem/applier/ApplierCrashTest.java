package io.tandem.applier;

import io.tandem.core.db.ApplierState;
import io.tandem.core.definitions.VersionDefinition;
import io.tandem.testing.Await;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Crash safety (docs/architecture.md): an applier in its own JVM is killed with SIGKILL at random moments of its work, 12 times,
 * while 6 writers keep going, and restarted each time; then an in-process applier is stopped cleanly with
 * {@code close()} in the middle of the load (state {@code stopped}, no error), and another one resumes and drains.
 * Nothing is lost, nothing applied twice, every source transaction in one target transaction.
 *
 * <p>Each kill lands only once the child leads and has applied rows (seen in {@code tandem.applier_state}), then
 * after a random pause: on a slow machine the test waits longer, it never kills an applier that has not started.
 */
@PostgresTest
class ApplierCrashTest {
    private static final long SEED = Long.getLong("tandem.test.seed", 7L);
    private static final int KILLS = 12;

    @Test
    void killedAtRandomMomentsResumesWithNoLossNoDuplicate(TestDatabase db) throws Exception {
        VersionDefinition v1 = AcctFixture.install(db);
        DataSource pool = db.newPool(10);
        Workload load = new Workload(pool, v1, Workload.Path.JOURNAL_WRITER, SEED, "crash", 1, 20);
        load.createKeys();
        load.start(6);
        Random random = new Random(SEED);
        Path log = ApplierProcess.logFile("applier-crash-test");
        Files.deleteIfExists(log);
        Process child = null;
        try {
            for (int i = 0; i < KILLS; i++) {
                long before = appliedRows(pool);
                child = ApplierProcess.launch(db, "acct", 7, log);
                Process running = child;
                String name = running.pid() + "/";
                int run = i;
                Await.until("applier process " + run + " leads and applies rows (see " + log + ")", () -> {
                    if (!running.isAlive()) {
                        throw new AssertionError("applier process " + run + " died; see " + log);
                    }
                    return leader(pool).startsWith(name) && appliedRows(pool) > before;
                });
                Thread.sleep(random.nextInt(300)); // a random moment of its work
                ApplierProcess.kill(child);
                child = null;
            }
        } finally {
            if (child != null) {
                ApplierProcess.kill(child);
            }
        }

        // A clean stop in the middle of the load: no error, state 'stopped', and the next applier resumes.
        long before = appliedRows(pool);
        Applier stopped = Applier.start(new ApplierConfig(db.newPool(4), "acct").sliceRows(7));
        Await.until("the in-process applier leads and applies rows",
                () -> stopped.state() == ApplierState.RUNNING && appliedRows(pool) > before);
        stopped.close();
        assertEquals(ApplierState.STOPPED, stopped.state());
        assertEquals("stopped", stateRow(pool));
        int committed = load.committedTransactions();
        Await.until("writes go on while no applier runs", () -> Workload.pending(pool) > 0
                && load.committedTransactions() > committed + 10);
        long resumedFrom = appliedRows(pool);
        try (Applier last = Applier.start(new ApplierConfig(db.newPool(4), "acct").sliceRows(7))) {
            Await.until("the next applier resumes", () -> last.state() == ApplierState.RUNNING
                    && appliedRows(pool) > resumedFrom);
            load.awaitCommitted(100);
            load.stop();
            Workload.awaitDrained(pool);
            assertEquals(ApplierState.RUNNING, last.state());
        }
        System.out.println("crash test: " + load.summary() + "; " + KILLS + " appliers killed while applying");
        load.assertMeaningful(100);
        load.verify(pool);
    }

    private static String leader(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(leader, '') FROM tandem.applier_state WHERE app = 'acct'")) {
            return rs.next() ? rs.getString(1) : "";
        }
    }

    private static long appliedRows(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(max(applied_rows), 0) FROM tandem.applier_state WHERE app = 'acct'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String stateRow(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT state FROM tandem.applier_state WHERE app = 'acct'")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
