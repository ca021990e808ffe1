package io.tandem.applier;

import io.tandem.core.TandemException;
import io.tandem.core.db.ApplierState;
import io.tandem.core.db.TandemSchema;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ApplierConfig#installSchema(boolean)}: by default {@link Applier#start} installs Tandem's schema; with
 * {@code false} it refuses a database where the schema is missing or older than this build's, creating nothing.
 */
@PostgresTest
class SchemaRequirementTest {

    @Test
    void refusesAMissingOrOldSchemaWhenNotInstallingAndInstallsByDefault(TestDatabase db) throws Exception {
        TandemException missing = assertThrows(TandemException.class,
                () -> Applier.start(new ApplierConfig(db.newPool(4), "acct").installSchema(false)));
        assertTrue(missing.getMessage().contains("is not installed") && missing.getMessage().contains("tandem migrate"),
                missing.getMessage());
        try (Connection c = db.connect()) {
            assertNull(TandemSchema.installedVersion(c), "nothing installed");
        }

        try (Applier installing = Applier.start(new ApplierConfig(db.newPool(4), "acct"))) {
            try (Connection c = db.connect()) {
                assertEquals(TandemSchema.CURRENT_VERSION, TandemSchema.installedVersion(c));
            }
        }
        try (Applier checked = Applier.start(new ApplierConfig(db.newPool(4), "acct").installSchema(false))) {
            assertTrue(checked.state() != ApplierState.HALTED);
        }

        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM tandem.tandem_schema_history WHERE version = '" + TandemSchema.CURRENT_VERSION + "'");
        }
        TandemException old = assertThrows(TandemException.class,
                () -> Applier.start(new ApplierConfig(db.newPool(4), "acct").installSchema(false)));
        assertTrue(old.getMessage().contains("older than version " + TandemSchema.CURRENT_VERSION)
                && old.getMessage().contains("tandem migrate"), old.getMessage());
    }
}
