package io.tandem.views;

import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.core.TandemException;
import io.tandem.core.db.LockNames;
import io.tandem.core.db.TrackRow;
import io.tandem.core.definitions.Release;
import io.tandem.testing.Await;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A switch creates its views before it holds anything: meanwhile the app reads and writes the views it has, and
 * after the commit the new ones read the new tables — their own-writes function and their write triggers (which
 * name tables and key sequences as text) included, for a table whose key is an IDENTITY column, whose sequence
 * moves with it. A revert does the same the other way.
 */
@PostgresTest
class StagedViewsTest {
    private static final String V1 = """
            app: stage
            version: 1
            entities:
              item:
                key: [id]
                from: item i
                fields:
                  id:   { type: bigint, read: i.id }
                  name: { type: text,   read: i.name }
                writes:
                  - table: item
                    key: { id: ":id" }
                    set: { name: ":name" }
            """;
    static final String V2 = """
            app: stage
            version: 2
            entities:
              item:
                key: [id]
                from: item i
                fields:
                  id:         { type: bigint, read: i.id }
                  name:       { type: text,   read: i.name }
                  upper_name: { type: text,   read: i.upper_name }
                writes:
                  - table: item
                    key: { id: ":id" }
                    set: { name: ":name", upper_name: ":upper_name" }
            """;
    /** Version 2 over release 1's table, so that a revert keeps it. */
    private static final String PREVIOUS_V2 = """
            app: stage
            version: 2
            entities:
              item:
                key: [id]
                from: item i
                fields:
                  id:         { type: bigint, read: i.id }
                  name:       { type: text,   read: i.name }
                  upper_name: { type: text,   read: upper(i.name) }
                writes:
                  - table: item
                    key: { id: ":id" }
                    set: { name: ":name" }
            """;
    /** A read-only entity that names the rewritten table with its schema. */
    static final String LEGACY = """
              legacy:
                key: [id]
                from: public.item l
                fields:
                  id:   { type: bigint, read: l.id }
                  name: { type: text,   read: l.name }
            """;

    private final List<String> progress = Collections.synchronizedList(new ArrayList<>());

    @Test
    void theViewsAreCreatedBeforeTheSwitchHoldsAnythingAndReadTheNewTables(TestDatabase db, @TempDir Path dir)
            throws Exception {
        Release r2 = releases(db, dir, V2);
        OnlineReleaseTest.login(db, "stage_app1", "stage_v1_app");
        AtomicReference<Throwable> whileStaged = new AtomicReference<>();
        List<String> checked = Collections.synchronizedList(new ArrayList<>());
        try (Applier applier = Applier.start(new ApplierConfig(db.newPool(8), "stage"));
             HikariDataSource app = OnlineReleaseTest.pool(db, "stage_app1")) {
            for (int i = 1; i <= 20; i++) {
                insert(app, "stage_v1", "item " + i);
            }
            drain(db);
            long before = oid(app, "stage_v1.item");

            AtomicBoolean first = new AtomicBoolean(true);
            MigrationReport report = new Migrator(db.dataSource()).progress(step -> {
                progress.add(step);
                if (step.startsWith("Switch: views and grants created in") && first.getAndSet(false)) {
                    try { // the new views exist in the switch's transaction only; the app has the old ones
                        assertEquals(before, oid(app, "stage_v1.item"), "the app still resolves the old view");
                        insert(app, "stage_v1", "during staging");
                        checked.add("read and written");
                        endLockSession(db); // the release goes on: its lock's connection is only held
                    } catch (Throwable t) {
                        whileStaged.set(t);
                    }
                }
            }).migrate(r2);
            assertNull(whileStaged.get(), () -> "while the switch's views were staged: " + whileStaged.get());
            assertEquals(List.of("read and written"), checked, String.join("\n", progress));
            assertEquals("online", report.mode());
            assertTrue(progress.stream().anyMatch(step -> step.startsWith("The release lock of app stage ended with"
                    + " its connection")), () -> "the lock's session ended during the release:\n"
                    + String.join("\n", progress));
            assertTrue(progress.stream().anyMatch(step -> step.startsWith("Switch: views dropped in")
                    && step.contains(", definitions stored in ")),
                    () -> "the hold did not create the views again:\n" + String.join("\n", progress));
            assertNotEquals(before, oid(app, "stage_v1.item"), "the switch replaced the view");
            assertEquals(0, OnlineReleaseTest.count(db, "SELECT count(*) FROM pg_namespace"
                    + " WHERE nspname LIKE 'tandem_aside_%'"), "no set-aside views are left");

            OnlineReleaseTest.login(db, "stage_app2", "stage_v2_app");
            try (HikariDataSource app2 = OnlineReleaseTest.pool(db, "stage_app2")) {
                assertOwnWritesAndKeys(app, "stage_v1", "UPDATE stage_v1.item SET name = 'renamed' WHERE id = 1",
                        "SELECT name FROM stage_v1.item WHERE id = 1", "renamed");
                assertOwnWritesAndKeys(app2, "stage_v2", "UPDATE stage_v2.item SET upper_name = 'SHOUT' WHERE id = 2",
                        "SELECT upper_name FROM stage_v2.item WHERE id = 2", "SHOUT");
            }
            drain(db);
            assertEquals("renamed", OnlineReleaseTest.text(db, "SELECT name FROM public.item WHERE id = 1"));
            assertEquals("SHOUT", OnlineReleaseTest.text(db, "SELECT upper_name FROM public.item WHERE id = 2"));
            assertEquals(23, OnlineReleaseTest.count(db, "SELECT count(DISTINCT id) FROM public.item"),
                    "20 seeded, one written while staged, one by each version after: distinct keys");
            assertEquals(23, OnlineReleaseTest.count(db, "SELECT last_value FROM public.item_id_seq"),
                    "the keys were drawn from the sequence of the table that is live now");

            try (Connection migrating = db.connect(); PreparedStatement lock = migrating.prepareStatement(
                    "SELECT pg_advisory_lock(hashtextextended(?, 0))")) { // what a running migrate holds
                lock.setString(1, LockNames.migrate("stage"));
                lock.execute();
                TandemException busy = assertThrows(TandemException.class,
                        () -> new ReleaseControl(db.dataSource()).revert("stage"));
                assertTrue(busy.getMessage().contains("is running: revert once it has ended")
                        && busy.getMessage().endsWith("Nothing changed."), busy.getMessage());
            }
            progress.clear();
            List<String> retireRefused = new ArrayList<>();
            new ReleaseControl(db.dataSource()).progress(step -> {
                progress.add(step);
                if (retireRefused.isEmpty()) { // a retire while the revert runs would undo its views
                    retireRefused.add(assertThrows(TandemException.class, () -> new Retirer(db.dataSource(),
                            new ViewGenerator()).retire("stage", 2)).getMessage());
                    endLockSession(db); // the lock's connection dies: the revert goes on, and says so at the end
                }
            }).revert("stage");
            assertTrue(retireRefused.get(0).contains("of app 'stage' is running: retire version 2 once it has ended"),
                    retireRefused.get(0));
            assertTrue(progress.stream().anyMatch(step -> step.startsWith("The release lock of app stage ended with"
                    + " its connection")), () -> String.join("\n", progress));
            assertTrue(progress.stream().anyMatch(step -> step.startsWith("Revert: views and grants created in")),
                    () -> "the revert created its views before it held them:\n" + String.join("\n", progress));
            assertOwnWritesAndKeys(app, "stage_v1", "UPDATE stage_v1.item SET name = 'back' WHERE id = 3",
                    "SELECT name FROM stage_v1.item WHERE id = 3", "back");
            drain(db);
        }
        assertEquals("back", OnlineReleaseTest.text(db, "SELECT name FROM public.item WHERE id = 3"));
        assertEquals(0, OnlineReleaseTest.count(db, "SELECT count(*) FROM pg_namespace"
                + " WHERE nspname LIKE 'tandem_aside_%'"), "no set-aside views are left");
    }

    /** Terminates the session that holds {@code stage}'s release lock. */
    private static void endLockSession(TestDatabase db) {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
            s.setInt(1, ReleaseLock.holder(c, "stage").orElseThrow(() -> new AssertionError("no session holds the"
                    + " release lock")).pid());
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next() && rs.getBoolean(1), "the release lock's session was ended");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Releases {@code stage}'s first release and returns its second, whose version 2 is {@code v2}. */
    static Release releases(TestDatabase db, Path dir, String v2) throws Exception {
        String init = "CREATE TABLE item (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name text NOT NULL);";
        Path first = folder(dir.resolve("1/stage"), List.of("V1__init.sql", init), List.of("v1.yaml", V1));
        new Migrator(db.dataSource()).migrate(Release.load(first));
        Path second = folder(dir.resolve("2/stage"), List.of("V1__init.sql", init, "V2__upper_name.sql",
                "ALTER TABLE item ADD COLUMN upper_name text; UPDATE item SET upper_name = upper(name);"),
                List.of("v1.yaml", V1, "v2.yaml", v2, "previous/v2.yaml", PREVIOUS_V2));
        return Release.load(second);
    }

    /** A release folder: {@code migrations} and {@code versions} as (file name, text) pairs. */
    private static Path folder(Path at, List<String> migrations, List<String> versions) throws IOException {
        for (String sub : List.of("migrations", "versions")) {
            Files.createDirectories(at.resolve(sub));
            List<String> files = sub.equals("migrations") ? migrations : versions;
            for (int i = 0; i < files.size(); i += 2) {
                Path file = at.resolve(sub).resolve(files.get(i));
                Files.createDirectories(file.getParent());
                Files.writeString(file, files.get(i + 1));
            }
        }
        return at.toAbsolutePath();
    }

    /**
     * In one transaction: {@code update}, then {@code read} sees it (the overlay's own-writes function), then an
     * insert that leaves the key to the write trigger (its key sequence); committed.
     */
    private static void assertOwnWritesAndKeys(HikariDataSource app, String schema, String update, String read,
                                               String expected) throws SQLException {
        try (Connection c = app.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            assertEquals(1, s.executeUpdate(update));
            try (ResultSet rs = s.executeQuery(read)) {
                assertTrue(rs.next());
                assertEquals(expected, rs.getString(1), "a transaction reads its own write through " + schema);
            }
            try (ResultSet rs = s.executeQuery("INSERT INTO " + schema + ".item (name) VALUES ('after')"
                    + " RETURNING id")) {
                assertTrue(rs.next());
                assertTrue(rs.getLong(1) > 21, "the key sequence went on: " + rs.getLong(1));
            }
            c.commit();
        }
    }

    private static void insert(HikariDataSource app, String schema, String name) throws SQLException {
        try (Connection c = app.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET lock_timeout = '1s'");
            try (PreparedStatement p = c.prepareStatement("INSERT INTO " + schema + ".item (name) VALUES (?)")) {
                p.setString(1, name);
                assertEquals(1, p.executeUpdate());
            }
        }
    }

    private static long oid(HikariDataSource app, String view) throws SQLException {
        try (Connection c = app.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET lock_timeout = '1s'");
            try (ResultSet rs = s.executeQuery("SELECT '" + view + "'::regclass::oid, (SELECT count(*) FROM "
                    + view + ")")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void drain(TestDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            Await.until("the live applier is caught up", () -> TrackRow.live("stage").backlog(c, null).rows() == 0);
        }
    }
}
