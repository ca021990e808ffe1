package io.tandem.applier;

import io.tandem.core.db.ApplierState;
import io.tandem.testing.Await;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An applier killed (SIGKILL) in the middle of removing a journal partition, while its
 * {@code DETACH ... CONCURRENTLY} waits for a transaction: the partition is left half detached, and the next pass
 * finishes the removal. Every row written is applied, none twice, and nothing is left behind.
 */
@PostgresTest
class JournalMaintenanceCrashTest {
    private static final int ROWS = 30;

    @BeforeAll
    static void install(TestDatabase db) throws Exception {
        AcctFixture.install(db);
    }

    @Test
    void aPassKilledInsideADetachIsFinishedByTheNext(TestDatabase db) throws Exception {
        execute(db, "UPDATE tandem.journal_retention SET partition_xids = 100, max_bytes = 1 WHERE app = ''");
        JournalMaintenance maintenance = new JournalMaintenance(db.dataSource(), "test");
        JournalRetentionTest.rollPastTheFirstPartitions(db, maintenance);
        Path log = ApplierProcess.logFile("journal-maintenance-crash-test");
        Files.deleteIfExists(log);
        try (Applier applier = Applier.start(new ApplierConfig(db.newPool(6), "acct").journalMaintenance(Duration.ZERO));
             Connection blocker = db.connect()) {
            try (Connection c = db.connect()) {
                for (int i = 0; i < ROWS; i++) {
                    JournalRetentionTest.append(c, 5_000_000L + i, "crash-" + i);
                    JournalRetentionTest.burn(db, 20);
                }
            }
            JournalRetentionTest.burn(db, 300);
            Workload.awaitDrained(db.dataSource());
            blocker.setAutoCommit(false);
            try (Statement s = blocker.createStatement()) {
                s.execute("SELECT count(*) FROM tandem.journal WHERE false"); // holds the journal open
            }
            long[] blockerSince = {System.nanoTime()};
            Process child = ApplierProcess.launch(db, "acct", 1000, 50, log);
            try {
                Await.until("the child's pass waits inside DETACH ... CONCURRENTLY (see " + log + ")", () -> {
                    if (!child.isAlive()) {
                        throw new AssertionError("the applier process died; see " + log);
                    }
                    if (count(db, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'ALTER TABLE tandem.journal"
                            + " DETACH PARTITION %CONCURRENTLY' AND wait_event IS NOT NULL") > 0) {
                        return true;
                    }
                    // A pass removes nothing while a transaction has held the journal for longer than its patience
                    // (it would only wait for it): on a loaded machine the child can take that long to start, so
                    // the blocker is renewed, never older than half the patience, until a DETACH waits for it.
                    if (System.nanoTime() - blockerSince[0] > JournalMaintenance.HOLDER_PATIENCE.toNanos() / 2) {
                        blocker.commit();
                        try (Statement s = blocker.createStatement()) {
                            s.execute("SELECT count(*) FROM tandem.journal WHERE false");
                        }
                        blockerSince[0] = System.nanoTime();
                    }
                    return false;
                });
            } finally {
                ApplierProcess.kill(child);
            }
            // PostgreSQL notices a dead client only when it next talks to it; the killed process's session would wait
            // on, and finish the detach once the blocker ends. End it, as the server does on a broken connection.
            count(db, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE query LIKE 'ALTER TABLE tandem.journal DETACH PARTITION %CONCURRENTLY'");
            Await.until("the killed session is gone", () -> count(db, "SELECT count(*) FROM pg_stat_activity"
                    + " WHERE query LIKE 'ALTER TABLE tandem.journal DETACH PARTITION %'") == 0);
            assertEquals(1, count(db, "SELECT count(*) FROM pg_inherits WHERE inhdetachpending"),
                    "the kill left the partition half detached");
            blocker.commit();

            long removed = count(db, "SELECT removed_partitions FROM tandem.journal_maintenance");
            maintenance.runOnce();
            assertEquals(0, count(db, "SELECT count(*) FROM pg_inherits WHERE inhdetachpending"));
            assertTrue(count(db, "SELECT removed_partitions FROM tandem.journal_maintenance") > removed);
            assertEquals(0, count(db, """
                    SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = 'tandem' AND c.relname ~ '^journal_([0-9]+|overflow)$' AND c.relkind = 'r'
                       AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid)"""),
                    "a detached partition was left behind");
            assertEquals(ApplierState.RUNNING, applier.state());
        }
        assertEquals(ROWS, count(db, "SELECT count(*) FROM item WHERE token LIKE 'crash-%'"));
        assertEquals(ROWS, count(db, "SELECT count(*) FROM item_audit WHERE token LIKE 'crash-%'"), "applied once each");
    }

    private static long count(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void execute(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
