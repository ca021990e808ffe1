package io.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The release engineer's commands, in release order: views check/generate, migrate, status, retire. */
@PostgresTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReleaseCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RELEASE_1 = "../schemas/releases/1/shop";
    private static final String RELEASE_2 = "../schemas/shop";

    private static CliRun run(TestDatabase db, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--jdbc-url", db.jdbcUrl(), "--user", db.user(), "--password", db.password()));
        return CliRun.of(all.toArray(String[]::new));
    }

    @Test
    @Order(1)
    void viewsCheckPassesACleanReleaseOnAScratchDatabase(TestDatabase db) {
        CliRun run = run(db, "views", "check", "--schemas", RELEASE_2);
        assertEquals(0, run.exitCode(), run.err() + run.out());
        assertTrue(run.out().contains("OK: 2 version(s) of shop check out"), run.out());
    }

    @Test
    @Order(1)
    void viewsCheckStartsAnEmbeddedPostgresWhenNoServerIsGiven() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("TANDEM_JDBC_URL") == null,
                "TANDEM_JDBC_URL is set, so the command would use that server");
        CliRun run = CliRun.of("views", "check", "--schemas", RELEASE_1);
        assertEquals(0, run.exitCode(), run.err() + run.out());
        assertTrue(run.out().contains("OK: 1 version(s) of shop check out"), run.out());
    }

    @Test
    @Order(2)
    void viewsCheckPrintsOneLinePerProblemAndExitsOne(TestDatabase db, @TempDir Path dir) throws Exception {
        Path release = io.tandem.testing.TestFiles.copyTree(Path.of(RELEASE_2), dir.resolve("shop"));
        io.tandem.testing.TestFiles.replace(release.resolve("versions/v2.yaml"), "read: c.phone", "read: c.fone");
        CliRun run = run(db, "views", "check", "--schemas", release.toString(), "--json");
        assertEquals(1, run.exitCode(), run.err() + run.out());
        JsonNode json = JSON.readTree(run.out());
        assertEquals(false, json.get("ok").asBoolean());
        assertEquals("1 problem(s) in the definitions of app shop", json.get("error").asText());
        assertTrue(json.get("problems").get(0).asText().startsWith(release.resolve("versions/v2.yaml") + ":15:7: shop v2"
                + " customer.phone: "), "names the field's line in the file: " + run.out());
        Path out = dir.resolve("out");
        CliRun generate = run(db, "views", "generate", "--schemas", release.toString(), "--out", out.toString());
        assertEquals(1, generate.exitCode(), generate.err() + generate.out());
        assertTrue(generate.err().contains(release.resolve("versions/v2.yaml") + ":15:7: shop v2 customer.phone: read"
                + " 'c.fone' does not compile") && !generate.err().contains("\tat "), generate.err());
        assertFalse(Files.exists(out), "nothing written");
    }

    /** A script that does not apply is one line naming its file and the line the error is on, no stack trace. */
    @Test
    @Order(2)
    void viewsCheckNamesTheScriptAndLineAMigrationFailsOn(TestDatabase db, @TempDir Path dir) throws Exception {
        Path release = io.tandem.testing.TestFiles.copyTree(Path.of(RELEASE_2), dir.resolve("shop"));
        io.tandem.testing.TestFiles.replace(release.resolve("migrations/V2__split_name.sql"),
                "ADD COLUMN last_name  text", "ADD COLUMN last_name  txet");
        CliRun run = run(db, "views", "check", "--schemas", release.toString());
        assertEquals(1, run.exitCode(), run.err() + run.out());
        assertEquals("tandem views check: The migrations of app 'shop' do not apply to an empty database: "
                + release.resolve("migrations/V2__split_name.sql") + ":7: ERROR: type \"txet\" does not exist (in the"
                + " statement from line 5)", run.err().strip().lines().reduce((a, b) -> b).orElseThrow());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
    }

    @Test
    @Order(3)
    void viewsGenerateWritesOneScriptPerVersion(TestDatabase db, @TempDir Path out) throws Exception {
        CliRun run = run(db, "views", "generate", "--schemas", "../schemas", "--app", "shop", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err() + run.out());
        assertTrue(Files.readString(out.resolve("shop_v1.sql")).contains("CREATE VIEW \"shop_v1\".\"customer\""));
        assertTrue(Files.readString(out.resolve("shop_v2.sql")).contains("CREATE VIEW \"shop_v2\".\"customer\""));
    }

    @Test
    @Order(4)
    void migrateReleasesOneThenTwoAndRetireEndsVersionOne(TestDatabase db) throws Exception {
        CliRun first = run(db, "migrate", "--schemas", RELEASE_1, "--json");
        assertEquals(0, first.exitCode(), first.err() + first.out());
        assertTrue(first.err().contains("migrate: Tandem schema"), "progress goes to stderr: " + first.err());
        JsonNode one = JSON.readTree(first.out());
        assertEquals("[\"1 init\"]", one.get("migrations_applied").toString());
        assertTrue(one.get("pause_ms").asLong() >= 0, first.out());

        CliRun planned = run(db, "migrate", "--schemas", RELEASE_2, "--plan", "--json");
        assertEquals(0, planned.exitCode(), planned.err() + planned.out());
        JsonNode plan = JSON.readTree(planned.out());
        assertTrue(plan.get("online").asBoolean(), planned.out());
        assertEquals("customer", plan.get("build").get(0).get("table").asText(), planned.out());
        assertEquals("fills", plan.get("statements").get(1).get("effect").asText(), planned.out()); // the backfill

        JsonNode two = JSON.readTree(run(db, "migrate", "--schemas", RELEASE_2, "--json").out());
        assertEquals("[\"2 split name\"]", two.get("migrations_applied").toString());
        assertEquals("[1,2]", two.get("versions").toString());
        assertEquals("online", two.get("mode").asText());
        assertTrue(two.get("switch_ms").asLong() >= 0 && two.get("copied_rows").asLong() >= 0, two.toString());
        assertTrue(two.has("quiet_wait_ms") && two.get("quiet_wait_ms").isIntegralNumber(), two.toString());

        JsonNode release = JSON.readTree(run(db, "release", "status", "--app", "shop", "--json").out());
        assertEquals("switched", release.get("release").get("phase").asText(), release.toString());
        assertEquals(0, run(db, "release", "finish", "--app", "shop").exitCode());
        assertTrue(JSON.readTree(run(db, "status", "--app", "shop", "--json").out()).get("release").isNull());
        CliRun none = run(db, "release", "abort", "--app", "shop");
        assertEquals(1, none.exitCode(), none.out() + none.err());
        assertTrue(none.err().contains("has no online release in progress"), none.err());

        JsonNode status = JSON.readTree(run(db, "status", "--app", "shop", "--json").out());
        assertEquals("[1,2]", status.get("versions").toString());
        assertEquals(0, status.get("pending").asLong());

        CliRun retire = run(db, "retire", "--app", "shop", "--version", "1", "--json");
        assertEquals(0, retire.exitCode(), retire.err() + retire.out());
        assertEquals("[2]", JSON.readTree(run(db, "status", "--app", "shop", "--json").out()).get("versions").toString());

        CliRun refused = run(db, "migrate", "--schemas", RELEASE_2);
        assertEquals(1, refused.exitCode(), refused.out() + refused.err());
        assertTrue(refused.err().contains("version 1 of app 'shop' was retired"), refused.err());
    }

    @Test
    @Order(5)
    void badDefinitionsNameFileAndLineAndBadFlagsAreUsageErrors(TestDatabase db, @TempDir Path dir) throws Exception {
        Path app = dir.resolve("shop");
        Files.createDirectories(app.resolve("migrations"));
        Files.createDirectories(app.resolve("versions"));
        Files.writeString(app.resolve("versions/v1.yaml"), "app: shop\nversion: 1\nentities:\n  customer:\n    keys: [id]\n");
        CliRun bad = run(db, "views", "check", "--schemas", app.toString());
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("v1.yaml:5:5") && bad.err().contains("keys"), bad.err());
        JsonNode badJson = JSON.readTree(run(db, "views", "check", "--schemas", app.toString(), "--json").out());
        assertEquals(false, badJson.get("ok").asBoolean());
        assertTrue(badJson.get("problems").get(0).asText().contains("v1.yaml:5:5"), "one problem a line: " + badJson);

        CliRun usage = CliRun.of("migrate", "--schemas");
        assertEquals(2, usage.exitCode());
        assertTrue(usage.err().startsWith("tandem migrate: Missing required parameter for option '--schemas'")
                && usage.err().contains("tandem migrate --help"), usage.err());
    }
}
