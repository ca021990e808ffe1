package io.tandem.core.definitions;

import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The three placeholder forms of {@link WriteItemSql} write the same rows: one row bound value by value (the
 * applier's JDBC batch), many rows from bound text arrays (the applier's set-based form) and numbered parameters
 * (lint's {@code PREPARE}), each running its insert, update and delete against a real table.
 */
@PostgresTest
class WriteItemSqlTest {
    private static final EntityDefinition ITEM = new DefinitionReader().read("""
            app: forms
            version: 1
            entities:
              item:
                key: [id]
                from: item i
                fields:
                  id:    { type: bigint,          read: i.id }
                  name:  { type: text,            read: i.name }
                  price: { type: "numeric(12,2)", read: i.price }
                writes:
                  - table: item
                    key: { id: ":id" }
                    set: { name: ":name", shout: "upper(:name) || '!' -- derived", price: ":price * 1" }
            """, "forms.yaml").entities().get("item");
    private static final WriteItem WRITE = ITEM.writes().get(0);

    @BeforeEach
    void table(TestDatabase db) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS item");
            s.execute("CREATE TABLE item (id bigint PRIMARY KEY, name text, shout text, price numeric(12,2))");
        }
    }

    @Test
    void everyFormInsertsUpdatesAndDeletesTheSameWay(TestDatabase db) throws SQLException {
        Map<String, SqlExpression> all = new LinkedHashMap<>(WRITE.key());
        all.putAll(WRITE.set());
        Map<String, SqlExpression> name = Map.of("name", WRITE.set().get("name"), "shout", WRITE.set().get("shout"));
        try (Connection c = db.connect()) {
            oneRow(c, form(WriteItemSql.Form.ONE_ROW).insert(WRITE, all), row(1, "ada", "1.50"));
            manyRows(c, form(WriteItemSql.Form.MANY_ROWS).insert(WRITE, all), row(2, "bob", "2.00"), row(3, "cy", "3.25"));
            numbered(c, form(WriteItemSql.Form.NUMBERED).insert(WRITE, all), row(4, "dee", "4.75"));
            assertEquals(List.of("1 ada ADA! 1.50", "2 bob BOB! 2.00", "3 cy CY! 3.25", "4 dee DEE! 4.75"), rows(c));

            oneRow(c, form(WriteItemSql.Form.ONE_ROW).update(WRITE, name), row(1, "eve", null));
            manyRows(c, form(WriteItemSql.Form.MANY_ROWS).update(WRITE, name), row(2, "fay", null), row(3, "gus", null));
            numbered(c, form(WriteItemSql.Form.NUMBERED).update(WRITE, name), row(4, "hal", null));
            assertEquals(List.of("1 eve EVE! 1.50", "2 fay FAY! 2.00", "3 gus GUS! 3.25", "4 hal HAL! 4.75"), rows(c),
                    "only the columns set, by key");

            oneRow(c, form(WriteItemSql.Form.ONE_ROW).delete(WRITE), row(1, null, null));
            manyRows(c, form(WriteItemSql.Form.MANY_ROWS).delete(WRITE), row(2, null, null), row(3, null, null));
            numbered(c, form(WriteItemSql.Form.NUMBERED).delete(WRITE), row(4, null, null));
            assertEquals(List.of(), rows(c));
        }
    }

    private static WriteItemSql form(WriteItemSql.Form form) {
        return WriteItemSql.of(form, ITEM);
    }

    /** A journal row's values as text, as every form can bind them. */
    private static Map<String, String> row(long id, String name, String price) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("id", Long.toString(id));
        row.put("name", name);
        row.put("price", price);
        return row;
    }

    private static void oneRow(Connection c, WriteItemSql.Statement statement, Map<String, String> row)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(statement.sql())) {
            for (int i = 0; i < statement.params().size(); i++) {
                s.setString(i + 1, row.get(statement.params().get(i)));
            }
            assertEquals(1, s.executeUpdate(), statement.sql());
        }
    }

    @SafeVarargs
    private static void manyRows(Connection c, WriteItemSql.Statement statement, Map<String, String>... rows)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(statement.sql())) {
            for (int i = 0; i < statement.params().size(); i++) {
                String field = statement.params().get(i);
                List<String> values = new ArrayList<>();
                for (Map<String, String> row : rows) {
                    values.add(row.get(field));
                }
                s.setArray(i + 1, c.createArrayOf("text", values.toArray()));
            }
            assertEquals(rows.length, s.executeUpdate(), statement.sql());
        }
    }

    private static void numbered(Connection c, WriteItemSql.Statement statement, Map<String, String> row)
            throws SQLException {
        List<String> types = new ArrayList<>();
        List<String> args = new ArrayList<>();
        for (String field : statement.params()) {
            types.add(ITEM.fields().get(field).type().sql());
            String value = row.get(field);
            args.add(value == null ? "NULL" : "'" + value.replace("'", "''") + "'");
        }
        try (Statement s = c.createStatement()) {
            s.execute("PREPARE numbered(" + String.join(", ", types) + ") AS " + statement.sql());
            s.execute("EXECUTE numbered(" + String.join(", ", args) + ")");
            assertEquals(1, s.getUpdateCount(), statement.sql());
            s.execute("DEALLOCATE numbered");
        }
    }

    private static List<String> rows(Connection c) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, name, shout, price FROM item ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4));
            }
        }
        return rows;
    }
}
