package io.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.testing.Await;
import io.tandem.testing.PasswordFile;
import io.tandem.testing.PostgresServer;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tandem journal}: a policy set from the command line removes applied history through an archive, a reject
 * holds it until {@code resolve}, {@code status} shows what happened, and the archive replayed into an empty
 * database gives the same tables as the live one.
 */
@PostgresTest
class JournalCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RELEASE_1 = "../schemas/releases/1/shop";
    private static final int CUSTOMERS = 40;

    @Test
    void archivedHistoryReplaysIntoAnEmptyDatabaseAsTheSameTables(TestDatabase db, @TempDir Path archive)
            throws Exception {
        archiveReplayAndCompare(db, "--archive-dir", archive.toString());
        assertTrue(Files.exists(archive.resolve("manifest.json")));
    }

    @Test
    void historyArchivedIntoADatabaseReplaysAsTheSameTables(@TempDir Path home) throws Exception {
        PostgresServer.get().dropDatabase("journal_archived_source"); // left by a run that was killed
        PostgresServer.get().dropDatabase("journal_archive");
        TestDatabase source = PostgresServer.get().createDatabase("journal_archived_source");
        TestDatabase archive = PostgresServer.get().createDatabase("journal_archive");
        try (PasswordFile passwords = new PasswordFile(archive, home)) {
            String url = PasswordFile.urlWithLogin(archive);
            assertEquals(0, run(source, "migrate", "--schemas", RELEASE_1).exitCode());
            CliRun withPassword = run(source, "journal", "retention", "--archive-url", url + "&password=x");
            assertEquals(2, withPassword.exitCode(), withPassword.out());
            assertTrue(withPassword.err().contains("must not carry a password"), withPassword.err());

            archiveReplayAndCompare(source, "--archive-url", url);
            assertEquals(scalar(archive, "SELECT count(*) FROM tandem_archive.partitions"),
                    scalar(source, "SELECT count(*) FROM tandem.journal_partitions WHERE archive_file = '" + url + "'"));
            CliRun both = run(source, "journal", "retention", "--archive-dir", home.toString());
            assertEquals(2, both.exitCode(), both.out());
            assertTrue(both.err().contains("Add --clear archive-url"), both.err());
        } finally {
            PostgresServer.get().dropDatabase(source.name());
            PostgresServer.get().dropDatabase(archive.name());
        }
    }

    /**
     * Sets a policy that archives to {@code location} and removes everything applied, writes the shop's history
     * with one reject (which holds retention back until resolved), then replays the archive into an empty database
     * and compares the tables.
     */
    private static void archiveReplayAndCompare(TestDatabase db, String option, String location) throws Exception {
        assertEquals(0, run(db, "migrate", "--schemas", RELEASE_1).exitCode());
        CliRun set = run(db, "journal", "retention", "--max-size", "1", "--partition-xids", "100",
                option, location, "--json");
        assertEquals(0, set.exitCode(), set.err() + set.out());
        assertEquals(100, JSON.readTree(set.out()).get("partition_xids").asLong(), set.out());
        try (Applier applier = Applier.start(new ApplierConfig(db.newPool(8), "shop").installSchema(false)
                .journalMaintenance(Duration.ofMillis(50)))) {
            writeShop(db, new Random(5));
            rejectOne(db);
            Await.until("retention held back by the reject", () -> {
                burn(db, 200);
                return heldBack(db).contains("not resolved");
            });
            JsonNode before = JSON.readTree(run(db, "status", "--app", "shop", "--json").out());
            assertEquals(1, before.get("unresolved_rejects").asLong(), before.toString());
            CliRun resolve = run(db, "journal", "resolve", "--app", "shop", "--all");
            assertEquals(0, resolve.exitCode(), resolve.err() + resolve.out());
            assertTrue(resolve.out().contains("Marked 1 reject row(s) of shop resolved"), resolve.out());
            Await.until("every shop row archived and removed", () -> {
                burn(db, 200);
                return shopRowsInJournal(db) == 0;
            });
        }
        JsonNode status = JSON.readTree(run(db, "status", "--app", "shop", "--json").out());
        assertEquals(1, status.get("rejects").asLong(), status.toString());
        assertEquals(0, status.get("unresolved_rejects").asLong(), "resolved: " + status);
        JsonNode journal = status.get("journal");
        assertTrue(journal.get("removed_rows").asLong() > 0, journal.toString());
        CliRun text = run(db, "journal", "status");
        assertTrue(text.out().contains("retention removed") && text.out().contains("archived to " + location),
                text.out());

        TestDatabase target = PostgresServer.get().createDatabase("journal_replay_target");
        try {
            assertEquals(0, run(target, "migrate", "--schemas", RELEASE_1).exitCode());
            CliRun replay = run(target, "journal", "replay", "--archive", location);
            assertEquals(0, replay.exitCode(), replay.err() + replay.out());
            assertTrue(replay.out().contains("Appended"), replay.out());
            try (Applier applier = Applier.start(new ApplierConfig(target.newPool(6), "shop").installSchema(false)
                    .journalMaintenance(Duration.ZERO))) {
                Await.until("the replayed journal applied", () -> JSON.readTree(run(target, "status", "--app", "shop",
                        "--json").out()).get("pending").asLong() == 0);
            }
            for (String table : List.of("customer", "orders")) {
                assertEquals(rows(db, table), rows(target, table), table);
            }
            assertTrue(rows(db, "customer").size() > CUSTOMERS / 2, "the load deleted almost everything");
        } finally {
            PostgresServer.get().dropDatabase(target.name());
        }
    }

    /** Customers and their orders, inserted, updated and some deleted, in transactions of a few rows. */
    private static void writeShop(TestDatabase db, Random random) throws SQLException {
        try (Connection c = db.connect()) {
            for (int i = 1; i <= CUSTOMERS; i++) {
                c.setAutoCommit(false);
                append(c, "customer", "insert", i, "{\"id\": " + i + ", \"full_name\": \"C" + i + "\", \"email\": \"c" + i
                        + "@example.com\"}");
                append(c, "orders", "insert", i, "{\"id\": " + i + ", \"customer_id\": " + i + ", \"total\": "
                        + random.nextInt(1000) + ".25, \"status\": \"new\", \"placed_at\": \"2026-11-30T10:00:00Z\"}");
                c.commit();
                c.setAutoCommit(true);
                append(c, "customer", "update", 1 + random.nextInt(i), "{\"full_name\": \"Renamed" + i + "\"}");
                if (i % 7 == 0) {
                    c.setAutoCommit(false);
                    append(c, "orders", "delete", i, null);
                    append(c, "customer", "delete", i, null);
                    c.commit();
                    c.setAutoCommit(true);
                }
            }
        }
    }

    /** An order of a customer that does not exist: the applier rejects it (the foreign key refuses). */
    private static void rejectOne(TestDatabase db) throws SQLException {
        try (Connection c = db.connect()) {
            append(c, "orders", "insert", 9_999, "{\"id\": 9999, \"customer_id\": 123456, \"total\": 1,"
                    + " \"status\": \"new\", \"placed_at\": \"2026-11-30T10:00:00Z\"}");
        }
    }

    private static void append(Connection c, String entity, String op, long id, String data) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT tandem.append('shop', 1, ?, ?, ?::jsonb, ?::jsonb, null)")) {
            s.setString(1, entity);
            s.setString(2, op);
            s.setString(3, "{\"id\": " + id + "}");
            s.setString(4, data);
            s.executeQuery().close();
        }
    }

    private static List<String> rows(TestDatabase db, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT t::text FROM " + table + " t ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    private static String scalar(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long shopRowsInJournal(TestDatabase db) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM tandem.journal WHERE app = 'shop'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String heldBack(TestDatabase db) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(held_back, '') FROM tandem.journal_maintenance")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void burn(TestDatabase db, int xids) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (int i = 0; i < xids; i++) {
                s.execute("SELECT pg_current_xact_id()");
            }
        }
    }

    private static CliRun run(TestDatabase db, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--jdbc-url", db.jdbcUrl(), "--user", db.user(), "--password", db.password()));
        return CliRun.of(all.toArray(String[]::new));
    }
}
