package io.tandem.applier;

import io.tandem.core.VersionDefinition;
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
import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BRIEF §5 "crash safety": an applier in its own JVM is killed with SIGKILL at random moments, 12 times, while 6
 * writers keep going, and restarted each time; then an in-process applier is stopped cleanly with {@code close()}
 * in the middle of the load (state {@code stopped}, no error), and another one resumes and drains. Nothing is
 * lost, nothing applied twice, every source transaction in one target transaction.
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
        int progressed = 0;
        Process child = null;
        try {
            for (int i = 0; i < KILLS; i++) {
                long before = appliedRows(pool);
                child = ApplierProcess.launch(db, "acct", 7, log);
                assertTrue(ApplierProcess.awaitStarted(child, log, child.pid(), Duration.ofSeconds(30)),
                        "applier process " + i + " did not start; see " + log);
                Thread.sleep(50 + random.nextInt(751));
                ApplierProcess.kill(child);
                child = null;
                if (appliedRows(pool) > before) {
                    progressed++;
                }
            }
        } finally {
            if (child != null) {
                ApplierProcess.kill(child);
            }
        }
        assertTrue(progressed >= KILLS / 2, "the killed appliers applied something in only " + progressed
                + " of " + KILLS + " runs: the kills did not hit a working applier");

        // A clean stop in the middle of the load: no error, state 'stopped', and the next applier resumes.
        Applier stopped = Applier.start(new ApplierConfig(db.newPool(4), "acct").sliceRows(7));
        Thread.sleep(1_000);
        assertEquals(ApplierState.RUNNING, stopped.state());
        stopped.close();
        assertEquals(ApplierState.STOPPED, stopped.state());
        assertEquals("stopped", stateRow(pool));
        Thread.sleep(300); // writes go on while no applier runs
        try (Applier last = Applier.start(new ApplierConfig(db.newPool(4), "acct").sliceRows(7))) {
            Thread.sleep(500);
            load.stop();
            Workload.awaitDrained(pool, Duration.ofSeconds(60));
            assertEquals(ApplierState.RUNNING, last.state());
        }
        System.out.println("crash test: " + load.summary() + "; " + progressed + " of " + KILLS + " killed runs applied rows");
        load.assertMeaningful(100);
        load.verify(pool);
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
