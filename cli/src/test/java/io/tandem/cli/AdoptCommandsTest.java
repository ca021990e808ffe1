package io.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Adopting an existing database from the command line: scaffold, check, migrate (refused), migrate --baseline. */
@PostgresTest
class AdoptCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static CliRun run(TestDatabase db, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--jdbc-url", db.jdbcUrl(), "--user", db.user(), "--password", db.password()));
        return CliRun.of(all.toArray(String[]::new));
    }

    @Test
    void scaffoldThenMigrateWithBaselineKeepsTheRows(TestDatabase db, @TempDir Path dir) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE note (id serial PRIMARY KEY, body text NOT NULL, pinned boolean DEFAULT false,"
                    + " tags text[]); INSERT INTO note (body) VALUES ('one'), ('two')");
        }
        Path app = dir.resolve("notes");

        CliRun scaffold = run(db, "views", "scaffold", "--app", "notes", "--out", app.toString(), "--json");
        assertEquals(0, scaffold.exitCode(), scaffold.err() + scaffold.out());
        JsonNode drafted = JSON.readTree(scaffold.out());
        assertEquals("[\"note\"]", drafted.get("entities").toString());
        assertTrue(drafted.get("problems").get(0).asText().startsWith("table note, column tags is text[]"),
                scaffold.out());
        assertTrue(Files.readString(app.resolve("versions/v1.yaml")).contains("body: { type: text, read: t.body }"));

        CliRun noTables = run(db, "views", "scaffold", "--app", "notes", "--schema", "nosuch", "--out",
                dir.resolve("elsewhere/notes").toString());
        assertEquals(1, noTables.exitCode(), noTables.out());
        assertEquals("tandem views scaffold: Nothing to draft app 'notes' from: schema nosuch has no table that can be"
                + " an entity: nothing to adopt there (give another schema with --schema); there is no schema nosuch."
                + " Nothing written.", noTables.err().strip());
        assertFalse(Files.exists(dir.resolve("elsewhere")), "nothing written");
        CliRun misnamed = run(db, "views", "scaffold", "--app", "notes", "--out", dir.resolve("draft").toString());
        assertEquals(2, misnamed.exitCode(), misnamed.out());
        assertTrue(misnamed.err().contains("must be the app's folder, named after it (e.g. schemas/notes)"),
                misnamed.err());
        CliRun badName = run(db, "views", "scaffold", "--app", "Notes!", "--out", dir.resolve("Notes!").toString());
        assertEquals(2, badName.exitCode(), badName.err());

        CliRun again = run(db, "views", "scaffold", "--app", "notes", "--out", app.toString());
        assertEquals(1, again.exitCode(), "overwrites nothing: " + again.out());
        assertTrue(again.err().contains("already exists"), again.err());

        CliRun check = run(db, "views", "check", "--schemas", app.toString());
        assertEquals(0, check.exitCode(), check.err() + check.out());

        CliRun refused = run(db, "migrate", "--schemas", app.toString());
        assertEquals(1, refused.exitCode(), refused.out());
        assertTrue(refused.err().contains("predates Tandem") && refused.err().contains("--baseline"), refused.err());

        Files.writeString(app.resolve("migrations/V2__note_tag.sql"), "ALTER TABLE note ADD COLUMN tag text;\n");
        CliRun plan = run(db, "migrate", "--schemas", app.toString(), "--baseline", "--plan", "--json");
        assertEquals(0, plan.exitCode(), "a migration after the baseline, planned before Tandem is installed: "
                + plan.err() + plan.out());
        assertTrue(JSON.readTree(plan.out()).get("adopts").asBoolean(), plan.out());
        assertEquals("[\"2 note tag\"]", JSON.readTree(plan.out()).get("pending").toString(), plan.out());

        CliRun adopted = run(db, "migrate", "--schemas", app.toString(), "--baseline", "--json");
        assertEquals(0, adopted.exitCode(), adopted.err() + adopted.out());
        assertTrue(adopted.err().contains("recorded as applied without running it"), adopted.err());
        CliRun managed = run(db, "views", "scaffold", "--app", "notes", "--out", dir.resolve("again/notes").toString());
        assertEquals(1, managed.exitCode(), managed.out());
        assertTrue(managed.err().contains("Tandem already releases app 'notes'"), managed.err());
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT string_agg(body, ',' ORDER BY id) FROM notes_v1.note")) {
            rs.next();
            assertEquals("one,two", rs.getString(1), "the existing rows, through version 1's view");
        }
    }
}
