package io.tandem.core.db;

import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tandem schema 7: {@code tandem.lock_key} and {@code tandem.unapplied_version_change} (optimistic locking). */
@PostgresTest
class OptimisticLockFunctionsTest {
    private static final String APP = "lockshop";

    @BeforeAll
    static void install(TestDatabase db) {
        TandemSchema.install(db.dataSource());
    }

    @Test
    void lockKeyIsTheJournalInsertTriggersLock(TestDatabase db) throws Exception {
        try (Connection writer = db.connect(); Connection locker = db.connect()) {
            writer.setAutoCommit(false);
            locker.setAutoCommit(false);
            journal(writer, "{\"id\": 1}", "update", "{\"version\": 2}", "{version}");
            CompletableFuture<Void> lock = CompletableFuture.runAsync(() -> {
                try (Statement s = locker.createStatement()) {
                    s.execute("SELECT tandem.lock_key('" + APP + "', '{\"id\": 1}')");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThrows(TimeoutException.class, () -> lock.get(300, TimeUnit.MILLISECONDS),
                    "lock_key waits for the transaction that journaled the key");
            writer.commit();
            lock.get(10, TimeUnit.SECONDS);
            locker.rollback();
        }
    }

    @Test
    void answersWhetherAnotherTransactionsUnappliedRowChangedTheField(TestDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            applyEverything(c);
            journal(c, "{\"id\": 10}", "update", "{\"email\": \"x\"}", "{email}");
            journal(c, "{\"id\": 11}", "update", "{\"version\": 4}", "{version}");
            journal(c, "{\"id\": 12}", "update", "{\"version\": 4}", null);
            journal(c, "{\"id\": 13}", "delete", null, null);
            assertFalse(changed(c, "{\"id\": 10}"), "another field changed: no conflict");
            assertTrue(changed(c, "{\"id\": 11}"), "the version field is in changed");
            assertTrue(changed(c, "{\"id\": 12}"), "changed null: every field in data");
            assertTrue(changed(c, "{\"id\": 13}"), "a delete");
            assertFalse(changed(c, "{\"id\": 14}"), "no row for the key");

            applyEverything(c);
            assertFalse(changed(c, "{\"id\": 11}"), "applied");
        }
    }

    @Test
    void theCallersOwnRowsAndAPartiallyAppliedBatchDoNotCount(TestDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            applyEverything(c);
            long seq = journal(c, "{\"id\": 20}", "update", "{\"version\": 2}", "{version}");
            c.setAutoCommit(false);
            journal(c, "{\"id\": 21}", "update", "{\"version\": 2}", "{version}");
            assertFalse(changed(c, "{\"id\": 21}"), "the caller's own transaction");
            c.rollback();
            c.setAutoCommit(true);

            c.createStatement().execute("UPDATE tandem.applier_state SET batch_snapshot = pg_current_snapshot(),"
                    + " batch_done_seq = " + (seq - 1) + " WHERE app = '" + APP + "'");
            assertTrue(changed(c, "{\"id\": 20}"), "in the batch, not applied yet");
            c.createStatement().execute("UPDATE tandem.applier_state SET batch_done_seq = " + seq
                    + " WHERE app = '" + APP + "'");
            assertFalse(changed(c, "{\"id\": 20}"), "in the batch's applied part");
        }
    }

    /** The applier's position covers every transaction committed so far; no batch in progress. */
    private static void applyEverything(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO tandem.applier_state (app, applied_snapshot) VALUES ('" + APP + "',"
                    + " pg_current_snapshot()) ON CONFLICT (app) DO UPDATE SET applied_snapshot ="
                    + " excluded.applied_snapshot, batch_snapshot = NULL, batch_done_seq = NULL");
        }
    }

    private static boolean changed(Connection c, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT tandem.unapplied_version_change(?, 'item', ?::jsonb, 'version')")) {
            s.setString(1, APP);
            s.setString(2, key);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static long journal(Connection c, String key, String op, String data, String changed) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT tandem.append(?, 1, 'item', ?, ?::jsonb, ?::jsonb,"
                + " ?::text[])")) {
            s.setString(1, APP);
            s.setString(2, op);
            s.setString(3, key);
            s.setString(4, data);
            s.setString(5, changed);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void onlyGrantedRolesMayAsk(TestDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("CREATE ROLE lockshop_stranger NOLOGIN");
            s.execute("SET ROLE lockshop_stranger");
            SQLException e = assertThrows(SQLException.class, () -> changed(c, "{\"id\": 1}"));
            assertEquals("42501", e.getSQLState(), e.getMessage());
            c.rollback();
        }
    }
}
