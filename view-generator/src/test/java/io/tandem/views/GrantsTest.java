package io.tandem.views;

import io.tandem.core.db.VersionRegistry;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Least privilege (docs/views.md, "Roles and grants"), asserted as the database's own permission errors: a superuser connection that
 * {@code SET ROLE shop_v1_app} has exactly the generated role's rights.
 */
@PostgresTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrantsTest {
    private static final String INSERT_V1 = "INSERT INTO tandem.journal (app, app_version, entity, op, key, data)"
            + " VALUES ('shop', 1, 'customer', 'insert', '{\"id\": 7}', '{\"id\": 7, \"full_name\": \"G\","
            + " \"email\": \"g@example.com\"}')";
    private Connection asApp;

    @BeforeAll
    void setUp(TestDatabase db) throws Exception {
        Shop.install(db);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO customer (id, full_name, email) VALUES (1, 'Ada Lovelace', 'ada@example.com')");
        }
        ViewGenerator generator = new ViewGenerator();
        Shop.generate(db, generator, Shop.v1());
        Shop.generate(db, generator, Shop.asVersion(2));
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            VersionRegistry.save(c, Shop.v1());
            VersionRegistry.save(c, Shop.asVersion(2));
            // another app, and rows of every kind that shop v1's role must not see (the owner writes past RLS)
            s.execute("INSERT INTO tandem.versions (app, version, definition, source, source_file)"
                    + " VALUES ('billing', 1, '{}', 'app: billing', 'billing/v1.yaml')");
            s.execute("INSERT INTO tandem.applier_state (app) VALUES ('billing')");
            s.execute("INSERT INTO tandem.journal (app, app_version, entity, op, key, data) VALUES"
                    + " ('billing', 1, 'invoice', 'insert', '{\"id\": 1}', '{\"id\": 1}'),"
                    + " ('shop', 2, 'customer', 'delete', '{\"id\": 900}', NULL)");
            s.execute("INSERT INTO tandem.rejects (app, txid, seq, entry, reason) VALUES"
                    + " ('shop', '5', 1, '{\"app_version\": 1}', 'v1 reason'),"
                    + " ('shop', '6', 2, '{\"app_version\": 2}', 'v2 reason'),"
                    + " ('billing', '7', 3, '{\"app_version\": 1}', 'billing reason')");
        }
    }

    @BeforeEach
    void becomeTheV1Role(TestDatabase db) throws SQLException {
        asApp = db.connect();
        execute("SET ROLE shop_v1_app");
    }

    @AfterEach
    void close() throws SQLException {
        asApp.close();
    }

    @Test
    void readsItsOwnViews() throws SQLException {
        assertEquals("Ada Lovelace", single("SELECT full_name FROM shop_v1.customer WHERE id = 1"));
        assertEquals("0", single("SELECT count(*) FROM shop_v1.orders"));
    }

    @Test
    void writesJournalRowsOfItsOwnVersion() throws SQLException {
        execute(INSERT_V1.replace("7", "77"));
        long seq = Long.parseLong(single("SELECT tandem.append('shop', 1, 'customer', 'update', '{\"id\": 77}',"
                + " '{\"email\": \"g2@example.com\"}', ARRAY['email'])"));
        execute("RESET ROLE");
        assertEquals("update", single("SELECT op FROM tandem.journal WHERE seq = " + seq),
                "append returns the seq of the row it wrote");
        assertEquals("2", single("SELECT count(*) FROM tandem.journal WHERE key = '{\"id\": 77}'"));
    }

    @Test
    void allocatesIdsFromItsEntitiesSequences() throws SQLException {
        assertTrue(Long.parseLong(single("SELECT nextval('customer_id_seq')")) > 0);
        assertTrue(Long.parseLong(single("SELECT nextval('orders_id_seq')")) > 0);
    }

    @Test
    void cannotTouchPhysicalTables() {
        assertDenied("SELECT * FROM customer", "permission denied for table customer");
        assertDenied("UPDATE customer SET email = 'x@example.com' WHERE id = 1", "permission denied for table customer");
        assertDenied("INSERT INTO orders (customer_id, total) VALUES (1, 1)", "permission denied for table orders");
        assertDenied("DELETE FROM customer", "permission denied for table customer");
    }

    @Test
    void cannotReadAnotherVersionsViews() {
        assertDenied("SELECT * FROM shop_v2.customer", "permission denied for schema shop_v2");
    }

    @Test
    void cannotWriteJournalRowsOfAnotherVersionOrApp() {
        String rls = "new row violates row-level security policy for table \"journal\"";
        assertDenied(INSERT_V1.replace("'shop', 1", "'shop', 2"), rls);
        assertDenied(INSERT_V1.replace("'shop', 1", "'billing', 1"), rls);
        assertDenied("SELECT tandem.append('shop', 2, 'customer', 'delete', '{\"id\": 1}')", rls);
    }

    /**
     * The version's journal append function, which its views' triggers write through, runs with its owner's rights
     * (past the journal's row-level security) and a pinned search_path, so only its own version's role may call it:
     * it writes rows of that app and version, as the role could itself.
     */
    @Test
    void theJournalAppendFunctionWritesItsOwnVersionsRowsForItsOwnVersionsRoleAlone(TestDatabase db)
            throws SQLException {
        execute("SELECT shop_v1.journal_append('customer', 'delete', '{\"id\": 78}', NULL, NULL)");
        execute("RESET ROLE");
        String function = "'shop_v1.journal_append(text, text, jsonb, jsonb, text[])'::regprocedure";
        assertEquals("true|{\"search_path=pg_catalog, pg_temp\"}", single("SELECT prosecdef::text || '|' ||"
                + " proconfig::text FROM pg_proc WHERE oid = " + function));
        assertEquals("shop_v1_app", single("SELECT string_agg(g.rolname, ',') FROM pg_proc p,"
                + " aclexplode(p.proacl) a JOIN pg_roles g ON g.oid = a.grantee WHERE p.oid = " + function
                + " AND a.privilege_type = 'EXECUTE' AND a.grantee <> p.proowner"), "EXECUTE: the version's role alone,"
                + " not PUBLIC (whose grantee 0 no role matches)");
        assertEquals("shop|1|customer|delete", single("SELECT app || '|' || app_version || '|' || entity || '|' || op"
                + " FROM tandem.journal WHERE key = '{\"id\": 78}'"));
        String stranger = "grants_test_stranger";
        execute("DROP ROLE IF EXISTS " + stranger);
        execute("CREATE ROLE " + stranger);
        try {
            execute("GRANT USAGE ON SCHEMA shop_v1 TO " + stranger);
            execute("SET ROLE " + stranger);
            assertDenied("SELECT shop_v1.journal_append('customer', 'delete', '{\"id\": 79}', NULL, NULL)",
                    "permission denied for function journal_append");
            execute("RESET ROLE");
            assertEquals("false", single("SELECT has_function_privilege('shop_v2_app', " + function
                    + ", 'EXECUTE')::text"), "another version's role");
        } finally {
            execute("RESET ROLE");
            execute("DROP OWNED BY " + stranger);
            execute("DROP ROLE " + stranger);
        }
    }

    @Test
    void cannotReadTheJournalNorForgeItsStampedColumns() {
        assertDenied("SELECT * FROM tandem.journal", "permission denied for table journal");
        assertDenied("SELECT count(*) FROM tandem.journal", "permission denied for table journal");
        assertDenied("INSERT INTO tandem.journal (app, app_version, entity, op, key, written_at)"
                + " VALUES ('shop', 1, 'customer', 'delete', '{\"id\": 1}', now())", "permission denied for table journal");
        assertDenied("UPDATE tandem.journal SET op = 'delete'", "permission denied for table journal");
    }

    /**
     * What the Hibernate boot check and a fence read, and no more: its own version's definition; the seq numbers and
     * applier position of its own app, never a key or data; the reasons its own app's rows were rejected.
     */
    @Test
    void readsItsOwnShareOfTandemsTablesThroughTheRoleViews() throws SQLException {
        assertEquals("shop v1", single("SELECT string_agg(app || ' v' || version, ', ') FROM tandem.role_versions"));
        assertEquals("shop", single("SELECT string_agg(DISTINCT app, ', ') FROM tandem.role_journal"),
                "the journal's positions of its own app (every version), never another app's");
        SQLException noKey = assertThrows(SQLException.class, () -> execute("SELECT key FROM tandem.role_journal"));
        assertEquals("42703", noKey.getSQLState(), "no key or data column: " + noKey.getMessage());
        assertEquals("shop", single("SELECT string_agg(app, ', ') FROM tandem.role_applier_state"));
        assertEquals("v1 reason, v2 reason", single("SELECT string_agg(reason, ', ' ORDER BY reason)"
                + " FROM tandem.role_rejects"), "its own app's rejects, never another app's");
        assertDenied("SELECT * FROM tandem.versions", "permission denied for table versions");
        assertDenied("SELECT * FROM tandem.applier_state", "permission denied for table applier_state");
        assertDenied("SELECT * FROM tandem.rejects", "permission denied for table rejects");
        assertDenied("UPDATE tandem.role_applier_state SET state = 'halted'", "permission denied for view");
    }

    @Test
    void theV2RoleIsBoundToVersion2(TestDatabase db) throws SQLException {
        execute("SET ROLE shop_v2_app");
        assertEquals("Ada Lovelace", single("SELECT full_name FROM shop_v2.customer WHERE id = 1"));
        assertDenied("SELECT * FROM shop_v1.customer", "permission denied for schema shop_v1");
        assertDenied(INSERT_V1, "new row violates row-level security policy");
        execute(INSERT_V1.replace("'shop', 1", "'shop', 2"));
    }

    private void assertDenied(String sql, String message) {
        SQLException e = assertThrows(SQLException.class, () -> execute(sql), sql);
        assertEquals("42501", e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = asApp.createStatement()) {
            s.execute(sql);
        }
    }

    private String single(String sql) throws SQLException {
        try (Statement s = asApp.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }
}
