package io.tandem.views;

import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What an online release's build recreates of a live table: its keys and every index they do not make. */
@PostgresTest
class TableShapeTest {
    @Test
    void aUniqueIndexASelfReferencingKeyUsesIsRecreated(TestDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE category (id bigint PRIMARY KEY, code text NOT NULL, parent_code text);"
                    + " CREATE UNIQUE INDEX category_code ON category (code);"
                    + " ALTER TABLE category ADD FOREIGN KEY (parent_code) REFERENCES category (code);"
                    + " CREATE SCHEMA build");
            assertEquals(List.of(
                    "ALTER TABLE \"build\".\"category\" ADD CONSTRAINT \"category_pkey\" PRIMARY KEY (id)",
                    "CREATE UNIQUE INDEX category_code ON \"build\".\"category\" USING btree (code)"),
                    TableShape.indexes(c, "public", "build", "category"),
                    "the foreign key's index is no constraint's own: without it the build's key has nothing to use");
        }
    }
}
