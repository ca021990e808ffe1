package io.tandem.core.journal;

import io.tandem.core.definitions.FieldType;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The edge values the codec must carry unchanged, one field per value, with the declared type of each. */
final class EdgeValues {

    /** One field: its name, declared type and Java value. */
    record Case(String field, FieldType type, Object value) {
    }

    static final List<Case> CASES = build();

    private EdgeValues() {
    }

    static Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        CASES.forEach(c -> m.put(c.field(), c.value()));
        return m;
    }

    static Map<String, FieldType> types() {
        Map<String, FieldType> m = new LinkedHashMap<>();
        CASES.forEach(c -> m.put(c.field(), c.type()));
        return m;
    }

    /** Equality by content for byte[], by equals (so BigDecimal scale counts, and -0.0 != 0.0) otherwise. */
    static void assertSameValue(String field, Object expected, Object actual) {
        if (expected instanceof byte[]) {
            assertArrayEquals((byte[]) expected, (byte[]) actual, field);
        } else {
            assertEquals(expected, actual, field);
        }
    }

    private static List<Case> build() {
        List<Case> c = new ArrayList<>();
        add(c, "long_min", "bigint", Long.MIN_VALUE);
        add(c, "long_max", "bigint", Long.MAX_VALUE);
        add(c, "long_zero", "bigint", 0L);
        add(c, "int_min", "integer", Integer.MIN_VALUE);
        add(c, "int_max", "integer", Integer.MAX_VALUE);
        add(c, "short_min", "smallint", Short.MIN_VALUE);
        add(c, "short_max", "smallint", Short.MAX_VALUE);
        add(c, "dec_45_digits", "numeric", new BigDecimal("123456789012345678901234567890.123456789012345"));
        add(c, "dec_negative_big", "numeric", new BigDecimal("-98765432109876543210987654321098765432109876"));
        add(c, "dec_1e30", "numeric", new BigDecimal("1000000000000000000000000000000"));
        add(c, "dec_micro", "numeric", new BigDecimal("0.000001"));
        add(c, "dec_scale_kept", "numeric(12,2)", new BigDecimal("1.50"));
        add(c, "dec_zero_scaled", "numeric", new BigDecimal("0.00"));
        add(c, "dec_tiny", "numeric", new BigDecimal("1E-40"));
        add(c, "double_max", "double precision", Double.MAX_VALUE);
        add(c, "double_min", "double precision", Double.MIN_VALUE);
        add(c, "double_min_normal", "double precision", Double.MIN_NORMAL);
        add(c, "double_negative", "double precision", -1234.5678e-200);
        add(c, "double_tenth", "double precision", 0.1);
        add(c, "double_nan", "double precision", Double.NaN);
        add(c, "double_inf", "double precision", Double.POSITIVE_INFINITY);
        add(c, "double_neg_inf", "double precision", Double.NEGATIVE_INFINITY);
        add(c, "float_max", "real", Float.MAX_VALUE);
        add(c, "float_min", "real", Float.MIN_VALUE);
        add(c, "float_third", "real", 1f / 3);
        add(c, "float_nan", "real", Float.NaN);
        add(c, "float_neg_inf", "real", Float.NEGATIVE_INFINITY);
        add(c, "text_empty", "text", "");
        add(c, "text_accents", "varchar(80)", "Ada Lovelace, née Byron; crème brûlée");
        add(c, "text_cjk", "text", "日本語のテキスト");
        add(c, "text_emoji", "text", "smile 😀 family 👨‍👩‍👧 flag 🇫🇷");
        add(c, "text_rtl", "text", "שלום עולם مرحبا \u202Eevil\u202C");
        add(c, "text_quotes", "text", "she said \"hi\" and 'bye' \\ back\\slash \\\\ two /slash");
        add(c, "text_controls", "text", controlCharacters());
        add(c, "text_json_like", "text", "{\"id\": 1, \"x\": [null]}");
        add(c, "text_numeric_like", "text", "0042");
        add(c, "bool_true", "boolean", true);
        add(c, "bool_false", "boolean", false);
        add(c, "date_first", "date", LocalDate.of(1, 1, 1));
        add(c, "date_last", "date", LocalDate.of(9999, 12, 31));
        add(c, "date_leap", "date", LocalDate.of(2024, 2, 29));
        add(c, "ts_micros", "timestamp", LocalDateTime.of(2024, 2, 29, 23, 59, 59, 123_456_000));
        add(c, "ts_whole_minute", "timestamp", LocalDateTime.of(2024, 1, 1, 10, 0));
        add(c, "ts_first", "timestamp", LocalDateTime.of(1, 1, 1, 0, 0, 0, 1000));
        add(c, "tstz_plus14", "timestamptz", OffsetDateTime.of(2024, 2, 29, 23, 59, 59, 999_999_000, ZoneOffset.ofHours(14)));
        add(c, "tstz_minus12", "timestamptz", OffsetDateTime.of(2000, 1, 1, 0, 0, 0, 1000, ZoneOffset.ofHours(-12)));
        add(c, "tstz_utc", "timestamptz", OffsetDateTime.of(2024, 6, 1, 12, 0, 0, 0, ZoneOffset.UTC));
        add(c, "tstz_odd_offset", "timestamptz", OffsetDateTime.of(1900, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHoursMinutesSeconds(0, 9, 21)));
        add(c, "uuid", "uuid", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
        add(c, "uuid_random", "uuid", UUID.randomUUID());
        add(c, "bytes_empty", "bytea", new byte[0]);
        add(c, "bytes_all", "bytea", allBytes());
        add(c, "null_bigint", "bigint", null);
        add(c, "null_text", "text", null);
        add(c, "null_bytea", "bytea", null);
        return Collections.unmodifiableList(c);
    }

    /** Instant has no kind of its own: it is written as a UTC timestamptz and read back as an OffsetDateTime. */
    static final Instant INSTANT = Instant.parse("2024-02-29T23:59:59.123456Z");

    static byte[] allBytes() {
        byte[] b = new byte[256];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    /** Every C0 control except NUL, plus DEL and the C1 range and the line/paragraph separators. */
    static String controlCharacters() {
        StringBuilder s = new StringBuilder();
        for (char ch = 1; ch < 0x20; ch++) {
            s.append(ch);
        }
        for (char ch = 0x7f; ch <= 0x9f; ch++) {
            s.append(ch);
        }
        return s.append('\u2028').append('\u2029').toString();
    }

    private static void add(List<Case> cases, String field, String type, Object value) {
        cases.add(new Case(field, FieldType.parse(type), value));
    }
}
