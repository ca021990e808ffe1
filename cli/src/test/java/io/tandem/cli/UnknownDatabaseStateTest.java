package io.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tandem.core.db.TandemSchema;
import io.tandem.core.db.VersionRegistry;
import io.tandem.core.definitions.Release;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tandem applier} and {@code tandem status} against a database that is not ready for them: no Tandem schema
 * (the applier must not install it), no app released, or another app than the one asked for. Each is exit 1 with
 * a message saying what is wrong and what to do; nothing is created. The database goes through those states in
 * order.
 */
@PostgresTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UnknownDatabaseStateTest {
    /** Only a safety net: an applier that wrongly starts would run until stopped. */
    private static final Duration HUNG = Duration.ofMinutes(2);

    private static CliRun run(TestDatabase db, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--jdbc-url", db.jdbcUrl(), "--user", db.user(), "--password", db.password()));
        return assertTimeoutPreemptively(HUNG, () -> CliRun.of(all.toArray(String[]::new)),
                "tandem " + args[0] + " should have refused at once");
    }

    @Test
    @Order(1)
    void applierRefusesADatabaseWithoutTandemAndInstallsNothing(TestDatabase db) throws Exception {
        CliRun applier = run(db, "applier", "--app", "shop");
        assertEquals(1, applier.exitCode(), applier.err() + applier.out());
        assertTrue(applier.err().contains("Tandem's schema 'tandem' is not installed in this database")
                && applier.err().contains("run `tandem migrate --schemas DIR`"), applier.err());
        assertEquals(1, applier.err().strip().lines().count(), "no stack trace: " + applier.err());
        try (Connection c = db.connect()) {
            assertNull(TandemSchema.installedVersion(c), "the applier installed nothing");
        }

        for (List<String> command : List.of(List.of("status", "--app", "shop"), List.of("release", "status", "--app",
                "shop"), List.of("retire", "--app", "shop", "--version", "1"), List.of("journal", "status"),
                List.of("journal", "retention", "--keep", "2d"), List.of("journal", "resolve", "--app", "shop", "--all"),
                List.of("journal", "replay", "--archive", "."))) {
            CliRun run = run(db, command.toArray(String[]::new));
            assertEquals(1, run.exitCode(), command + ": " + run.err() + run.out());
            assertEquals("Tandem is not installed in " + db.jdbcUrl() + ": run `tandem migrate --schemas DIR` for the"
                    + " first release, or check --jdbc-url.", run.err().strip().substring(run.err().indexOf(": ") + 2),
                    command.toString());
        }
    }

    @Test
    @Order(2)
    void noAppReleasedYetIsAnErrorSayingToMigrate(TestDatabase db) {
        TandemSchema.install(db.dataSource());
        for (String command : List.of("status", "applier")) {
            CliRun run = run(db, command, "--app", "shop");
            assertEquals(1, run.exitCode(), run.err() + run.out());
            assertTrue(run.err().contains("Tandem knows no app in " + db.jdbcUrl())
                    && run.err().contains("no version of any app has been released there")
                    && run.err().contains("tandem migrate --schemas DIR"), run.err());
        }
    }

    @Test
    @Order(3)
    void anUnknownAppIsAnErrorNamingTheAppsThereAre(TestDatabase db) throws Exception {
        Release shop = Release.load(Path.of("..", "schemas", "releases", "1", "shop"));
        try (Connection c = db.connect()) {
            VersionRegistry.save(c, shop.version(1));
        }
        CliRun status = run(db, "status", "--app", "shpo");
        assertEquals(1, status.exitCode(), status.err() + status.out());
        assertTrue(status.err().contains("Tandem knows no app 'shpo'") && status.err().contains("the apps there are shop")
                && status.err().contains("Check --app"), status.err());

        CliRun json = run(db, "status", "--app", "shpo", "--json");
        assertEquals(1, json.exitCode(), json.err() + json.out());
        JsonNode error = new ObjectMapper().readTree(json.out());
        assertEquals(false, error.get("ok").asBoolean());
        assertTrue(error.get("error").asText().contains("the apps there are shop"), json.out());

        CliRun applier = run(db, "applier", "--app", "shpo");
        assertEquals(1, applier.exitCode(), applier.err() + applier.out());
        assertTrue(applier.err().contains("Tandem knows no app 'shpo'"), applier.err());

        for (List<String> command : List.of(List.of("release", "status", "--app", "shpo"), List.of("retire", "--app",
                "shpo", "--version", "1"), List.of("journal", "retention", "--app", "shpo", "--keep", "2d"),
                List.of("journal", "resolve", "--app", "shpo", "--all"))) {
            CliRun run = run(db, command.toArray(String[]::new));
            assertEquals(1, run.exitCode(), command + ": " + run.err() + run.out());
            assertTrue(run.err().contains("Tandem knows no app 'shpo'"), command + ": " + run.err());
        }
        CliRun noSuchReject = run(db, "journal", "resolve", "--app", "shop", "--txid", "999");
        assertEquals(1, noSuchReject.exitCode(), noSuchReject.err() + noSuchReject.out());
        assertTrue(noSuchReject.err().startsWith("tandem journal resolve: No unresolved reject of app 'shop' has txid"
                + " 999"), noSuchReject.err());

        CliRun known = run(db, "status", "--app", "shop", "--json");
        assertEquals(0, known.exitCode(), known.err() + known.out());
    }

    /** A statement the database refuses is one line with its SQLSTATE and what to do, not a stack trace. */
    @Test
    @Order(4)
    void aRoleWithoutTheRightsGetsOneLineSayingSo(TestDatabase db) throws Exception {
        String role = "no_rights_" + db.jdbcUrl().substring(db.jdbcUrl().lastIndexOf('/') + 1);
        try (Connection c = db.connect(); java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'secret'");
        }
        CliRun status;
        try {
            status = CliRun.of("status", "--app", "shop", "--jdbc-url", db.jdbcUrl(), "--user", role, "--password",
                    "secret");
        } finally {
            try (Connection c = db.connect(); java.sql.Statement s = c.createStatement()) {
                s.execute("DROP ROLE " + role); // roles are the server's, not the test database's
            }
        }
        assertEquals(1, status.exitCode(), status.err() + status.out());
        assertEquals("tandem status: The database refused: ERROR: permission denied for schema tandem [SQLState 42501]."
                + " The role connected lacks a right this command needs: connect as the role that owns Tandem's schema,"
                + " the one that ran tandem migrate (docs/security.md).", status.err().strip());
    }
}
