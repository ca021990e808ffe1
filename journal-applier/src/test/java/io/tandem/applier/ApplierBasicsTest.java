package io.tandem.applier;

import io.tandem.core.db.ApplierState;
import io.tandem.core.journal.Fence;
import io.tandem.core.journal.JournalEntry;
import io.tandem.core.journal.JournalWriter;
import io.tandem.testing.Await;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

@PostgresTest
class ApplierBasicsTest {
    private static JournalWriter writer;
    private static Applier applier;
    private static Fence fence;

    @BeforeAll
    static void start(TestDatabase db) throws Exception {
        writer = new JournalWriter(List.of(AcctFixture.install(db)));
        applier = Applier.start(new ApplierConfig(db.newPool(4), "acct"));
        fence = Fence.open(db.newPool(3));
    }

    @AfterAll
    static void stop() throws Exception {
        applier.close();
        fence.close();
    }

    @Test
    void insertUpdateDeleteLandInThePhysicalTables(TestDatabase db) throws Exception {
        long tx = write(db, List.of(
                JournalEntry.insert("acct", 1, "item", Map.of("id", 1L), Map.of("id", 1L, "val", 10L, "token", "a")),
                JournalEntry.insert("acct", 1, "line", Map.of("id", 1L),
                        Map.of("id", 1L, "item_id", 1L, "amount", new BigDecimal("12.50")))));
        assertEquals(Fence.Outcome.APPLIED, fence.await("acct", tx, Await.SAFETY_NET));
        assertEquals("10|a", item(db, 1));

        tx = write(db, List.of(JournalEntry.update("acct", 1, "item", Map.of("id", 1L), Map.of("val", 11L), List.of("val"))));
        assertEquals(Fence.Outcome.APPLIED, fence.await("acct", tx, Await.SAFETY_NET));
        assertEquals("11|a", item(db, 1), "an update touches only the changed field");

        tx = write(db, List.of(JournalEntry.delete("acct", 1, "line", Map.of("id", 1L)),
                JournalEntry.delete("acct", 1, "item", Map.of("id", 1L))));
        assertEquals(Fence.Outcome.APPLIED, fence.await("acct", tx, Await.SAFETY_NET));
        assertEquals(null, item(db, 1));
        assertEquals(ApplierState.RUNNING, applier.state());
    }

    @Test
    void rolledBackWritesAreNeverApplied(TestDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            writer.append(c, JournalEntry.insert("acct", 1, "item", Map.of("id", 2L), Map.of("id", 2L, "val", 1L, "token", "x")));
            c.rollback();
        }
        long tx = write(db, List.of(
                JournalEntry.insert("acct", 1, "item", Map.of("id", 3L), Map.of("id", 3L, "val", 3L, "token", "c"))));
        assertEquals(Fence.Outcome.APPLIED, fence.await("acct", tx, Await.SAFETY_NET));
        assertEquals(null, item(db, 2));
        assertEquals("3|c", item(db, 3));
    }

    @Test
    void aTransactionHeldOpenDoesNotBlockLaterCommits(TestDatabase db) throws Exception {
        try (Connection slow = db.connect()) {
            slow.setAutoCommit(false);
            writer.append(slow, JournalEntry.insert("acct", 1, "item", Map.of("id", 40L), Map.of("id", 40L, "val", 40L, "token", "slow")));
            long slowTx = Fence.currentTxid(slow);
            long fast = write(db, List.of(
                    JournalEntry.insert("acct", 1, "item", Map.of("id", 41L), Map.of("id", 41L, "val", 41L, "token", "fast"))));
            assertEquals(Fence.Outcome.APPLIED, fence.await("acct", fast, Await.SAFETY_NET));
            assertEquals("41|fast", item(db, 41));
            assertEquals(null, item(db, 40), "not committed yet");
            for (long id = 42; id < 45; id++) { // more batches are applied with the slow transaction open
                long later = write(db, List.of(JournalEntry.insert("acct", 1, "item", Map.of("id", id),
                        Map.of("id", id, "val", id, "token", "later"))));
                assertEquals(Fence.Outcome.APPLIED, fence.await("acct", later, Await.SAFETY_NET));
            }
            assertEquals(null, item(db, 40), "still not committed");
            slow.commit();
            assertEquals(Fence.Outcome.APPLIED, fence.await("acct", slowTx, Await.SAFETY_NET));
            assertEquals("40|slow", item(db, 40));
        }
    }

    @Test
    void anUpdateOrDeleteOfAMissingRowIsCountedNotLost(TestDatabase db) throws Exception {
        long before = status(db).noopWrites();
        long tx = write(db, List.of(
                JournalEntry.update("acct", 1, "item", Map.of("id", 404L), Map.of("val", 1L), List.of("val")),
                JournalEntry.delete("acct", 1, "item", Map.of("id", 405L)),
                JournalEntry.insert("acct", 1, "item", Map.of("id", 406L), Map.of("id", 406L, "val", 6L, "token", "t"))));
        assertEquals(Fence.Outcome.APPLIED, fence.await("acct", tx, Await.SAFETY_NET));
        assertEquals("6|t", item(db, 406), "the rest of the transaction is applied");
        assertEquals(before + 2, status(db).noopWrites(), "both writes that changed nothing are counted");
        assertEquals(ApplierState.RUNNING, applier.state());
    }

    private static ApplierStatus status(TestDatabase db) throws SQLException {
        try (Connection c = db.connect()) {
            return ApplierStatus.read(c, "acct");
        }
    }

    private static long write(TestDatabase db, List<JournalEntry> entries) throws SQLException {
        return AcctFixture.commit(db, writer, entries);
    }

    static String item(TestDatabase db, long id) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT val || '|' || token FROM item WHERE id = " + id)) {
            String value = rs.next() ? rs.getString(1) : null;
            assertFalse(rs.next());
            return value;
        }
    }
}
