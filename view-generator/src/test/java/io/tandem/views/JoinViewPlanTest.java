package io.tandem.views;

import io.tandem.core.db.TandemSchema;
import io.tandem.core.definitions.VersionDefinition;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A view over a join stays a keyed lookup: the key predicate reaches both tables' indexes. */
@PostgresTest
class JoinViewPlanTest {
    private static final VersionDefinition CRM = Shop.definition("""
            app: crm
            version: 1
            entities:
              contact:
                key: [id]
                from: customer c JOIN customer_contact cc ON cc.customer_id = c.id
                fields:
                  id:    { type: bigint, read: c.id }
                  name:  { type: text,   read: c.name }
                  email: { type: text,   read: cc.email }
                writes:
                  - table: customer
                    key: { id: ":id" }
                    set: { name: ":name" }
                  - table: customer_contact
                    key: { customer_id: ":id" }
                    set: { email: ":email" }
            """);

    @Test
    void keyLookupThroughAJoinViewUsesIndexes(TestDatabase db) throws Exception {
        TandemSchema.install(db.dataSource());
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customer (id bigint PRIMARY KEY, name text NOT NULL)");
            s.execute("CREATE TABLE customer_contact (customer_id bigint PRIMARY KEY REFERENCES customer (id),"
                    + " email text NOT NULL)");
            s.execute("INSERT INTO customer SELECT g, 'customer ' || g FROM generate_series(1, 5000) g");
            s.execute("INSERT INTO customer_contact SELECT g, 'c' || g || '@example.com' FROM generate_series(1, 5000) g");
            s.execute("ANALYZE customer");
            s.execute("ANALYZE customer_contact");
            assertEquals(List.of(), new Lint().check(c, List.of(CRM)));
            Shop.runInOneTransaction(c, new ViewGenerator(RoleNaming.pattern("%s_v%d_plantest"))
                    .statements(c, CRM));

            String plan = plan(s, "EXPLAIN SELECT * FROM crm_v1.contact WHERE id = 42");
            assertTrue(plan.contains("Index Scan") || plan.contains("Index Only Scan"), plan);
            assertTrue(plan.contains("customer_pkey") && plan.contains("customer_contact_pkey"), plan);
            assertFalse(plan.contains("Seq Scan"), plan);
            try (ResultSet rs = s.executeQuery("SELECT name, email FROM crm_v1.contact WHERE id = 42")) {
                assertTrue(rs.next());
                assertEquals("customer 42|c42@example.com", rs.getString(1) + "|" + rs.getString(2));
            }
        }
    }

    private static String plan(Statement s, String explain) throws Exception {
        StringBuilder plan = new StringBuilder();
        try (ResultSet rs = s.executeQuery(explain)) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }
}
