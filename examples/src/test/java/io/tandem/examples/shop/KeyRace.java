package io.tandem.examples.shop;

import io.tandem.examples.shop.v1.Customer;
import io.tandem.examples.shop.v1.ShopV1;
import io.tandem.testing.Await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two transactions of shop v1, on two threads, renaming one customer in interleaved order: the first renames and
 * flushes (its journal row takes the key's lock) and holds its transaction open; the second renames, and its flush
 * is seen waiting on that very lock in {@code pg_locks}; only then does the first commit, and then the second.
 * Which thread goes first is the caller's choice, so the later commit is not always the same connection's.
 */
final class KeyRace implements AutoCloseable {
    private static final String WAITS_ON_KEY_LOCK = "SELECT EXISTS (SELECT 1 FROM pg_locks l,"
            + " (SELECT tandem.key_lock_id('shop', jsonb_build_object('id', ?::bigint)) AS k) h"
            + " WHERE l.pid = ? AND l.locktype = 'advisory' AND NOT l.granted AND l.objsubid = 1"
            + " AND l.classid::bigint = (h.k >> 32) & 4294967295 AND l.objid::bigint = h.k & 4294967295)";
    private static final long TIMEOUT_SECONDS = Await.SAFETY_NET.toSeconds();

    private final ShopV1 shop;
    private final Connection monitor;
    private final ExecutorService left = Executors.newSingleThreadExecutor();
    private final ExecutorService right = Executors.newSingleThreadExecutor();

    /** Races transactions of {@code shop}, watching its lock waits on {@code monitor} (closed with the race). */
    KeyRace(ShopV1 shop, Connection monitor) {
        this.shop = shop;
        this.monitor = monitor;
    }

    /**
     * One round on customer {@code id}: {@code firstName} commits first, {@code laterName} second, after provably
     * waiting for the first's key lock. Returns when both transactions have committed.
     */
    void run(long id, String firstName, String laterName, boolean leftFirst) throws Exception {
        ExecutorService first = leftFirst ? left : right;
        ExecutorService later = leftFirst ? right : left;
        CountDownLatch firstFlushed = new CountDownLatch(1);
        CountDownLatch commitFirst = new CountDownLatch(1);
        Future<?> a = first.submit(() -> shop.inTransactionDo(s -> {
            s.find(Customer.class, id).setFullName(firstName);
            s.flush(); // journaled: holds the key's lock until commit
            firstFlushed.countDown();
            await(commitFirst);
        }));
        await(firstFlushed);
        CompletableFuture<Integer> laterPid = new CompletableFuture<>();
        Future<?> b = later.submit(() -> shop.inTransactionDo(s -> {
            Customer c = s.find(Customer.class, id);
            laterPid.complete(s.doReturningWork(KeyRace::backendPid));
            c.setFullName(laterName); // flushed at commit, where it waits for the first's key lock
        }));
        awaitLockWait(id, laterPid.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertFalse(b.isDone(), "the later transaction finished while waiting on the key lock");
        commitFirst.countDown();
        a.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        b.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** Polls until backend {@code pid} waits for the journal lock of customer {@code id}. */
    private void awaitLockWait(long id, int pid) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        try (PreparedStatement s = monitor.prepareStatement(WAITS_ON_KEY_LOCK)) {
            s.setLong(1, id);
            s.setInt(2, pid);
            while (!waits(s)) {
                assertTrue(System.nanoTime() < deadline, "backend " + pid + " never waited on the key lock of " + id);
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
            }
        }
    }

    private static boolean waits(PreparedStatement s) throws SQLException {
        try (ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static int backendPid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "timed out waiting for the other thread");
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws SQLException {
        left.shutdownNow();
        right.shutdownNow();
        monitor.close();
    }
}
