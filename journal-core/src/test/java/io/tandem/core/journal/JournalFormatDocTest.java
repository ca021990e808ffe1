package io.tandem.core.journal;

import io.tandem.core.db.TandemSchema;
import io.tandem.core.definitions.FieldType;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example SQL in docs/journal-format.md runs as written and yields the rows the page describes. */
@PostgresTest
class JournalFormatDocTest {
    /** Relative to the journal-core module directory, Maven's working directory for tests. */
    static final Path DOC = Path.of("../docs/journal-format.md");
    static final String MARKER = "<!-- journal-format-example -->";

    @Test
    void documentedExampleSqlWritesRowsTheCodecDecodes(TestDatabase db) throws Exception {
        String sql = exampleSql();
        TandemSchema.install(db.dataSource());
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }

        Map<String, FieldType> customer = new LinkedHashMap<>();
        customer.put("id", FieldType.parse("bigint"));
        customer.put("full_name", FieldType.parse("text"));
        customer.put("email", FieldType.parse("text"));
        JournalCodec codec = new JournalCodec();
        List<String> ops = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT app, app_version, entity, op, key::text, data::text, changed, origin,"
                     + " txid IS NOT NULL AND written_at IS NOT NULL FROM tandem.journal ORDER BY seq")) {
            while (rs.next()) {
                String op = rs.getString("op");
                ops.add(op);
                assertEquals("shop", rs.getString("app"));
                assertEquals(1, rs.getInt("app_version"));
                assertEquals("customer", rs.getString("entity"));
                assertNull(rs.getString("origin"));
                assertTrue(rs.getBoolean(9), "defaults filled txid and written_at");
                assertEquals(Map.of("id", 1L), codec.decode(rs.getString("key"), customer));
                String data = rs.getString("data");
                Array changed = rs.getArray("changed");
                switch (op) {
                    case "insert":
                        Map<String, Object> inserted = codec.decode(data, customer);
                        assertEquals(1L, inserted.get("id"));
                        assertEquals("Ada Lovelace", inserted.get("full_name"));
                        assertEquals("ada@example.com", inserted.get("email"));
                        assertNull(changed);
                        break;
                    case "update":
                        assertEquals(Map.of("email", "ada.lovelace@example.org"), codec.decode(data, customer));
                        assertArrayEquals(new String[] {"email"}, (String[]) changed.getArray());
                        break;
                    case "delete":
                        assertNull(data);
                        assertNull(changed);
                        break;
                    default:
                        throw new AssertionError("unexpected op " + op);
                }
            }
        }
        assertEquals(List.of("insert", "update", "delete"), ops, "the example's three rows, in seq order");
    }

    /** The one ```sql block right after the marker line. */
    static String exampleSql() throws IOException {
        List<String> lines = Files.readAllLines(DOC, StandardCharsets.UTF_8);
        int marker = lines.indexOf(MARKER);
        assertTrue(marker >= 0, DOC.toAbsolutePath() + " has the line " + MARKER);
        assertEquals(marker, lines.lastIndexOf(MARKER), "the marker appears once");
        assertEquals("```sql", lines.get(marker + 1), "the marker is followed by a ```sql block");
        StringBuilder sql = new StringBuilder();
        for (int i = marker + 2; i < lines.size(); i++) {
            if (lines.get(i).equals("```")) {
                return sql.toString();
            }
            sql.append(lines.get(i)).append('\n');
        }
        throw new AssertionError("the ```sql block after " + MARKER + " is not closed");
    }
}
