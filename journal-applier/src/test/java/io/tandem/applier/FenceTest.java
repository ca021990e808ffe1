package io.tandem.applier;

import io.tandem.core.journal.Fence;
import io.tandem.core.journal.JournalEntry;
import io.tandem.core.journal.JournalWriter;
import io.tandem.testing.Await;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Fence}: read-your-writes across transactions, for many concurrent waiters, with timeouts. The timeouts
 * given to fences that must end applied are a safety net ({@link Await#SAFETY_NET}), never a claim about speed.
 */
@PostgresTest
class FenceTest {
    private static JournalWriter writer;
    private static DataSource pool;
    private static Fence fence;

    @BeforeAll
    static void install(TestDatabase db) throws Exception {
        writer = new JournalWriter(List.of(AcctFixture.install(db)));
        pool = db.newPool(20);
        fence = Fence.open(db.newPool(10));
    }

    @AfterAll
    static void close() throws Exception {
        fence.close();
    }

    @Test
    void hundredConcurrentWaitersAllSeeTheirWriteApplied(TestDatabase db) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(100);
        CountDownLatch go = new CountDownLatch(1);
        try (Applier applier = Applier.start(new ApplierConfig(db.newPool(4), "acct"))) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                long id = 1_000 + i;
                results.add(threads.submit(() -> {
                    go.await();
                    long txid = insert(id, id - 1_000, "fence-" + id);
                    Fence.Outcome outcome = fence.await("acct", txid, Await.SAFETY_NET);
                    // Read your writes: once the fence says applied, the physical row is there.
                    return outcome + " " + ApplierBasicsTest.item(db, id);
                }));
            }
            go.countDown();
            for (int i = 0; i < results.size(); i++) {
                assertEquals("APPLIED " + i + "|fence-" + (1_000 + i),
                        results.get(i).get(2 * Await.SAFETY_NET.toSeconds(), TimeUnit.SECONDS));
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aFenceOnANeverAppliedTransactionTimesOut(TestDatabase db) throws Exception {
        long txid = insert(2_000, 2_000, "later"); // no applier runs
        long start = System.nanoTime();
        assertEquals(Fence.Outcome.TIMED_OUT, fence.await("acct", txid, Duration.ofMillis(300)));
        long millis = (System.nanoTime() - start) / 1_000_000;
        // It gave up no earlier than asked (a slower machine only makes this longer); how much later is not its to say.
        assertTrue(millis >= 300, "timed out after " + millis + " ms, before its 300 ms");

        try (Applier applier = Applier.start(new ApplierConfig(db.newPool(4), "acct"))) {
            assertEquals(Fence.Outcome.APPLIED, fence.await("acct", txid, Await.SAFETY_NET));
            assertEquals("2000|later", ApplierBasicsTest.item(db, 2_000));
        }
    }

    @Test
    void aFenceOnATransactionThatJournaledNothingIsAppliedWithoutAnApplier() throws Exception {
        long txid;
        try (Connection c = pool.getConnection()) { // no applier runs
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TEMP TABLE scratch (x int)");
            }
            txid = Fence.currentTxid(c);
            c.commit();
        }
        // No applier runs, so APPLIED (not TIMED_OUT) shows the fence did not wait for one.
        assertEquals(Fence.Outcome.APPLIED, fence.await("acct", txid, Await.SAFETY_NET));
    }

    private static long insert(long id, long val, String token) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            writer.append(c, JournalEntry.insert("acct", 1, "item", Map.of("id", id),
                    Map.of("id", id, "val", val, "token", token)));
            long txid = Fence.currentTxid(c);
            c.commit();
            return txid;
        }
    }
}
