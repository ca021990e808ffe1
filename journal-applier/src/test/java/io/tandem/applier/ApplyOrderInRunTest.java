package io.tandem.applier;

import io.tandem.core.journal.Fence;
import io.tandem.core.journal.JournalEntry;
import io.tandem.core.journal.JournalWriter;
import io.tandem.testing.Await;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reader fetches a run of transactions in the index's order (by txid) and must hand them on in apply order (by
 * each transaction's largest seq). Here every pair of transactions that updates one key is in one run with the
 * order of their txids opposite to the order of their commits: the transaction that began first (smaller txid)
 * updates the key last. A reader that applied the run in txid order would leave the earlier commit's value; one that
 * split a transaction or applied its rows out of seq order would count more transactions or leave the wrong value
 * on the row the earlier transaction inserts and then updates twice.
 */
@PostgresTest
class ApplyOrderInRunTest {
    private static final int PAIRS = 40;

    @Test
    void aRunIsAppliedInCommitOrderNotTxidOrder(TestDatabase db) throws Exception {
        JournalWriter writer = new JournalWriter(List.of(AcctFixture.install(db)));
        List<JournalEntry> items = new ArrayList<>();
        for (long k = 1; k <= PAIRS; k++) {
            items.add(AcctEntries.insertItem(k, "t"));
        }
        AcctFixture.commit(db, writer, items);
        long last = 0;
        for (long k = 1; k <= PAIRS; k++) {
            try (Connection early = db.connect()) {
                early.setAutoCommit(false);
                writer.append(early, AcctEntries.insertItem(1000 + k, "early")); // takes the smaller txid
                writer.append(early, AcctEntries.updateItem(1000 + k, 3));
                long earlyTx = Fence.currentTxid(early);
                long lateTx = AcctFixture.commit(db, writer, List.of(AcctEntries.updateItem(k, 1)));
                assertTrue(lateTx > earlyTx, "the second transaction began later");
                writer.append(early, AcctEntries.updateItem(k, 2)); // after the later one committed
                writer.append(early, AcctEntries.updateItem(1000 + k, 4));
                early.commit();
                last = earlyTx;
            }
        }
        // 1 + 2 * PAIRS transactions of 6 * PAIRS rows in all, under sliceRows: one run
        try (Applier applier = Applier.start(new ApplierConfig(db.newPool(4), "acct").sliceRows(1000));
             Fence fence = Fence.open(db.newPool(2))) {
            assertEquals(Fence.Outcome.APPLIED, fence.await("acct", last, Await.SAFETY_NET));
            assertEquals(1 + 2 * PAIRS, applier.stats().appliedTransactions(), "each transaction applied once, whole");
        }
        assertEquals(PAIRS, count(db, "id <= " + PAIRS + " AND val = 2"),
                "every key holds the value of the transaction that committed last");
        assertEquals(PAIRS, count(db, "id > 1000 AND val = 4"), "a transaction's rows are applied in seq order");
    }

    private static int count(TestDatabase db, String where) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM item WHERE " + where)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
