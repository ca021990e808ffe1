package io.tandem.applier;

import io.tandem.core.db.ApplierState;
import io.tandem.core.definitions.VersionDefinition;
import io.tandem.core.storage.JournalConversion;
import io.tandem.core.storage.JournalStorage;
import io.tandem.testing.Await;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retention on a partitioned journal (docs/retention.md): partitions roll and go while writers write and the
 * applier applies, and nothing committed is lost or applied twice (the seeded workload's model check), including a
 * transaction that stays open across several partitions; and retention keeps what an unapplied app, an unresolved
 * reject, a release in progress and an open transaction still need.
 */
@PostgresTest
class JournalRetentionTest {
    private static VersionDefinition v1;

    @BeforeAll
    static void install(TestDatabase db) throws Exception {
        v1 = AcctFixture.install(db);
    }

    @BeforeEach
    void smallPartitionsRemovedAsSoonAsAllowed(TestDatabase db) throws Exception {
        execute(db, "UPDATE tandem.journal_retention SET partition_xids = 100, max_bytes = 1,"
                + " keep_for = interval '24 hours' WHERE app = ''");
        execute(db, "UPDATE tandem.rejects SET resolved_at = now() WHERE resolved_at IS NULL");
        execute(db, "DELETE FROM tandem.releases");
    }

    @Test
    void partitionsRollAndGoUnderWritersAndTheApplierAndNothingIsLostOrDoubled(TestDatabase db) throws Exception {
        DataSource writers = db.newPool(10);
        Workload load = new Workload(writers, v1, Workload.Path.SQL_APPEND, 7L, "r", 1_000_000L, 20);
        try (Applier applier = Applier.start(new ApplierConfig(db.newPool(8), "acct")
                .journalMaintenance(Duration.ofMillis(50)))) {
            load.createKeys();
            long removedBefore = storage(db).removedPartitions();
            load.start(6);
            Thread burner = new Thread(() -> burnWithinThePartitionsAhead(db));
            burner.start();
            Await.until("five partitions rolled and removed under load", () ->
                    storage(db).removedPartitions() >= removedBefore + 5);
            load.awaitCommitted(150);
            burner.interrupt();
            burner.join();
            load.stop();
            Workload.awaitDrained(writers);
            assertEquals(ApplierState.RUNNING, applier.state());
        }
        load.assertMeaningful(150);
        load.verify(writers);
    }

    @Test
    void aTransactionOpenAcrossPartitionsHoldsThemUntilItEndsAndIsApplied(TestDatabase db) throws Exception {
        JournalMaintenance maintenance = new JournalMaintenance(db.dataSource(), "test");
        rollPastTheFirstPartitions(db, maintenance);
        try (Applier applier = Applier.start(new ApplierConfig(db.newPool(6), "acct").journalMaintenance(Duration.ZERO));
             Connection open = db.connect()) {
            while (aheadOfTheWriters(db) >= 1_000) { // until the next pass extends: then 2,100 ids lie ahead
                burn(db, 100);
            }
            Workload.awaitDrained(db.dataSource());
            long before;
            do { // removes what it may, extends
                before = storage(db).removedPartitions();
                maintenance.runOnce();
            } while (storage(db).removedPartitions() > before);
            open.setAutoCommit(false);
            append(open, 2_000_000L, "open-across-partitions");
            String pid = scalar(open, "SELECT pg_backend_pid()");
            burn(db, 250);
            long removed = storage(db).removedPartitions();
            maintenance.runOnce();
            assertTrue(heldBack(db) != null && heldBack(db).contains("(pid " + pid), heldBack(db));
            assertEquals(removed, storage(db).removedPartitions());
            open.commit();
            Workload.awaitDrained(db.dataSource());
            maintenance.runOnce();
            assertTrue(storage(db).removedPartitions() >= removed + 2, "the partitions it held were not removed");
            assertEquals(ApplierState.RUNNING, applier.state());
        }
        assertEquals("open-across-partitions", scalar(db, "SELECT token FROM item WHERE id = 2000000"));
    }

    @Test
    void retentionKeepsWhatAnUnappliedAppARejectAndAReleaseStillNeed(TestDatabase db) throws Exception {
        JournalMaintenance maintenance = new JournalMaintenance(db.dataSource(), "test");
        rollPastTheFirstPartitions(db, maintenance);
        try (Connection c = db.connect()) {
            append(c, 3_000_000L, "unapplied");
        }
        burn(db, 300);
        maintenance.runOnce();
        assertTrue(heldBack(db).contains("app acct has not applied"), heldBack(db));

        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) { // a line of an item that does not exist: the applier rejects it
                s.execute("SELECT tandem.append('acct', 1, 'line', 'insert', '{\"id\": 1}',"
                        + " '{\"id\": 1, \"item_id\": 999999, \"amount\": 1}', null)");
            }
            c.commit();
        }
        try (Applier applier = Applier.start(new ApplierConfig(db.newPool(6), "acct").journalMaintenance(Duration.ZERO))) {
            Workload.awaitDrained(db.dataSource());
        }
        burn(db, 300);
        maintenance.runOnce();
        assertTrue(heldBack(db).contains("not resolved"), heldBack(db));

        execute(db, "UPDATE tandem.rejects SET resolved_at = now()");
        execute(db, """
                INSERT INTO tandem.releases (app, live_schema, build_schema, previous_schema, release_dir, fingerprint,
                                             tables, definitions)
                VALUES ('acct', 'public', 'tandem_build_acct', 'tandem_previous_acct', 'r', 'f', '{item}', '[]')""");
        maintenance.runOnce();
        assertTrue(heldBack(db).contains("release of app acct"), heldBack(db));

        execute(db, "DELETE FROM tandem.releases");
        long removed = storage(db).removedPartitions();
        maintenance.runOnce();
        assertNull(heldBack(db));
        assertTrue(storage(db).removedPartitions() > removed, "nothing removed once nothing held it");
        assertEquals("unapplied", scalar(db, "SELECT token FROM item WHERE id = 3000000"));
    }

    @Test
    void theKeepWindowHoldsAppliedRowsUntilItPasses(TestDatabase db) throws Exception {
        execute(db, "UPDATE tandem.journal_retention SET max_bytes = NULL, keep_for = interval '1 hour' WHERE app = ''");
        JournalMaintenance maintenance = new JournalMaintenance(db.dataSource(), "test");
        rollPastTheFirstPartitions(db, maintenance);
        try (Applier applier = Applier.start(new ApplierConfig(db.newPool(6), "acct").journalMaintenance(Duration.ZERO))) {
            try (Connection c = db.connect()) {
                append(c, 4_000_000L, "kept");
            }
            burn(db, 300);
            Workload.awaitDrained(db.dataSource());
        }
        // Rows, not partitions: an empty partition no app keeps goes at once, and whether one was sealed in between
        // depends on how many transaction ids the applier's start used.
        long removed = storage(db).removedRows();
        maintenance.runOnce();
        assertEquals(removed, storage(db).removedRows(), "removed inside the keep window");
        assertNull(heldBack(db), "only the window holds them, which is no problem to report");
        execute(db, "UPDATE tandem.journal_partitions SET sealed_at = sealed_at - interval '2 hours'");
        maintenance.runOnce();
        assertTrue(storage(db).removedRows() > removed, "nothing removed after the keep window");
        assertNotNull(storage(db).removedAt());
    }

    /** Uses up transaction ids past the partitions made before the policy's 100-id ones, extending as it goes. */
    static void rollPastTheFirstPartitions(TestDatabase db, JournalMaintenance maintenance) throws Exception {
        for (int i = 0; i < 2 + JournalConversion.FIRST_WIDTH / 500; i++) {
            maintenance.runOnce();
            burn(db, 500);
        }
        maintenance.runOnce();
    }

    static void burn(TestDatabase db, int xids) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (int i = 0; i < xids; i++) {
                s.execute("SELECT pg_current_xact_id()");
            }
        }
    }

    /** Uses up transaction ids as fast as maintenance keeps partitions ahead of them (it runs in the applier). */
    private static void burnWithinThePartitionsAhead(TestDatabase db) {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            while (!Thread.currentThread().isInterrupted()) {
                if (aheadOfTheWriters(db) > 1_200) {
                    for (int i = 0; i < 100; i++) {
                        s.execute("SELECT pg_current_xact_id()");
                    }
                } else {
                    Thread.onSpinWait();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Transaction ids from the next one to the overflow partition. */
    private static long aheadOfTheWriters(TestDatabase db) throws SQLException {
        return Long.parseLong(scalar(db, "SELECT (SELECT from_txid FROM tandem.journal_partitions"
                + " WHERE name = 'journal_overflow')::text::numeric"
                + " - pg_snapshot_xmax(pg_current_snapshot())::text::numeric"));
    }

    static void append(Connection c, long id, String token) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT tandem.append('acct', 1, 'item', 'insert', ?::jsonb,"
                + " ?::jsonb, null)")) {
            s.setString(1, "{\"id\": " + id + "}");
            s.setString(2, "{\"id\": " + id + ", \"val\": 1, \"token\": \"" + token + "\"}");
            s.executeQuery().close();
        }
    }

    static JournalStorage storage(TestDatabase db) throws SQLException {
        try (Connection c = db.connect()) {
            return JournalStorage.read(c);
        }
    }

    private static String heldBack(TestDatabase db) throws SQLException {
        return scalar(db, "SELECT held_back FROM tandem.journal_maintenance");
    }

    private static String scalar(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect()) {
            return scalar(c, sql);
        }
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void execute(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
