package io.tandem.core.journal;

import io.tandem.core.db.TandemSchema;
import io.tandem.testing.Await;
import io.tandem.testing.PostgresServer;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal's format checks (op, key) are the insert trigger's since Tandem schema 16, and the upgrade to 17 drops
 * the {@code CHECK} constraints that made them before, from the journal and from each partition.
 */
@PostgresTest
class JournalFormatCheckTest {

    @Test
    void anUnknownOpOrAKeyThatIsNotAnObjectIsRefusedSayingWhatToFixAfterTheConstraintsAreGone(TestDatabase db)
            throws Exception {
        TandemSchema.installUpTo(db.dataSource(), "16");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            // the partitions after the first were made as maintenance makes them, LIKE the journal
            assertEquals(2 * 4, checks(s), "before: the journal and its three partitions each have both checks");
        }

        TandemSchema.install(db.dataSource());

        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            assertEquals(0, checks(s), "no CHECK constraint is left on the journal or a partition");
            SQLException op = assertThrows(SQLException.class, () -> s.execute("INSERT INTO tandem.journal"
                    + " (app, app_version, entity, op, key) VALUES ('shop', 1, 'customer', 'upsert', '{\"id\": 1}')"));
            assertEquals("23514", op.getSQLState());
            assertTrue(op.getMessage().contains("tandem.journal.op must be insert, update or delete, not 'upsert'"
                    + " (entity shop.customer key {\"id\": 1})"), op.getMessage());
            SQLException key = assertThrows(SQLException.class, () -> s.execute("INSERT INTO tandem.journal"
                    + " (app, app_version, entity, op, key) VALUES ('shop', 1, 'customer', 'delete', '[1]')"));
            assertEquals("23514", key.getSQLState());
            assertTrue(key.getMessage().contains("tandem.journal.key must be a JSON object of the key fields, e.g."
                    + " {\"id\": 42}, not [1] (entity shop.customer)"), key.getMessage());
            s.execute("INSERT INTO tandem.journal (app, app_version, entity, op, key) VALUES ('shop', 1, 'customer',"
                    + " 'delete', '{\"id\": 1}')");
            assertEquals(1, number(s, "SELECT count(*) FROM tandem.journal"));
        }
    }

    /**
     * A partition an interrupted {@code DETACH ... CONCURRENTLY} left half-detached keeps its inherited copy (it
     * cannot lose it, and takes no rows); the upgrade still drops every other one and completes.
     */
    @Test
    void theUpgradeCompletesWithAPartitionLeftHalfDetached() throws Exception {
        String name = "format_check_detach_pending";
        try (TestDatabase db = PostgresServer.get().createDatabase(name)) {
            TandemSchema.installUpTo(db.dataSource(), "16");
            try (Connection holder = db.connect(); Connection detacher = db.connect();
                 Statement hold = holder.createStatement(); Statement s = detacher.createStatement()) {
                holder.setAutoCommit(false);
                hold.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                number(hold, "SELECT count(*) FROM tandem.journal"); // a snapshot the detach must wait for
                int pid = (int) number(s, "SELECT pg_backend_pid()");
                CompletableFuture<Void> detach = CompletableFuture.runAsync(() -> {
                    try {
                        s.execute("ALTER TABLE tandem.journal DETACH PARTITION tandem.journal_overflow CONCURRENTLY");
                    } catch (SQLException e) {
                        throw new CompletionException(e);
                    }
                });
                try (Connection c = db.connect(); Statement admin = c.createStatement()) {
                    Await.until("the detach waits for the old snapshot", () -> number(admin, "SELECT count(*) FROM"
                            + " pg_inherits WHERE inhdetachpending") == 1);
                    admin.execute("SELECT pg_cancel_backend(" + pid + ")");
                }
                assertThrows(CompletionException.class, detach::join, "the detach was interrupted");
                holder.rollback();
            }
            TandemSchema.install(db.dataSource());
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                assertEquals(2, checks(s), "only the half-detached partition keeps its two checks");
                assertEquals(1, number(s, "SELECT count(*) FROM pg_inherits WHERE inhdetachpending"));
                assertEquals(TandemSchema.CURRENT_VERSION, TandemSchema.installedVersion(c));
            }
        } finally {
            PostgresServer.get().dropDatabase(name);
        }
    }

    private static long checks(Statement s) throws SQLException {
        return number(s, """
                SELECT count(*) FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
                 WHERE k.contype = 'c' AND k.conname IN ('journal_op_check', 'journal_key_is_object')
                   AND c.relnamespace = 'tandem'::regnamespace""");
    }

    private static long number(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
