package io.tandem.testing;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@PostgresTest
class PostgresExtensionTest {

    @Test
    void givesTheClassItsOwnFreshDatabase(TestDatabase db) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_database(), current_setting('server_version_num')::int,"
                     + " (SELECT count(*) FROM pg_tables WHERE schemaname = 'public')")) {
            rs.next();
            assertEquals(db.name(), rs.getString(1));
            assertTrue(rs.getInt(2) >= 130000, "PostgreSQL 13+ needed for xid8, got " + rs.getInt(2));
            assertEquals(0, rs.getLong(3), "a fresh database has no tables");
        }
    }
}
