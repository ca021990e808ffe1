package io.tandem.core.definitions;

import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves the shop's release 1 is valid SQL on a real PostgreSQL: the migration applies, each entity's view query
 * runs, and each write item's INSERT/UPDATE, rendered as the applier renders it ({@link WriteItemSql}, one row),
 * lands values that read back unchanged through the view query.
 */
@PostgresTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShopRelease1DatabaseTest {
    private final VersionDefinition v1 = Release.load(ReleaseTest.SHOP).version(1);

    @BeforeAll
    void migrate(TestDatabase db) throws Exception {
        Release release = Release.load(ReleaseTest.SHOP);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (var migration : release.migrations()) {
                s.execute(Files.readString(migration));
            }
        }
    }

    @Test
    void writesLandAndReadBackThroughTheViewQueries(TestDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            // ids come from the tables' sequences, allocated by the writer as the app would (Hibernate)
            long customerId = nextval(c, "customer_id_seq");
            long orderId = nextval(c, "orders_id_seq");
            writeAndReadBack(c, customerId, orderId);
        }
    }

    private void writeAndReadBack(Connection c, long customerId, long orderId) throws SQLException {
        Map<String, Object> customer = new LinkedHashMap<>();
        customer.put("id", customerId);
        customer.put("full_name", "Ada Lovelace");
        customer.put("email", "ada@example.com");
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("id", orderId);
        order.put("customer_id", customerId);
        order.put("total", new BigDecimal("12.50"));
        order.put("status", "paid");
        order.put("placed_at", OffsetDateTime.parse("2024-05-01T10:15:30Z"));

        insert(c, entity("customer"), customer);
        insert(c, entity("orders"), order);
        assertEquals(customer, view(c, entity("customer"), customerId));
        assertEquals(order, view(c, entity("orders"), orderId));

        updateChanged(c, entity("customer"), Map.of("id", customerId, "email", "ada@lovelace.org"), List.of("email"));
        customer.put("email", "ada@lovelace.org");
        assertEquals(customer, view(c, entity("customer"), customerId), "only email changed");
    }

    private static long nextval(Connection c, String sequence) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT nextval('" + sequence + "')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void theSequencesFillIdsAndDefaultsFillStatusAndTime(TestDatabase db) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO customer(full_name, email) VALUES ('Grace Hopper', 'grace@example.com')");
            s.execute("INSERT INTO orders(customer_id, total) SELECT id, 3 FROM customer WHERE email = 'grace@example.com'");
            try (ResultSet rs = s.executeQuery("SELECT o.status, o.placed_at IS NOT NULL, o.id > 0 FROM orders o"
                    + " JOIN customer c ON c.id = o.customer_id WHERE c.email = 'grace@example.com'")) {
                assertTrue(rs.next());
                assertEquals("new", rs.getString(1));
                assertTrue(rs.getBoolean(2));
                assertTrue(rs.getBoolean(3));
                assertFalse(rs.next());
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_indexes WHERE tablename = 'orders'"
                    + " AND indexdef LIKE '%(customer_id)%'")) {
                rs.next();
                assertEquals(1, rs.getInt(1), "orders(customer_id) is indexed");
            }
        }
    }

    private EntityDefinition entity(String name) {
        return v1.entities().get(name);
    }

    /** What the applier does for an insert: one INSERT per write item, parameters cast to the field types. */
    private static void insert(Connection c, EntityDefinition entity, Map<String, Object> data) throws SQLException {
        for (WriteItem item : entity.writes()) {
            Map<String, SqlExpression> columns = new LinkedHashMap<>(item.key());
            columns.putAll(item.set());
            execute(c, oneRow(entity).insert(item, columns), data);
        }
    }

    /** What the applier does for an update: SET only the columns whose expression uses a changed field. */
    private static void updateChanged(Connection c, EntityDefinition entity, Map<String, Object> data,
                                      List<String> changed) throws SQLException {
        for (WriteItem item : entity.writes()) {
            Map<String, SqlExpression> set = new LinkedHashMap<>();
            item.set().forEach((column, expr) -> {
                if (expr.referencedFields().stream().anyMatch(changed::contains)) {
                    set.put(column, expr);
                }
            });
            assertEquals(1, execute(c, oneRow(entity).update(item, set), data));
        }
    }

    private static WriteItemSql oneRow(EntityDefinition entity) {
        return WriteItemSql.of(WriteItemSql.Form.ONE_ROW, entity);
    }

    private static int execute(Connection c, WriteItemSql.Statement statement, Map<String, Object> data)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(statement.sql())) {
            for (int i = 0; i < statement.params().size(); i++) {
                s.setObject(i + 1, data.get(statement.params().get(i)));
            }
            return s.executeUpdate();
        }
    }

    /** The row with this id through the view's query, {@code SELECT <read> AS <field>, ... FROM <from>}. */
    private static Map<String, Object> view(Connection c, EntityDefinition entity, long id) throws SQLException {
        return view(c, entity).stream().filter(row -> row.get("id").equals(id)).findFirst().orElseThrow();
    }

    /** Every row of the view's query, values as the fields' Java types. */
    private static List<Map<String, Object>> view(Connection c, EntityDefinition entity) throws SQLException {
        String select = entity.fields().values().stream()
                .map(f -> f.read() + " AS " + SqlIdentifier.of(f.name()).quoted()).collect(Collectors.joining(", "));
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + select + " FROM " + entity.from() + " ORDER BY 1")) {
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (FieldDefinition f : entity.fields().values()) {
                    row.put(f.name(), rs.getObject(f.name(), f.type().kind().javaType()));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
