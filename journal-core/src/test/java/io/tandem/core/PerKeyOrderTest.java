package io.tandem.core;

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
    void txidIsTheWritingTransactionWhateverTheClientClaims(TestDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("INSERT INTO tandem.journal (txid, app, app_version, entity, op, key)"
                    + " VALUES ('5'::xid8, 'shop', 1, 'customer', 'delete', '{\"id\": 1}') RETURNING txid = pg_current_xact_id()");
                 ResultSet rs = s.executeQuery()) {
                rs.next();
                assertTrue(rs.getBoolean(1));
            }
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
