package io.tandem.applier;

import io.tandem.core.db.ApplierState;
import io.tandem.core.journal.Fence;
import io.tandem.core.journal.RejectedTransactionException;
import io.tandem.testing.Await;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input gives a clear error and loses nothing (docs/applier.md, "Rejects"): a source transaction with one bad journal row (written with a
 * plain SQL INSERT, after a good row of the same transaction) is never applied in part. Under HALT the applier
 * stops just before it, says which row, why and how to resume, and a fence on it throws; restarted with SKIP it
 * moves the whole transaction to tandem.rejects and goes on. Every journal row ends applied or rejected.
 */
@PostgresTest
class RejectTest {
    /** The kinds of bad row, each with what its reason must say. */
    enum Bad {
        UNKNOWN_VERSION("9, 'item', 'insert', '{\"id\": %1$d}', '{\"id\": %1$d, \"val\": 1, \"token\": \"x\"}', NULL",
                "no live version 9"),
        UNKNOWN_ENTITY("1, 'nosuch', 'insert', '{\"id\": %1$d}', '{\"id\": %1$d}', NULL", "no entity 'nosuch'"),
        WRONG_TYPE("1, 'item', 'update', '{\"id\": %2$d}', '{\"val\": \"abc\"}', ARRAY['val']", "val"),
        MISSING_KEY("1, 'item', 'update', '{}', '{\"val\": 1}', ARRAY['val']", "key field 'id'"),
        UNKNOWN_FIELD("1, 'item', 'insert', '{\"id\": %1$d}', '{\"id\": %1$d, \"val\": 1, \"colour\": \"red\"}', NULL",
                "colour"),
        CHECK_VIOLATION("1, 'line', 'insert', '{\"id\": %1$d}', '{\"id\": %1$d, \"item_id\": %2$d, \"amount\": -1}', NULL",
                "line_amount_check"),
        MISSING_PARENT("1, 'line', 'insert', '{\"id\": %1$d}', '{\"id\": %1$d, \"item_id\": 999999, \"amount\": 1}', NULL",
                "line_item_id_fkey");

        final String values;
        final String why;

        Bad(String values, String why) {
            this.values = values;
            this.why = why;
        }
    }

    private static DataSource pool;
    private static Fence fence;

    @BeforeAll
    static void install(TestDatabase db) throws Exception {
        AcctFixture.install(db);
        pool = db.newPool(6);
        fence = Fence.open(db.newPool(3));
    }

    @AfterAll
    static void close() throws Exception {
        fence.close();
    }

    @ParameterizedTest
    @EnumSource(Bad.class)
    void haltsBeforeTheTransactionThenSkipMovesItToRejects(Bad bad, TestDatabase db) throws Exception {
        long base = 100L * (bad.ordinal() + 1);
        long before = write(good(base + 1));
        long culprit = write(good(base + 2), bad.values.formatted(base + 3, base + 2));
        long after = write(good(base + 4));

        Applier halting = Applier.start(new ApplierConfig(db.newPool(4), "acct").onReject(RejectPolicy.HALT));
        try {
            Await.until("the applier halts", () -> halting.state() == ApplierState.HALTED);
            assertEquals(Fence.Outcome.APPLIED, fence.await("acct", before, Await.SAFETY_NET));
            assertEquals("1|good", ApplierBasicsTest.item(db, base + 1), "the transaction before is applied");
            assertNull(ApplierBasicsTest.item(db, base + 2), "no part of the bad transaction is applied");
            assertNull(ApplierBasicsTest.item(db, base + 4), "nothing after the bad transaction is applied");
            String reason = halting.haltedReason();
            assertTrue(reason.contains(bad.why), reason);
            assertTrue(reason.contains("seq") && reason.contains(Long.toString(culprit)), "names the row: " + reason);
            assertTrue(reason.contains("restart") && reason.contains("--on-reject skip"), "says how to resume: " + reason);
            assertEquals(List.of("halted", Long.toString(culprit), reason), stateRow());
            RejectedTransactionException e = assertThrows(RejectedTransactionException.class,
                    () -> fence.await("acct", culprit, Await.SAFETY_NET));
            assertTrue(e.getMessage().contains(bad.why), e.getMessage());
            assertEquals(Fence.Outcome.TIMED_OUT, fence.await("acct", after, Duration.ofMillis(200)));
        } finally {
            halting.close();
        }
        assertEquals(ApplierState.HALTED, halting.state());
        assertEquals("halted", stateRow().get(0), "a halted applier that is closed stays halted in the table");

        try (Applier skipping = Applier.start(new ApplierConfig(db.newPool(4), "acct").onReject(RejectPolicy.SKIP))) {
            assertEquals(Fence.Outcome.APPLIED, fence.await("acct", after, Await.SAFETY_NET));
            assertEquals("1|good", ApplierBasicsTest.item(db, base + 4), "restarted with skip, the applier goes on");
            RejectedTransactionException e = assertThrows(RejectedTransactionException.class,
                    () -> fence.await("acct", culprit, Await.SAFETY_NET));
            assertTrue(e.getMessage().contains("tandem.rejects") && e.getMessage().contains(bad.why), e.getMessage());
            assertNull(ApplierBasicsTest.item(db, base + 2), "no part of the rejected transaction is applied");
            assertRejectedWhole(culprit, bad.why);
            assertEquals(ApplierState.RUNNING, skipping.state());
            assertEquals(1, skipping.stats().rejectedTransactions());
        }
        assertNothingLost();
    }

    @Test
    void skipPolicyRejectsEveryBadTransactionWhileTheOthersGoOn(TestDatabase db) throws Exception {
        try (Applier applier = Applier.start(new ApplierConfig(db.newPool(4), "acct").onReject(RejectPolicy.SKIP))) {
            List<long[]> goods = new ArrayList<>();
            List<Long> culprits = new ArrayList<>();
            for (Bad bad : Bad.values()) {
                long base = 10_000L + 100L * bad.ordinal();
                goods.add(new long[]{write(good(base + 1)), base + 1});
                culprits.add(write(good(base + 2), bad.values.formatted(base + 3, base + 2)));
                goods.add(new long[]{write(good(base + 4)), base + 4});
            }
            for (long[] g : goods) {
                assertEquals(Fence.Outcome.APPLIED, fence.await("acct", g[0], Await.SAFETY_NET));
                assertEquals("1|good", ApplierBasicsTest.item(db, g[1]));
            }
            for (int i = 0; i < culprits.size(); i++) {
                Bad bad = Bad.values()[i];
                long culprit = culprits.get(i);
                RejectedTransactionException e = assertThrows(RejectedTransactionException.class,
                        () -> fence.await("acct", culprit, Await.SAFETY_NET), bad.name());
                assertTrue(e.getMessage().contains(bad.why), e.getMessage());
                assertRejectedWhole(culprit, bad.why);
                assertNull(ApplierBasicsTest.item(db, 10_000L + 100L * bad.ordinal() + 2), bad.name());
            }
            assertEquals(ApplierState.RUNNING, applier.state());
            assertEquals(Bad.values().length, applier.stats().rejectedTransactions());
        }
        assertNothingLost();
    }

    private static String good(long id) {
        return "1, 'item', 'insert', '{\"id\": " + id + "}', '{\"id\": " + id + ", \"val\": 1, \"token\": \"good\"}', NULL";
    }

    /** Writes one transaction of plain journal INSERTs; returns its txid. */
    private static long write(String... rows) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String row : rows) {
                    s.execute("INSERT INTO tandem.journal (app, app_version, entity, op, key, data, changed)"
                            + " VALUES ('acct', " + row + ")");
                }
            }
            long txid = Fence.currentTxid(c);
            c.commit();
            return txid;
        }
    }

    private static List<String> stateRow() throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT state, halted_txid::text, halted_reason FROM tandem.applier_state"
                     + " WHERE app = 'acct'")) {
            rs.next();
            return List.of(rs.getString(1), String.valueOf(rs.getString(2)), String.valueOf(rs.getString(3)));
        }
    }

    /** Every journal row of {@code txid} is in tandem.rejects, once, with a reason that says why. */
    private static void assertRejectedWhole(long txid, String why) throws SQLException {
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT (SELECT array_agg(seq ORDER BY seq) FROM tandem.journal WHERE txid = ?::text::xid8)::text,"
                        + " (SELECT array_agg(seq ORDER BY seq) FROM tandem.rejects WHERE txid = ?::text::xid8)::text,"
                        + " (SELECT string_agg(DISTINCT reason, ' / ') FROM tandem.rejects WHERE txid = ?::text::xid8)")) {
            for (int i = 1; i <= 3; i++) {
                s.setString(i, Long.toString(txid));
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                assertEquals(rs.getString(1), rs.getString(2), "rows of rejected transaction " + txid + " in tandem.rejects");
                assertTrue(rs.getString(3).contains(why), rs.getString(3));
            }
        }
    }

    /** Every committed journal row is covered by the applier's position, and rejected rows are in tandem.rejects. */
    private static void assertNothingLost() throws SQLException {
        assertEquals(0, Workload.pending(pool), "journal rows not applied, not rejected");
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM tandem.journal j WHERE EXISTS (SELECT 1 FROM"
                     + " tandem.rejects r WHERE r.txid = j.txid) AND NOT EXISTS (SELECT 1 FROM tandem.rejects r"
                     + " WHERE r.seq = j.seq)")) {
            rs.next();
            assertEquals(0, rs.getLong(1), "rows of a rejected transaction missing from tandem.rejects");
        }
    }
}
