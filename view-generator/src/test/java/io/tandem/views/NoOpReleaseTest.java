package io.tandem.views;

import io.tandem.core.definitions.Release;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A release without migrations — the same release again, or new definitions over the same tables — checks its
 * definitions and generates their views before it holds the applier: the hold only waits for the statements to run.
 */
@PostgresTest
class NoOpReleaseTest {

    @Test
    void theDefinitionsAreLintedBeforeTheApplierIsHeld(TestDatabase db) throws Exception {
        Release release = Release.load(Shop.DIR);
        new Migrator(db.dataSource()).migrate(release);
        List<String> heldAt = new ArrayList<>();
        MigrationReport again = new Migrator(db.newPool(4)).progress(line -> {
            if (line.startsWith("Linting ") || line.startsWith("Version 1: definition stored")) {
                heldAt.add(line.substring(0, 7) + ": " + (applierHeld(db) ? "held" : "free"));
            }
        }).migrate(release);
        assertEquals(List.of(), again.migrationsApplied());
        assertEquals(List.of("Linting: free", "Version: held"), heldAt);
    }

    /** Whether another transaction holds the app's applier row (as a release holds it), seen without waiting. */
    private static boolean applierHeld(TestDatabase db) {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SELECT 1 FROM tandem.applier_state WHERE app = 'shop' FOR UPDATE NOWAIT");
            c.rollback();
            return false;
        } catch (SQLException e) {
            if ("55P03".equals(e.getSQLState())) {
                return true;
            }
            throw new IllegalStateException(e);
        }
    }
}
