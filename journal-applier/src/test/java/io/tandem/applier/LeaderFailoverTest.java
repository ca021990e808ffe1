package io.tandem.applier;

import io.tandem.core.db.ApplierState;
import io.tandem.core.db.VersionRegistry;
import io.tandem.core.definitions.VersionDefinition;
import io.tandem.testing.Await;
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
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One leader among several appliers (docs/applier.md "One leader"): exactly one runs, the other stands by — still
 * after it has tried again to take the lead — and the standby takes over when the leader's process is killed or
 * the leader is closed, and finishes the work with no loss and no duplicate. Every step waits for the state it
 * needs (a standby poll counted, a leader seen in the database, rows applied), never for a time.
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
            ApplierProcess.awaitStarted(leader, log, leader.pid());
            String leaderName = leader.pid() + "/"; // host/pid
            Await.until("the applier process leads",
                    () -> leaderRow().startsWith(leaderName) && leaderRow().endsWith("|running"));
            try (Applier standby = Applier.start(new ApplierConfig(db.newPool(4), "acct").leaderName("standby"))) {
                Await.until("the standby asks for the lead twice", () -> standby.stats().leadRefusals() >= 2);
                assertEquals(ApplierState.STANDBY, standby.state());
                assertTrue(leaderRow().startsWith(leaderName) && leaderRow().endsWith("|running"), leaderRow());

                ApplierProcess.kill(leader);
                long killed = System.nanoTime();
                Await.until("the standby takes over after the leader's death",
                        () -> standby.state() == ApplierState.RUNNING);
                System.out.println("took over after " + (System.nanoTime() - killed) / 1_000_000 + " ms");
                assertTrue(leaderRow().startsWith("standby|running"), leaderRow());
                Await.until("the new leader applies rows while the writers go on", () -> standby.stats().appliedRows() > 0);
                load.awaitCommitted(50);
                load.stop();
                Workload.awaitDrained(pool);
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
            Await.until("one of two appliers leads",
                    () -> a.state() == ApplierState.RUNNING || b.state() == ApplierState.RUNNING);
            Applier leader = a.state() == ApplierState.RUNNING ? a : b;
            Applier standby = leader == a ? b : a;
            long asked = standby.stats().leadRefusals();
            Await.until("the other one asks for the lead again", () -> standby.stats().leadRefusals() > asked);
            assertEquals(ApplierState.RUNNING, leader.state());
            assertEquals(ApplierState.STANDBY, standby.state());

            // The leader restarts its pipeline (new definitions generation) and keeps the lead...
            long epoch = epoch();
            try (Connection c = db.connect()) {
                VersionRegistry.save(c, v1);
            }
            Await.until("the leader reloads its definitions", () -> epoch() > epoch);
            long askedAgain = standby.stats().leadRefusals();
            Await.until("the standby asks for the lead after the reload", () -> standby.stats().leadRefusals() > askedAgain);
            assertEquals(ApplierState.RUNNING, leader.state());
            assertEquals(ApplierState.STANDBY, standby.state());

            // ...and when it is closed, the standby takes over.
            leader.close();
            assertEquals(ApplierState.STOPPED, leader.state());
            Await.until("the standby takes over after the leader's close", () -> standby.state() == ApplierState.RUNNING);
            Await.until("the new leader applies rows while the writers go on", () -> standby.stats().appliedRows() > 0);
            load.awaitCommitted(50);
            load.stop();
            Workload.awaitDrained(pool);
        }
        load.assertMeaningful(50);
        load.verify(pool);
    }

    @Test
    void aLoginThatIsNotTheAppliersCannotTakeTheLeadNorHideThatNobodyApplies(TestDatabase db) throws Exception {
        TestDatabase.Login thief = db.createLogin("thief");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("GRANT USAGE ON SCHEMA tandem TO " + thief.user()); // as an app role has
        }
        try (Connection t = db.connect(thief); Statement s = t.createStatement()) {
            s.execute("SELECT pg_advisory_lock(hashtextextended('tandem-applier:acct', 0))"); // a leader lock once
            Workload load = new Workload(pool, v1, Workload.Path.SQL_APPEND, 2, "thief", 3000, 20);
            load.createKeys();
            load.start(2);
            load.awaitCommitted(20);
            load.stop();
            ApplierStatus unattended = status();
            assertEquals(ApplierState.STOPPED, unattended.state());
            assertTrue(unattended.pending() > 0 && unattended.unattended(), "rows pending and nobody applies");

            try (Applier applier = Applier.start(new ApplierConfig(db.newPool(4), "acct").leaderName("owner"))) {
                Await.until("the applier leads although the login holds the old advisory leader lock",
                        () -> applier.state() == ApplierState.RUNNING);
                Workload.awaitDrained(pool);
                assertTrue(status().leaderAlive() && !status().unattended());
                t.setAutoCommit(false);
                for (String mode : List.of("SHARE UPDATE EXCLUSIVE", "ACCESS SHARE", "ACCESS EXCLUSIVE")) {
                    SQLException refused = assertThrows(SQLException.class,
                            () -> s.execute("LOCK TABLE tandem.\"tandem-applier:acct\" IN " + mode + " MODE NOWAIT"));
                    assertEquals("42501", refused.getSQLState(), mode + ": " + refused.getMessage());
                    t.rollback();
                }
                assertEquals(ApplierState.RUNNING, applier.state());
                try (Connection owner = db.connect(); Statement v = owner.createStatement()) {
                    v.execute("SET lock_timeout = '10s'"); // a database-wide VACUUM must not wait for the leader
                    v.execute("VACUUM");
                    v.execute("ANALYZE");
                }
            }
            load.verify(pool);
        }
    }

    private static ApplierStatus status() throws SQLException {
        try (Connection c = pool.getConnection()) {
            return ApplierStatus.read(c, "acct");
        }
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
}
