package io.tandem.core.journal;

import io.tandem.core.definitions.FieldType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalCodecTest {
    private final JournalCodec codec = new JournalCodec();

    // ---- round trips -------------------------------------------------------------------------------------------

    @Test
    void roundTripsEveryEdgeValueInOneDocumentKeepingFieldOrder() {
        Map<String, Object> fields = EdgeValues.fields();
        Map<String, Object> back = codec.decode(codec.encode(fields), EdgeValues.types());
        assertEquals(new ArrayList<>(fields.keySet()), new ArrayList<>(back.keySet()), "field order");
        for (EdgeValues.Case c : EdgeValues.CASES) {
            EdgeValues.assertSameValue(c.field(), c.value(), back.get(c.field()));
        }
    }

    static List<EdgeValues.Case> cases() {
        return EdgeValues.CASES;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void roundTripsEachEdgeValueAlone(EdgeValues.Case c) {
        Map<String, Object> one = new HashMap<>();
        one.put(c.field(), c.value());
        Map<String, Object> back = codec.decode(codec.encode(one), Map.of(c.field(), c.type()));
        assertTrue(back.containsKey(c.field()));
        EdgeValues.assertSameValue(c.field(), c.value(), back.get(c.field()));
    }

    @Test
    void keepsBigDecimalScaleAndValue() {
        Map<String, Object> back = codec.decode(codec.encode(Map.of("p", new BigDecimal("1.50"))),
                Map.of("p", FieldType.parse("numeric(12,2)")));
        assertEquals(new BigDecimal("1.50"), back.get("p"));
        assertEquals(2, ((BigDecimal) back.get("p")).scale());
    }

    @Test
    void negativeScaleIsWrittenAsPlainDigitsSoOnlyTheValueSurvives() {
        // The journal writes plain digits (as PostgreSQL numeric would show them): the value is exact, but a
        // negative scale cannot be expressed in plain digits, so it comes back with scale 0.
        BigDecimal thousand = new BigDecimal("1E+3");
        assertEquals(-3, thousand.scale());
        String json = codec.encode(Map.of("n", thousand));
        assertEquals("{\"n\":1000}", json);
        BigDecimal back = (BigDecimal) codec.decode(json, Map.of("n", FieldType.parse("numeric"))).get("n");
        assertEquals(0, thousand.compareTo(back));
        assertEquals(new BigDecimal("1000"), back);
    }

    @Test
    void instantIsWrittenAsUtcTimestamptz() {
        String json = codec.encode(Map.of("at", EdgeValues.INSTANT));
        assertEquals("{\"at\":\"2024-02-29T23:59:59.123456+00:00\"}", json);
        Object back = codec.decode(json, Map.of("at", FieldType.parse("timestamptz"))).get("at");
        assertEquals(EdgeValues.INSTANT.atOffset(ZoneOffset.UTC), back);
    }

    // ---- exact encodings (the contract in docs/journal-format.md) ------------------------------------------------

    @Test
    void writesTheDocumentedJsonForEachType() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z_long", Long.MAX_VALUE);
        m.put("a_int", -7);
        m.put("s", (short) 3);
        m.put("dec", new BigDecimal("1.50"));
        m.put("big", new BigDecimal("1E+30"));
        m.put("small", new BigDecimal("1E-7"));
        m.put("dbl", 2.5d);
        m.put("nan", Double.NaN);
        m.put("inf", Double.POSITIVE_INFINITY);
        m.put("ninf", Float.NEGATIVE_INFINITY);
        m.put("txt", "é \"q\" \\ \n");
        m.put("yes", true);
        m.put("day", LocalDate.of(2024, 2, 29));
        m.put("ts", LocalDateTime.of(2024, 2, 29, 23, 59, 59, 123_456_000));
        m.put("ts0", LocalDateTime.of(2024, 1, 1, 10, 0));
        m.put("tz", OffsetDateTime.of(2024, 1, 1, 10, 0, 0, 0, ZoneOffset.ofHoursMinutes(-3, -30)));
        m.put("id", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
        m.put("bin", new byte[] {0, 1, 2, (byte) 0xff, (byte) 0xfe});
        m.put("none", null);
        assertEquals("{\"z_long\":9223372036854775807,\"a_int\":-7,\"s\":3,\"dec\":1.50,"
                + "\"big\":1000000000000000000000000000000,\"small\":0.0000001,\"dbl\":2.5,"
                + "\"nan\":\"NaN\",\"inf\":\"Infinity\",\"ninf\":\"-Infinity\",\"txt\":\"é \\\"q\\\" \\\\ \\n\","
                + "\"yes\":true,\"day\":\"2024-02-29\",\"ts\":\"2024-02-29T23:59:59.123456\","
                + "\"ts0\":\"2024-01-01T10:00:00\",\"tz\":\"2024-01-01T10:00:00-03:30\","
                + "\"id\":\"123e4567-e89b-12d3-a456-426614174000\",\"bin\":\"AAEC//4=\",\"none\":null}",
                codec.encode(m));
    }

    @Test
    void encodesAnEmptyMapAsAnEmptyObject() {
        assertEquals("{}", codec.encode(Map.of()));
        assertEquals(Map.of(), codec.decode("{}", Map.of()));
    }

    // ---- encode errors -----------------------------------------------------------------------------------------

    @Test
    void refusesNulCharacterNamingTheField() {
        JournalCodecException e = assertThrows(JournalCodecException.class,
                () -> codec.encode(Map.of("x", "before\u0000after")));
        assertEquals("field 'x' contains a NUL character (U+0000), which PostgreSQL text cannot store; remove it",
                e.getMessage());
        assertEquals("x", e.field());
    }

    @Test
    void refusesNulCharacterInAFieldName() {
        JournalCodecException e = assertThrows(JournalCodecException.class,
                () -> codec.encode(Map.of("bad\u0000name", 1L)));
        assertTrue(e.getMessage().contains("NUL character (U+0000)"), e.getMessage());
    }

    @Test
    void refusesAnUnpairedSurrogate() {
        JournalCodecException e = assertThrows(JournalCodecException.class,
                () -> codec.encode(Map.of("s", "half \uD83D of an emoji")));
        assertEquals("field 's' contains an unpaired UTF-16 surrogate (U+D83D) at index 5, which has no UTF-8 "
                + "encoding and PostgreSQL cannot store; fix the string", e.getMessage());
    }

    @Test
    void refusesUnsupportedTypesNamingFieldClassAndSupportedTypes() {
        JournalCodecException e = assertThrows(JournalCodecException.class,
                () -> codec.encode(Map.of("when", new Date(0))));
        assertEquals("field 'when' has a value of type java.util.Date, which the journal cannot carry; use one of: "
                + "Long, Integer, Short, BigDecimal, Double, Float, String, Boolean, LocalDate, LocalDateTime, "
                + "OffsetDateTime, Instant, UUID, byte[] or null", e.getMessage());
        assertEquals("when", e.field());
        JournalCodecException big = assertThrows(JournalCodecException.class,
                () -> codec.encode(Map.of("n", BigInteger.TEN)));
        assertTrue(big.getMessage().startsWith("field 'n' has a value of type java.math.BigInteger"), big.getMessage());
    }

    @Test
    void refusesNumbersBeyondPostgresNumeric() {
        JournalCodecException e = assertThrows(JournalCodecException.class,
                () -> codec.encode(Map.of("huge", new BigDecimal("1E+200000"))));
        assertTrue(e.getMessage().startsWith("field 'huge' has the number 1E+200000, which is beyond PostgreSQL "
                + "numeric"), e.getMessage());
    }

    // ---- decode: accepted spellings ----------------------------------------------------------------------------

    @Test
    void acceptsPostgresOwnTimestampOutput() {
        Map<String, FieldType> types = Map.of("a", FieldType.parse("timestamptz"), "b", FieldType.parse("timestamptz"),
                "c", FieldType.parse("timestamptz"), "d", FieldType.parse("timestamp"));
        Map<String, Object> m = codec.decode("{\"a\": \"2024-01-01 10:00:00+00\", \"b\": \"2024-01-01T10:00:00Z\","
                + " \"c\": \"2024-01-01 10:00:00.5+05:30\", \"d\": \"2024-01-01 10:00:00.000001\"}", types);
        assertEquals(OffsetDateTime.of(2024, 1, 1, 10, 0, 0, 0, ZoneOffset.UTC), m.get("a"));
        assertEquals(OffsetDateTime.of(2024, 1, 1, 10, 0, 0, 0, ZoneOffset.UTC), m.get("b"));
        assertEquals(OffsetDateTime.of(2024, 1, 1, 10, 0, 0, 500_000_000, ZoneOffset.ofHoursMinutes(5, 30)), m.get("c"));
        assertEquals(LocalDateTime.of(2024, 1, 1, 10, 0, 0, 1000), m.get("d"));
    }

    @Test
    void numericAcceptsANumberOrANumericString() {
        Map<String, FieldType> types = Map.of("a", FieldType.parse("numeric"), "b", FieldType.parse("numeric"));
        Map<String, Object> m = codec.decode("{\"a\": \"12.30\", \"b\": 1e30}", types);
        assertEquals(new BigDecimal("12.30"), m.get("a"));
        assertEquals(0, new BigDecimal("1000000000000000000000000000000").compareTo((BigDecimal) m.get("b")));
    }

    @Test
    void integerTypesAcceptIntegralNumbersWrittenWithAFractionOrExponent() {
        Map<String, Object> m = codec.decode("{\"a\": 5.0, \"b\": 1e2, \"c\": -0}",
                Map.of("a", FieldType.parse("bigint"), "b", FieldType.parse("integer"), "c", FieldType.parse("smallint")));
        assertEquals(5L, m.get("a"));
        assertEquals(100, m.get("b"));
        assertEquals((short) 0, m.get("c"));
    }

    @Test
    void readsFloatsFromTheirExactDecimalTextWithoutDoubleRounding() {
        // PostgreSQL's jsonb shows Float.MAX_VALUE as plain digits; it must come back as the same float.
        Map<String, Object> m = codec.decode("{\"f\": 340282350000000000000000000000000000000, \"d\": 0.1}",
                Map.of("f", FieldType.parse("real"), "d", FieldType.parse("float8")));
        assertEquals(Float.MAX_VALUE, m.get("f"));
        assertEquals(0.1d, m.get("d"));
    }

    @Test
    void jsonNullIsNullAndAbsentFieldsStayAbsent() {
        Map<String, Object> m = codec.decode("{\"a\": null}",
                Map.of("a", FieldType.parse("date"), "b", FieldType.parse("text")));
        assertTrue(m.containsKey("a"));
        assertNull(m.get("a"));
        assertEquals(1, m.size());
    }

    // ---- decode errors -----------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "bigint    | 1.5                    | field 'v': expected bigint, got 1.5 (has a fraction)",
            "bigint    | 9223372036854775808    | field 'v': expected bigint, got 9223372036854775808 (out of range -9223372036854775808..9223372036854775807)",
            "bigint    | -1e300                 | field 'v': expected bigint, got -1e300 (out of range -9223372036854775808..9223372036854775807)",
            "integer   | 2147483648             | field 'v': expected integer, got 2147483648 (out of range -2147483648..2147483647)",
            "smallint  | -32769                 | field 'v': expected smallint, got -32769 (out of range -32768..32767)",
            "bigint    | \"42\"                 | field 'v': expected bigint, got \"42\" (not a JSON number)",
            "bigint    | true                   | field 'v': expected bigint, got true (not a JSON number)",
            "double precision | \"1.5\"         | field 'v': expected double precision, got \"1.5\" (a string must be \"NaN\", \"Infinity\" or \"-Infinity\")",
            "double precision | 1e400          | field 'v': expected double precision, got 1e400 (out of range)",
            "real      | 1e39                   | field 'v': expected real, got 1e39 (out of range)",
            "real      | 1e-50                  | field 'v': expected real, got 1e-50 (out of range)",
            "numeric(10,2) | \"NaN\"            | field 'v': expected numeric(10,2), got \"NaN\" (not a number; NaN and Infinity have no BigDecimal form)",
            "numeric   | \"12,5\"               | field 'v': expected numeric, got \"12,5\" (not a number; NaN and Infinity have no BigDecimal form)",
            "numeric   | false                  | field 'v': expected numeric, got false (not a JSON number or numeric string)",
            "text      | 42                     | field 'v': expected text, got 42 (not a JSON string)",
            "varchar(5)| null                   | ",
            "boolean   | \"true\"               | field 'v': expected boolean, got \"true\" (not true or false)",
            "date      | \"2023-02-29\"         | field 'v': expected date, got \"2023-02-29\" (not a date like \"2024-02-29\")",
            "date      | \"2024-13-01\"         | field 'v': expected date, got \"2024-13-01\" (not a date like \"2024-02-29\")",
            "date      | \"29.02.2024\"         | field 'v': expected date, got \"29.02.2024\" (not a date like \"2024-02-29\")",
            "timestamp | \"2024-01-01T10:00:00+01:00\" | field 'v': expected timestamp, got \"2024-01-01T10:00:00+01:00\" (not a timestamp without offset like \"2024-02-29T23:59:59.123456\")",
            "timestamp | \"2024-01-01T25:00:00\" | field 'v': expected timestamp, got \"2024-01-01T25:00:00\" (not a timestamp without offset like \"2024-02-29T23:59:59.123456\")",
            "timestamptz | \"2024-01-01T10:00:00\" | field 'v': expected timestamptz, got \"2024-01-01T10:00:00\" (not a timestamp with offset like \"2024-02-29T23:59:59.123456+01:00\")",
            "timestamptz | \"infinity\"         | field 'v': expected timestamptz, got \"infinity\" (not a timestamp with offset like \"2024-02-29T23:59:59.123456+01:00\")",
            "uuid      | \"1-2-3-4-5\"          | field 'v': expected uuid, got \"1-2-3-4-5\" (not a UUID like \"123e4567-e89b-12d3-a456-426614174000\")",
            "bytea     | \"not base64!\"        | field 'v': expected bytea, got \"not base64!\" (not standard base64: Illegal base64 character 20)",
            "bigint    | {\"a\": 1}             | field 'v': expected bigint, got a JSON object (nested values are not part of the journal format)",
            "text      | [1, 2]                 | field 'v': expected text, got a JSON array (nested values are not part of the journal format)",
    })
    void refusesValuesTheirTypeCannotHoldNamingFieldTypeAndValue(String type, String json, String message) {
        String doc = "{\"v\": " + json + "}";
        Map<String, FieldType> types = Map.of("v", FieldType.parse(type));
        if (message == null) {
            assertNull(codec.decode(doc, types).get("v"));
            return;
        }
        JournalCodecException e = assertThrows(JournalCodecException.class, () -> codec.decode(doc, types));
        assertEquals(message, e.getMessage());
        assertEquals("v", e.field());
    }

    @Test
    void refusesAFieldTheDefinitionDoesNotKnow() {
        Map<String, FieldType> types = new LinkedHashMap<>();
        types.put("id", FieldType.parse("bigint"));
        types.put("email", FieldType.parse("text"));
        JournalCodecException e = assertThrows(JournalCodecException.class,
                () -> codec.decode("{\"id\": 1, \"nickname\": \"ada\"}", types));
        assertEquals("field 'nickname' is not a field of this definition (it knows id, email); got \"ada\"",
                e.getMessage());
        assertEquals("nickname", e.field());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "[1, 2]           | journal JSON must be an object like {\"id\": 1}, got [1, 2]",
            "42               | journal JSON must be an object like {\"id\": 1}, got 42",
            "`\"text\"`       | journal JSON must be an object like {\"id\": 1}, got \"text\"",
            "``               | journal JSON must be an object like {\"id\": 1}, got nothing",
            "{\"id\": 1} {}   | journal JSON has text after its object: {\"id\": 1} {}",
    })
    void refusesADocumentThatIsNotOneObject(String json, String message) {
        JournalCodecException e = assertThrows(JournalCodecException.class, () -> codec.decodeUntyped(json));
        assertEquals(message, e.getMessage());
        assertNull(e.field());
    }

    @Test
    void refusesMalformedJsonAndDuplicateFields() {
        JournalCodecException bad = assertThrows(JournalCodecException.class, () -> codec.decodeUntyped("{\"id\": 1,"));
        assertTrue(bad.getMessage().startsWith("journal JSON is malformed: "), bad.getMessage());
        JournalCodecException dup = assertThrows(JournalCodecException.class,
                () -> codec.decodeUntyped("{\"id\": 1, \"id\": 2}"));
        assertTrue(dup.getMessage().startsWith("journal JSON is malformed: Duplicate"), dup.getMessage());
        assertTrue(dup.getMessage().contains("\"id\""), dup.getMessage());
        JournalCodecException none = assertThrows(JournalCodecException.class, () -> codec.decodeUntyped(null));
        assertEquals("journal JSON is null; key and data hold a JSON object", none.getMessage());
    }

    // ---- decodeUntyped -----------------------------------------------------------------------------------------

    @Test
    void untypedReadsIntegersAsLongAndOtherNumbersAsBigDecimal() {
        Map<String, Object> m = codec.decodeUntyped("{\"id\": 42, \"max\": 9223372036854775807, "
                + "\"beyond\": 9223372036854775808, \"min\": -9223372036854775808, \"price\": 1.50, \"exp\": 1e3, "
                + "\"name\": \"Ada\", \"ok\": true, \"no\": false, \"gone\": null}");
        assertEquals(List.of("id", "max", "beyond", "min", "price", "exp", "name", "ok", "no", "gone"),
                new ArrayList<>(m.keySet()));
        assertEquals(42L, m.get("id"));
        assertEquals(Long.MAX_VALUE, m.get("max"));
        assertEquals(new BigDecimal("9223372036854775808"), m.get("beyond"));
        assertEquals(Long.MIN_VALUE, m.get("min"));
        assertEquals(new BigDecimal("1.50"), m.get("price"));
        assertEquals(new BigDecimal("1e3"), m.get("exp"));
        assertEquals("Ada", m.get("name"));
        assertEquals(true, m.get("ok"));
        assertEquals(false, m.get("no"));
        assertTrue(m.containsKey("gone"));
        assertNull(m.get("gone"));
    }

    @Test
    void untypedRefusesNestedValuesNamingTheField() {
        JournalCodecException e = assertThrows(JournalCodecException.class,
                () -> codec.decodeUntyped("{\"id\": 1, \"address\": {\"city\": \"London\"}}"));
        assertEquals("field 'address': expected a string, number, boolean or null, got a JSON object "
                + "(nested values are not part of the journal format)", e.getMessage());
        assertEquals("address", e.field());
        JournalCodecException array = assertThrows(JournalCodecException.class,
                () -> codec.decodeUntyped("{\"tags\": [\"a\"]}"));
        assertEquals("tags", array.field());
    }

    @Test
    void decodedMapsAreUnmodifiable() {
        Map<String, Object> m = codec.decodeUntyped("{\"a\": 1}");
        assertThrows(UnsupportedOperationException.class, () -> m.put("b", 2L));
    }

    // ---- sharing -----------------------------------------------------------------------------------------------

    @Test
    void oneCodecServesManyThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                long base = t * 1_000_000L;
                done.add(pool.submit(() -> {
                    for (long i = base; i < base + 2_000; i++) {
                        Map<String, Object> in = new LinkedHashMap<>();
                        in.put("id", i);
                        in.put("price", BigDecimal.valueOf(i, 2));
                        in.put("bin", new byte[] {(byte) i});
                        Map<String, Object> out = codec.decode(codec.encode(in), Map.of("id", FieldType.parse("bigint"),
                                "price", FieldType.parse("numeric"), "bin", FieldType.parse("bytea")));
                        assertEquals(i, out.get("id"));
                        assertEquals(BigDecimal.valueOf(i, 2), out.get("price"));
                        assertArrayEquals(new byte[] {(byte) i}, (byte[]) out.get("bin"));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
