package io.tandem.views;

import io.tandem.core.definitions.VersionDefinition;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shop's release 1 through the generator: views read the physical tables; generating again changes nothing. */
@PostgresTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShopViewsTest {
    // its own role names, so this class never touches the shop_v1_app role GrantsTest asserts on
    private final ViewGenerator generator = new ViewGenerator(RoleNaming.pattern("%s_v%d_viewtest"));
    private final VersionDefinition v1 = Shop.v1();

    @BeforeAll
    void setUp(TestDatabase db) throws Exception {
        Shop.install(db);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO customer (id, full_name, email) VALUES (1, 'Ada Lovelace', 'ada@example.com'),"
                    + " (2, 'Alan Turing', 'alan@example.com')");
            s.execute("INSERT INTO orders (id, customer_id, total, status, placed_at)"
                    + " VALUES (10, 1, 12.50, 'paid', '2024-05-01 10:15:30+00')");
        }
        Shop.generate(db, generator, v1);
    }

    @Test
    void viewsReturnWhatThePhysicalTablesHold(TestDatabase db) throws Exception {
        assertViewsMatchTables(db);
    }

    @Test
    void generatingTwiceIsIdempotentAndDropsStaleViews(TestDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE VIEW shop_v1.old_entity AS SELECT 1 AS x");
        }
        Shop.generate(db, generator, v1);
        Shop.generate(db, generator, v1);
        assertViewsMatchTables(db);
        assertEquals(List.of("customer", "orders"), rows(db, "SELECT table_name::text FROM information_schema.views"
                + " WHERE table_schema = 'shop_v1' ORDER BY 1"), "the stale view is gone, the entities' remain");
        assertEquals(List.of("shop_v1_viewtest shop 1"), rows(db, "SELECT role || ' ' || app || ' ' || version"
                + " FROM tandem.version_roles WHERE role LIKE 'shop_v1_viewtest%'"), "one writer entry, not two");
        assertEquals(List.of("journal_writers"), rows(db, "SELECT policyname::text FROM pg_policies"
                + " WHERE tablename = 'journal'"), "no policy DDL per version: the one policy of Tandem's schema");
    }

    @Test
    void viewColumnsHaveTheDeclaredTypes(TestDatabase db) throws Exception {
        assertEquals(List.of("id bigint", "customer_id bigint", "total numeric(12,2)", "status text",
                        "placed_at timestamp with time zone"),
                rows(db, "SELECT attname || ' ' || format_type(atttypid, atttypmod) FROM pg_attribute"
                        + " WHERE attrelid = 'shop_v1.orders'::regclass AND attnum > 0 ORDER BY attnum"));
    }

    @Test
    void scriptHoldsTheViewsAndGrants(TestDatabase db) throws Exception {
        String script;
        try (Connection c = db.connect()) {
            script = generator.script(c, v1);
        }
        assertTrue(script.startsWith("-- Tandem: views and grants of shop version 1 (schema shop_v1, role "
                + "shop_v1_viewtest)."), script);
        for (String expected : List.of(
                "CREATE SCHEMA IF NOT EXISTS \"shop_v1\";",
                "CREATE VIEW \"shop_v1\".\"customer\" AS\nWITH \"tandem own\" AS MATERIALIZED (\n",
                "\nSELECT b.\"id\", b.\"full_name\", b.\"email\"\n  FROM (SELECT c.id AS \"id\",",
                "CREATE TRIGGER \"tandem_journal\" INSTEAD OF INSERT OR UPDATE OR DELETE ON \"shop_v1\".\"customer\""
                        + " FOR EACH ROW EXECUTE FUNCTION \"shop_v1\".\"customer_write\"();",
                "GRANT INSERT, UPDATE, DELETE ON \"shop_v1\".\"orders\" TO \"shop_v1_viewtest\";",
                "CREATE VIEW \"shop_v1\".\"orders\" AS",
                "GRANT SELECT ON ALL TABLES IN SCHEMA \"shop_v1\" TO \"shop_v1_viewtest\";",
                "GRANT INSERT (app, app_version, entity, op, key, data, changed, origin) ON tandem.journal TO "
                        + "\"shop_v1_viewtest\";",
                "GRANT EXECUTE ON FUNCTION tandem.append(text, integer, text, text, jsonb, jsonb, text[], text) TO "
                        + "\"shop_v1_viewtest\";",
                "GRANT USAGE ON SEQUENCE public.customer_id_seq TO \"shop_v1_viewtest\";",
                "GRANT USAGE ON SEQUENCE public.orders_id_seq TO \"shop_v1_viewtest\";",
                "INSERT INTO tandem.version_roles (role, app, version) VALUES ('shop_v1_viewtest', 'shop', 1)")) {
            assertTrue(script.contains(expected), "script lacks: " + expected + "\n" + script);
        }
        // the script itself runs (in one transaction, as psql -1 would)
        try (Connection c = db.connect()) {
            Shop.runInOneTransaction(c, List.of(script));
        }
        assertViewsMatchTables(db);
    }

    @Test
    void dropStatementsRetireTheVersion(TestDatabase db) throws Exception {
        VersionDefinition v3 = Shop.asVersion(3);
        Shop.generate(db, generator, v3);
        assertEquals(List.of("1"), rows(db, "SELECT count(*)::text FROM pg_roles WHERE rolname = 'shop_v3_viewtest'"));
        for (int run = 0; run < 2; run++) { // idempotent
            try (Connection c = db.connect()) {
                Shop.runInOneTransaction(c, generator.dropStatements("shop", 3));
            }
        }
        assertEquals(List.of("0", "0", "0"), rows(db, "SELECT count(*)::text FROM pg_namespace WHERE nspname = 'shop_v3'"
                + " UNION ALL SELECT count(*)::text FROM tandem.version_roles WHERE role = 'shop_v3_viewtest'"
                + " UNION ALL SELECT count(*)::text FROM pg_roles WHERE rolname = 'shop_v3_viewtest'"));
        assertViewsMatchTables(db); // version 1 untouched
    }

    private static void assertViewsMatchTables(TestDatabase db) throws SQLException {
        assertEquals(rows(db, "SELECT id || '|' || full_name || '|' || email FROM customer ORDER BY id"),
                rows(db, "SELECT id || '|' || full_name || '|' || email FROM shop_v1.customer ORDER BY id"));
        assertEquals(List.of("1|Ada Lovelace|ada@example.com", "2|Alan Turing|alan@example.com"),
                rows(db, "SELECT id || '|' || full_name || '|' || email FROM shop_v1.customer ORDER BY id"));
        assertEquals(List.of("10|1|12.50|paid|2024-05-01 10:15:30+00"),
                rows(db, "SELECT id || '|' || customer_id || '|' || total || '|' || status || '|' || "
                        + "to_char(placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || '+00' FROM shop_v1.orders"));
        assertFalse(rows(db, "SELECT 1 FROM shop_v1.orders o JOIN shop_v1.customer c ON c.id = o.customer_id").isEmpty());
    }

    static List<String> rows(TestDatabase db, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}
