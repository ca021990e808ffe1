package io.tandem.core.journal;

import io.tandem.core.db.TandemSchema;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The journal's insert trigger: a per-key lock before seq allocation, and a txid nobody can forge. */
@PostgresTest
class PerKeyOrderTest {

    @BeforeAll
    static void install(TestDatabase db) {
        TandemSchema.install(db.dataSource());
    }

    @Test
    void aSecondWriterOfTheSameKeyAllocatesItsSeqOnlyAfterTheFirstCommits(TestDatabase db) throws Exception {
        try (Connection first = db.connect(); Connection second = db.connect()) {
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            long firstSeq = append(first, "{\"id\": 7}");
            long firstOther = append(first, "{\"id\": 8}");
            CompletableFuture<Long> secondSeq = CompletableFuture.supplyAsync(() -> {
                try {
                    long seq = append(second, "{\"id\": 7}");
                    second.commit();
                    return seq;
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThrows(TimeoutException.class, () -> secondSeq.get(300, TimeUnit.MILLISECONDS),
                    "the second writer of key 7 waits for the first transaction");
            long firstLast = append(first, "{\"id\": 9}");
            first.commit();
            long seq = secondSeq.get(10, TimeUnit.SECONDS);
            assertTrue(seq > firstLast && firstLast > firstOther && firstOther > firstSeq,
                    "the later commit has the larger seq: " + seq + " vs " + firstLast);
        }
    }

    /**
     * One row, written under three spellings of its key — a number with a fraction part, another version's name for
     * the key field, a string — and a composite key in another field order: each later writer waits on the lock the
     * first writer's journal row took (seen in {@code pg_locks}, the id {@code tandem.key_lock_id} gives), and
     * {@code tandem.lock_key} takes that same lock.
     */
    @Test
    void everySpellingOfOneRowsKeyTakesTheSameLock(TestDatabase db) throws Exception {
        for (String[] spellings : new String[][]{
                {"{\"id\": 5}", "{\"id\": 5.0}"},
                {"{\"id\": 5}", "{\"customer_id\": 5}"},
                {"{\"id\": 5}", "{\"id\": \"5\"}"},
                {"{\"a\": 1, \"b\": \"X\"}", "{\"b\": \"x\", \"a\": 1.00}"}}) {
            try (Connection first = db.connect(); Connection second = db.connect(); Connection monitor = db.connect()) {
                first.setAutoCommit(false);
                append(first, spellings[0]);
                long lockId = lockId(monitor, spellings[1]);
                assertEquals(lockId, lockId(monitor, spellings[0]), spellings[1]);
                int secondPid = pid(second);
                second.setAutoCommit(false);
                CompletableFuture<Long> waiting = CompletableFuture.supplyAsync(() -> {
                    try {
                        return append(second, spellings[1]);
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                io.tandem.testing.Await.until(spellings[1] + " waits on the lock of " + spellings[0],
                        () -> waitsOn(monitor, secondPid, lockId));
                assertFalse(waiting.isDone());
                first.commit();
                waiting.get(60, TimeUnit.SECONDS);
                try (PreparedStatement s = second.prepareStatement("SELECT tandem.lock_key('shop', ?::jsonb)")) {
                    s.setString(1, spellings[0]);
                    s.execute();
                }
                assertTrue(holds(monitor, secondPid, lockId), "lock_key takes the trigger's lock");
                second.rollback();
            }
        }
    }

    private static long lockId(Connection c, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT tandem.key_lock_id('shop', ?::jsonb)")) {
            s.setString(1, key);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static int pid(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_backend_pid()"); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static boolean waitsOn(Connection monitor, int pid, long lockId) throws SQLException {
        return advisory(monitor, pid, lockId, false);
    }

    private static boolean holds(Connection monitor, int pid, long lockId) throws SQLException {
        return advisory(monitor, pid, lockId, true);
    }

    /** pg_locks shows a bigint advisory key as (classid, objid) = (high 32 bits, low 32 bits), objsubid 1. */
    private static boolean advisory(Connection monitor, int pid, long lockId, boolean granted) throws SQLException {
        try (PreparedStatement s = monitor.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_locks l"
                + " WHERE l.pid = ? AND l.locktype = 'advisory' AND l.granted = ? AND l.objsubid = 1"
                + " AND l.classid::bigint = (?::bigint >> 32) & 4294967295 AND l.objid::bigint = ?::bigint & 4294967295)")) {
            s.setInt(1, pid);
            s.setBoolean(2, granted);
            s.setLong(3, lockId);
            s.setLong(4, lockId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    @Test
    void differentKeysDoNotWaitForEachOther(TestDatabase db) throws Exception {
        try (Connection first = db.connect(); Connection second = db.connect()) {
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            append(first, "{\"id\": 100}");
            CompletableFuture<Long> other = CompletableFuture.supplyAsync(() -> {
                try {
                    return append(second, "{\"id\": 101}");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            other.get(5, TimeUnit.SECONDS);
            first.rollback();
            second.rollback();
        }
    }

    @Test
    void txidIsTheWritingTransactionAndAClaimedOneIsRefused(TestDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("INSERT INTO tandem.journal (app, app_version, entity, op, key)"
                    + " VALUES ('shop', 1, 'customer', 'delete', '{\"id\": 1}') RETURNING txid = pg_current_xact_id()");
                 ResultSet rs = s.executeQuery()) {
                rs.next();
                assertTrue(rs.getBoolean(1));
            }
            c.rollback();
            SQLException claimed = assertThrows(SQLException.class, () -> {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO tandem.journal (txid, app, app_version,"
                        + " entity, op, key) SELECT pg_current_xact_id(), 'shop', 1, 'customer', 'delete', '{\"id\": 1}'::jsonb"
                        + " UNION ALL SELECT '5'::xid8, 'shop', 1, 'customer', 'delete', '{\"id\": 2}'::jsonb")) {
                    s.executeUpdate();
                }
            });
            assertTrue(claimed.getMessage().contains("must be the writing transaction's id"), claimed.getMessage());
            c.rollback();
        }
    }

    @Test
    void appendFunctionReturnsTheSeq(TestDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            long seq = append(c, "{\"id\": 55}");
            try (PreparedStatement s = c.prepareStatement("SELECT entity, op FROM tandem.journal WHERE seq = ?")) {
                s.setLong(1, seq);
                try (ResultSet rs = s.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals("customer", rs.getString(1));
                    assertEquals("insert", rs.getString(2));
                    assertFalse(rs.next());
                }
            }
        }
    }

    private static long append(Connection c, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT tandem.append('shop', 1, 'customer', 'insert', ?::jsonb, ?::jsonb)")) {
            s.setString(1, key);
            s.setString(2, key);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
