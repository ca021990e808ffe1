package io.tandem.core.journal;

import io.tandem.core.db.TandemSchema;
import io.tandem.core.definitions.FieldType;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The codec's output survives a real PostgreSQL jsonb column: written as {@code ?::jsonb} into
 * {@code tandem.journal}, read back as {@code key::text}/{@code data::text} (jsonb's own normalised output:
 * re-spaced, keys re-ordered, numbers re-formatted) and decoded to equal values.
 */
@PostgresTest
class JournalCodecDatabaseTest {
    private static final String INSERT = "INSERT INTO tandem.journal(app, app_version, entity, op, key, data, changed)"
            + " VALUES ('codec', 1, 'edge', ?, ?::jsonb, ?::jsonb, NULL) RETURNING seq";

    private final JournalCodec codec = new JournalCodec();

    @BeforeAll
    static void install(TestDatabase db) {
        TandemSchema.install(db.dataSource());
    }

    @Test
    void everyEdgeValueSurvivesJsonbInData(TestDatabase db) throws SQLException {
        Map<String, Object> fields = EdgeValues.fields();
        long seq = insert(db, "insert", Map.of("id", 1L), fields);
        Map<String, Object> back = codec.decode(column(db, seq, "data"), EdgeValues.types());
        assertEquals(fields.keySet(), back.keySet());
        for (EdgeValues.Case c : EdgeValues.CASES) {
            // Strict equals even for BigDecimal: the codec writes plain digits, which jsonb keeps as written
            // (scale included). Doubles and floats are written as e.g. 1.7976931348623157E308, which jsonb
            // re-formats as plain digits; decode reads them back to the same double / float.
            EdgeValues.assertSameValue(c.field(), c.value(), back.get(c.field()));
        }
    }

    @Test
    void everyEdgeValueSurvivesJsonbAsAKey(TestDatabase db) throws SQLException {
        for (EdgeValues.Case c : EdgeValues.CASES) {
            Map<String, Object> key = new HashMap<>();
            key.put(c.field(), c.value());
            long seq = insert(db, "delete", key, null);
            Map<String, Object> back = codec.decode(column(db, seq, "key"), Map.of(c.field(), c.type()));
            EdgeValues.assertSameValue(c.field(), c.value(), back.get(c.field()));
        }
    }

    @Test
    void decodeToleratesJsonbNormalisingNumbersAndKeyOrder(TestDatabase db) throws SQLException {
        // A client writing JSON by hand (e.g. PHP) may spell numbers freely; jsonb re-formats them and sorts keys
        // (shorter first). Decode must not care: BigDecimal is compared by value (compareTo) here because jsonb
        // turns 1E+30 into plain digits and 12.5e-1 into 1.25, changing the scale but not the value.
        String json = "{\"total\": 1E+30, \"id\": 7, \"ratio\": 12.5e-1, \"count\": 2.0e1}";
        long seq;
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(INSERT)) {
            s.setString(1, "insert");
            s.setString(2, "{\"id\": 7}");
            s.setString(3, json);
            seq = returnedSeq(s);
        }
        String stored = column(db, seq, "data");
        assertEquals("{\"id\": 7, \"count\": 20, \"ratio\": 1.25, \"total\": 1000000000000000000000000000000}", stored,
                "jsonb's normalised form, which is what readers get");
        Map<String, FieldType> types = new LinkedHashMap<>();
        types.put("id", FieldType.parse("bigint"));
        types.put("total", FieldType.parse("numeric"));
        types.put("ratio", FieldType.parse("numeric"));
        types.put("count", FieldType.parse("integer"));
        Map<String, Object> back = codec.decode(stored, types);
        assertEquals(7L, back.get("id"));
        assertEquals(0, new BigDecimal("1E+30").compareTo((BigDecimal) back.get("total")));
        assertEquals(0, new BigDecimal("1.25").compareTo((BigDecimal) back.get("ratio")));
        assertEquals(20, back.get("count"));
        assertEquals(Map.of("id", 7L, "count", 20L, "ratio", new BigDecimal("1.25"),
                "total", new BigDecimal("1000000000000000000000000000000")), codec.decodeUntyped(stored));
    }

    @Test
    void postgresRefusesTheNulThatEncodeRefuses(TestDatabase db) throws SQLException {
        // Why encode refuses U+0000: jsonb cannot hold it, so the journal write would fail later, in the app's
        // transaction, with a less helpful message.
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT '{\"x\": \"a\\u0000b\"}'::jsonb"));
            assertTrue(e.getMessage().contains("\\u0000"), e.getMessage());
        }
    }

    @Test
    void storedTextIsTheJsonbFormNotTheEncodedText(TestDatabase db) throws SQLException {
        // Guards the test above against passing vacuously: jsonb really does re-format what encode wrote.
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("zz_double", Double.MAX_VALUE);
        fields.put("a", 1L);
        long seq = insert(db, "insert", Map.of("id", 2L), fields);
        String stored = column(db, seq, "data");
        assertNotEquals(codec.encode(fields), stored);
        assertTrue(stored.startsWith("{\"a\": 1, \"zz_double\": 17976931348623157"), stored);
        assertEquals(Double.MAX_VALUE, codec.decode(stored, Map.of("a", FieldType.parse("bigint"),
                "zz_double", FieldType.parse("double precision"))).get("zz_double"));
    }

    private long insert(TestDatabase db, String op, Map<String, Object> key, Map<String, Object> data)
            throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(INSERT)) {
            s.setString(1, op);
            s.setString(2, codec.encode(key));
            s.setString(3, data == null ? null : codec.encode(data));
            return returnedSeq(s);
        }
    }

    private static long returnedSeq(PreparedStatement s) throws SQLException {
        try (ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String column(TestDatabase db, long seq, String column) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT " + column + "::text FROM tandem.journal WHERE seq = ?")) {
            s.setLong(1, seq);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next(), "journal row " + seq);
                return rs.getString(1);
            }
        }
    }
}
