package io.tandem.applier;

import io.tandem.core.VersionDefinition;
import io.tandem.core.VersionRegistry;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One leader among several appliers (docs/applier.md "One leader"): exactly one runs, the other stands by, and
 * the standby takes over within 5 s (standbyPoll 1 s) when the leader's process is killed or the leader is closed,
 * and finishes the work with no loss and no duplicate.
 */
@PostgresTest
class LeaderFailoverTest {
    private static VersionDefinition v1;
    private static DataSource pool;

    @BeforeAll
    static void install(TestDatabase db) throws Exception {
        v1 = AcctFixture.install(db);
        pool = db.newPool(10);
    }

    @Test
    void standbyTakesOverWhenTheLeadersProcessIsKilled(TestDatabase db) throws Exception {
        Workload load = new Workload(pool, v1, Workload.Path.JOURNAL_WRITER, 5, "kill", 1000, 20);
        load.createKeys();
        load.start(6);
        Path log = ApplierProcess.logFile("leader-failover-test");
        Files.deleteIfExists(log);
        Process leader = ApplierProcess.launch(db, "acct", 7, log);
        try {
            assertTrue(ApplierProcess.awaitStarted(leader, log, leader.pid(), Duration.ofSeconds(30)), "see " + log);
            String leaderName = leader.pid() + "/"; // host/pid
            await(() -> leaderRow().startsWith(leaderName) && leaderRow().endsWith("|running"), Duration.ofSeconds(10),
                    "the applier process leads");
            try (Applier standby = Applier.start(new ApplierConfig(db.newPool(4), "acct").leaderName("standby"))) {
                Thread.sleep(1_500); // more than one standby poll
                assertEquals(ApplierState.STANDBY, standby.state());
                assertTrue(leaderRow().startsWith(leaderName) && leaderRow().endsWith("|running"), leaderRow());

                ApplierProcess.kill(leader);
                long killed = System.nanoTime();
                await(() -> standby.state() == ApplierState.RUNNING, Duration.ofSeconds(5),
                        "the standby takes over within 5 s of the leader's death");
                System.out.println("took over after " + (System.nanoTime() - killed) / 1_000_000 + " ms");
                assertTrue(leaderRow().startsWith("standby|running"), leaderRow());
                Thread.sleep(500);
                load.stop();
                Workload.awaitDrained(pool, Duration.ofSeconds(30));
            }
        } finally {
            ApplierProcess.kill(leader);
        }
        load.assertMeaningful(50);
        load.verify(pool);
    }

    @Test
    void exactlyOneLeadsAndAClosedLeaderHandsOver(TestDatabase db) throws Exception {
        Workload load = new Workload(pool, v1, Workload.Path.SQL_APPEND, 6, "close", 2000, 20);
        load.createKeys();
        load.start(6);
        try (Applier a = Applier.start(new ApplierConfig(db.newPool(4), "acct").leaderName("a"));
             Applier b = Applier.start(new ApplierConfig(db.newPool(4), "acct").leaderName("b"))) {
            await(() -> a.state() == ApplierState.RUNNING || b.state() == ApplierState.RUNNING, Duration.ofSeconds(10),
                    "one of two appliers leads");
            Thread.sleep(1_500); // more than one standby poll: the other one tried and must still stand by
            Applier leader = a.state() == ApplierState.RUNNING ? a : b;
            Applier standby = leader == a ? b : a;
            assertEquals(ApplierState.RUNNING, leader.state());
            assertEquals(ApplierState.STANDBY, standby.state());

            // The leader restarts its pipeline (new definitions generation) and keeps the lead...
            long epoch = epoch();
            try (Connection c = db.connect()) {
                VersionRegistry.save(c, v1);
            }
            await(() -> epoch() > epoch, Duration.ofSeconds(10), "the leader reloads its definitions");
            Thread.sleep(1_500);
            assertEquals(ApplierState.RUNNING, leader.state());
            assertEquals(ApplierState.STANDBY, standby.state());

            // ...and when it is closed, the standby takes over.
            leader.close();
            assertEquals(ApplierState.STOPPED, leader.state());
            await(() -> standby.state() == ApplierState.RUNNING, Duration.ofSeconds(5),
                    "the standby takes over within 5 s of the leader's close");
            Thread.sleep(500);
            load.stop();
            Workload.awaitDrained(pool, Duration.ofSeconds(30));
        }
        load.assertMeaningful(50);
        load.verify(pool);
    }

    private static String leaderRow() {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT leader || '|' || state FROM tandem.applier_state WHERE app = 'acct'")) {
            return rs.next() && rs.getString(1) != null ? rs.getString(1) : "";
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long epoch() {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT leader_epoch FROM tandem.applier_state WHERE app = 'acct'")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout + " waiting until " + what);
            }
            Thread.sleep(10);
        }
    }
}
