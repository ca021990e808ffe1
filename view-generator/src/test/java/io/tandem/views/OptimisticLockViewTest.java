package io.tandem.views;

import io.tandem.core.db.TandemSchema;
import io.tandem.core.definitions.VersionDefinition;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The optimistic-lock step of a versioned entity's trigger, in SQL (no applier: the tests move the physical rows
 * and the applier's position themselves). An UPDATE or DELETE through the view that matched a version another
 * transaction has already changed — committed, applied or not — counts 0 rows and journals nothing.
 */
@PostgresTest
class OptimisticLockViewTest {
    private static final String ROLE = "locks_v1_optlock";
    private static final VersionDefinition LOCKS = Shop.definition("""
            app: locks
            version: 1
            entities:
              counter:
                key: [id]
                from: counter c
                version_field: version
                fields:
                  id:      { type: bigint,  read: c.id }
                  n:       { type: integer, read: c.n }
                  version: { type: integer, read: c.version }
                writes:
                  - table: counter
                    key: { id: ":id" }
                    set: { n: ":n", version: ":version" }
              note:
                key: [id]
                from: note t
                fields:
                  id:   { type: bigint, read: t.id }
                  text: { type: text,   read: t.text }
                writes:
                  - table: note
                    key: { id: ":id" }
                    set: { text: ":text" }
            """);

    @BeforeAll
    static void setUp(TestDatabase db) throws Exception {
        TandemSchema.install(db.dataSource());
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE counter (id bigint PRIMARY KEY, n int NOT NULL, version int NOT NULL)");
            s.execute("CREATE TABLE note (id bigint PRIMARY KEY, text text)");
            assertEquals(List.of(), new Lint().check(c, List.of(LOCKS)));
            Shop.runInOneTransaction(c, new ViewGenerator(RoleNaming.pattern("%s_v%d_optlock")).statements(c, LOCKS));
        }
    }

    /** Counter 1 at version 0, applied; the applier's position covers everything committed so far. */
    @BeforeEach
    void reset(TestDatabase db) throws Exception {
        sql(db, "DELETE FROM counter", "INSERT INTO counter VALUES (1, 0, 0)",
                "INSERT INTO tandem.applier_state (app) VALUES ('locks') ON CONFLICT (app) DO NOTHING");
        applyEverything(db);
    }

    @Test
    void anUpdateOrDeleteOfAVersionChangedByAnUnappliedCommitMatchesNoRow(TestDatabase db) throws Exception {
        try (Connection first = db.connect(); Connection second = asRole(db)) {
            assertEquals(1, update(first, 0), "the first writer of version 0");
            assertEquals("0", one(db, "SELECT version FROM locks_v1.counter WHERE id = 1"), "not applied yet");
            long journaled = journalRows(db);
            assertEquals(0, update(second, 0), "version 0 is stale: another transaction committed version 1");
            assertEquals(0, delete(second, 0), "a delete of the stale version too");
            assertEquals(journaled, journalRows(db), "the stale writer journaled nothing");

            sql(db, "UPDATE counter SET n = 1, version = 1");   // what the applier does ...
            applyEverything(db);                                // ... with its position, in one transaction
            assertEquals(1, update(second, 1), "the applied version is current");
            assertEquals(journaled + 1, journalRows(db));
        }
    }

    @Test
    void aWriterWaitsForAnOpenTransactionOfTheKeyAndSeesItsOutcome(TestDatabase db) throws Exception {
        try (Connection first = db.connect(); Connection second = asRole(db)) {
            first.setAutoCommit(false);
            assertEquals(1, update(first, 0));
            CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> update(second, 0));
            assertThrows(TimeoutException.class, () -> waiting.get(300, TimeUnit.MILLISECONDS),
                    "the second writer waits for the first transaction of the key");
            first.commit();
            assertEquals(0, waiting.get(10, TimeUnit.SECONDS), "it committed version 1: version 0 is stale");

            applyEverything(db);
            sql(db, "UPDATE counter SET version = 1");
            first.setAutoCommit(false);
            assertEquals(1, update(first, 1));
            CompletableFuture<Integer> afterRollback = CompletableFuture.supplyAsync(() -> update(second, 1));
            assertThrows(TimeoutException.class, () -> afterRollback.get(300, TimeUnit.MILLISECONDS));
            first.rollback();
            assertEquals(1, afterRollback.get(10, TimeUnit.SECONDS), "it rolled back: version 1 is still current");
        }
    }

    @Test
    void aVersionAppliedAfterTheStatementsSnapshotIsSeenByTheCheck(TestDatabase db) throws Exception {
        try (Connection applier = db.connect(); Connection second = asRole(db)) {
            applier.setAutoCommit(false);
            try (Statement s = applier.createStatement()) {
                // holds the key's lock while it moves the physical version, as if it applied a commit meanwhile
                s.execute("SELECT tandem.lock_key('locks', '{\"id\": 1}')");
                s.execute("UPDATE counter SET version = 5");
            }
            CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> update(second, 0));
            assertThrows(TimeoutException.class, () -> waiting.get(300, TimeUnit.MILLISECONDS));
            applier.commit();
            assertEquals(0, waiting.get(10, TimeUnit.SECONDS),
                    "the statement's snapshot showed version 0, the check's fresh one shows 5");
        }
    }

    @Test
    void anEntityWithoutAVersionFieldHasNoExtraStep(TestDatabase db) throws Exception {
        String counter = one(db, "SELECT pg_get_functiondef('locks_v1.counter_write'::regproc)");
        String note = one(db, "SELECT pg_get_functiondef('locks_v1.note_write'::regproc)");
        assertTrue(counter.contains("tandem.lock_key(") && counter.contains("tandem.unapplied_version_change("),
                counter);
        assertFalse(note.contains("lock_key") || note.contains("unapplied_version_change"), note);
    }

    private static int update(Connection c, int version) {
        return execute(c, "UPDATE locks_v1.counter SET n = n + 1, version = " + (version + 1) + " WHERE id = 1"
                + " AND version = " + version);
    }

    private static int delete(Connection c, int version) {
        return execute(c, "DELETE FROM locks_v1.counter WHERE id = 1 AND version = " + version);
    }

    private static int execute(Connection c, String sql) {
        try (Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A connection of the version's role: the step runs with the app's rights. */
    private static Connection asRole(TestDatabase db) throws SQLException {
        Connection c = db.connect();
        try (Statement s = c.createStatement()) {
            s.execute("SET ROLE " + ROLE);
        }
        return c;
    }

    private static void applyEverything(TestDatabase db) throws SQLException {
        sql(db, "UPDATE tandem.applier_state SET applied_snapshot = pg_current_snapshot() WHERE app = 'locks'");
    }

    private static long journalRows(TestDatabase db) throws SQLException {
        return Long.parseLong(one(db, "SELECT count(*) FROM tandem.journal WHERE app = 'locks'"));
    }

    private static void sql(TestDatabase db, String... statements) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static String one(TestDatabase db, String query) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            assertTrue(rs.next(), query);
            return rs.getString(1);
        }
    }
}
