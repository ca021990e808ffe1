package io.tandem.views;

import io.tandem.core.db.TandemSchema;
import io.tandem.core.definitions.Release;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Views are never generated onto a Tandem schema older than they need (16): the generator refuses, and a generated
 * script refuses to run, saying what to run first; nothing is created.
 */
@PostgresTest
class TandemSchemaCheckTest {

    @Test
    void viewsAreRefusedOnAnOlderTandemSchemaSayingToInstallItFirst(TestDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (Path migration : Release.load(Shop.DIR).migrations()) {
                s.execute(Files.readString(migration));
            }
        }
        TandemSchema.installUpTo(db.dataSource(), "15");
        ViewGenerator generator = new ViewGenerator();
        String expected = "Tandem's schema in this database is older than version 16, which the views of shop version"
                + " 1 need: run `tandem migrate` (or TandemSchema.install) first";
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            MigrationRefusedException refused = assertThrows(MigrationRefusedException.class,
                    () -> generator.statements(c, Shop.v1()));
            assertTrue(refused.getMessage().contains(expected), refused.getMessage());

            String script = generator.script(c, Shop.v1());
            c.setAutoCommit(false);
            SQLException run = assertThrows(SQLException.class, () -> s.execute(script));
            assertTrue(run.getMessage().contains(expected), run.getMessage());
            c.rollback();
            c.setAutoCommit(true);
            assertEquals(0, count(s, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'shop_v1%'"));
        }
        TandemSchema.install(db.dataSource());
        try (Connection c = db.connect()) {
            Shop.runInOneTransaction(c, generator.statements(c, Shop.v1()));
        }
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            assertEquals(2, count(s, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'shop_v1%'"),
                    "generated once the schema is current");
        }
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
