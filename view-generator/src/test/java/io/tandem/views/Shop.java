package io.tandem.views;

import io.tandem.core.db.TandemSchema;
import io.tandem.core.definitions.DefinitionReader;
import io.tandem.core.definitions.Release;
import io.tandem.core.definitions.VersionDefinition;
import io.tandem.testing.TestDatabase;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** The shop's release 1 as test fixture: its definitions, its physical schema and Tandem installed. */
final class Shop {
    static final Path DIR = Path.of("../schemas/releases/1/shop");

    private Shop() {
    }

    static VersionDefinition v1() {
        return Release.load(DIR).version(1);
    }

    /** Shop v1's definition, declared as version {@code n} (same entities and mappings). */
    static VersionDefinition asVersion(int n) {
        String source = v1().source().replaceFirst("(?m)^version: 1\\b", "version: " + n);
        return definition(source);
    }

    static VersionDefinition definition(String yaml) {
        return new DefinitionReader().read(yaml, "fixture.yaml");
    }

    /** Applies the shop's migrations with plain JDBC and installs Tandem's schema. */
    static void install(TestDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (Path migration : Release.load(DIR).migrations()) {
                s.execute(Files.readString(migration));
            }
        }
        TandemSchema.install(db.dataSource());
    }

    /**
     * Releases the shop's release 1 with {@code tandem migrate}'s code and seeds {@code rows} customers on the
     * physical table (ids 1..rows, "Seed<i> Customer", "seed<i>@example.com"), as the online-release tests start.
     */
    static void releaseWithCustomers(TestDatabase db, int rows) throws Exception {
        new Migrator(db.dataSource()).migrate(Release.load(DIR));
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO customer (id, full_name, email) SELECT g, 'Seed' || g || ' Customer', 'seed' || g"
                    + " || '@example.com' FROM generate_series(1, " + rows + ") g");
        }
    }

    /** Runs {@code statements} in one transaction. */
    static void runInOneTransaction(Connection c, List<String> statements) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    static void generate(TestDatabase db, ViewGenerator generator, VersionDefinition v) throws SQLException {
        try (Connection c = db.connect()) {
            runInOneTransaction(c, generator.statements(c, v));
        }
    }
}
