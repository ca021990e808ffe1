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

        CliRun status = run(db, "status", "--app", "shop");
        assertEquals(1, status.exitCode(), status.err() + status.out());
        assertTrue(status.err().contains("Tandem is not installed"), status.err());
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

        CliRun known = run(db, "status", "--app", "shop", "--json");
        assertEquals(0, known.exitCode(), known.err() + known.out());
    }
}
