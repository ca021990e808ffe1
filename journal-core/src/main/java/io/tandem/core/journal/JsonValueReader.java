package io.tandem.core.journal;

import io.tandem.core.definitions.FieldType;

import com.fasterxml.jackson.core.JsonToken;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Turns one JSON value of a journal document into the Java value of its field's {@link FieldType.Kind}.
 * Stateless. Strict: a value that does not fit its type exactly is refused, never rounded or coerced (the one
 * leniency is {@code numeric}, which also takes a numeric string, and integral numbers such as {@code 5.0} for
 * integer types).
 */
final class JsonValueReader {
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** More integer digits than any long has. */
    private static final int LONG_DIGITS = 19;

    private JsonValueReader() {
    }

    static Object typed(JsonScalar v, FieldType type) {
        if (v.token() == JsonToken.VALUE_NULL) {
            return null;
        }
        String sql = type.sql();
        switch (type.kind()) {
            case SMALLINT: return (short) integer(v, sql, Short.MIN_VALUE, Short.MAX_VALUE);
            case INTEGER: return (int) integer(v, sql, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case BIGINT: return integer(v, sql, Long.MIN_VALUE, Long.MAX_VALUE);
            case NUMERIC: return numeric(v, sql);
            case REAL: return real(v, sql);
            case DOUBLE: return doublePrecision(v, sql);
            case TEXT: return string(v, sql);
            case BOOLEAN: return bool(v, sql);
            case DATE: return date(v, sql);
            case TIMESTAMP: return timestamp(v, sql);
            case TIMESTAMPTZ: return timestamptz(v, sql);
            case UUID: return uuid(v, sql);
            case BYTEA: return bytea(v, sql);
            default: throw new IllegalStateException("unhandled kind " + type.kind());
        }
    }

    /** Without a definition: integers as Long (BigDecimal beyond long), other numbers as BigDecimal. */
    static Object untyped(JsonScalar v) {
        switch (v.token()) {
            case VALUE_NULL: return null;
            case VALUE_TRUE: return Boolean.TRUE;
            case VALUE_FALSE: return Boolean.FALSE;
            case VALUE_STRING: return v.text();
            case VALUE_NUMBER_INT: return longOrDecimal(v.text());
            case VALUE_NUMBER_FLOAT: return new BigDecimal(v.text());
            default: throw v.mismatch("a string, number, boolean or null", "nested values are not part of the journal format");
        }
    }

    private static Object longOrDecimal(String text) {
        BigDecimal d = new BigDecimal(text);
        return d.precision() <= LONG_DIGITS && d.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) >= 0
                && d.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0 ? (Object) d.longValueExact() : d;
    }

    private static long integer(JsonScalar v, String sql, long min, long max) {
        if (!v.isNumber()) {
            throw v.mismatch(sql, "not a JSON number");
        }
        if (v.token() == JsonToken.VALUE_NUMBER_INT && v.text().length() <= LONG_DIGITS - 1) {
            long whole = Long.parseLong(v.text()); // at most 18 characters: always a long, no BigDecimal needed
            if (whole < min || whole > max) {
                throw v.mismatch(sql, "out of range " + min + ".." + max);
            }
            return whole;
        }
        BigDecimal d = new BigDecimal(v.text());
        if (d.signum() != 0 && d.precision() - d.scale() > LONG_DIGITS) {
            throw v.mismatch(sql, "out of range " + min + ".." + max);
        }
        if (d.signum() != 0 && d.stripTrailingZeros().scale() > 0) {
            throw v.mismatch(sql, "has a fraction");
        }
        BigDecimal whole = d.setScale(0);
        if (whole.compareTo(BigDecimal.valueOf(min)) < 0 || whole.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw v.mismatch(sql, "out of range " + min + ".." + max);
        }
        return whole.longValueExact();
    }

    private static BigDecimal numeric(JsonScalar v, String sql) {
        if (!v.isNumber() && !v.isString()) {
            throw v.mismatch(sql, "not a JSON number or numeric string");
        }
        try {
            return new BigDecimal(v.text());
        } catch (NumberFormatException e) {
            throw v.mismatch(sql, "not a number; NaN and Infinity have no BigDecimal form");
        }
    }

    private static Double doublePrecision(JsonScalar v, String sql) {
        if (v.isString()) {
            switch (v.text()) {
                case "NaN": return Double.NaN;
                case "Infinity": return Double.POSITIVE_INFINITY;
                case "-Infinity": return Double.NEGATIVE_INFINITY;
                default: throw v.mismatch(sql, "a string must be \"NaN\", \"Infinity\" or \"-Infinity\"");
            }
        }
        if (!v.isNumber()) {
            throw v.mismatch(sql, "not a JSON number");
        }
        double d = Double.parseDouble(v.text());
        checkFloatRange(v, sql, Double.isInfinite(d), d == 0);
        return d;
    }

    private static Float real(JsonScalar v, String sql) {
        if (v.isString()) {
            switch (v.text()) {
                case "NaN": return Float.NaN;
                case "Infinity": return Float.POSITIVE_INFINITY;
                case "-Infinity": return Float.NEGATIVE_INFINITY;
                default: throw v.mismatch(sql, "a string must be \"NaN\", \"Infinity\" or \"-Infinity\"");
            }
        }
        if (!v.isNumber()) {
            throw v.mismatch(sql, "not a JSON number");
        }
        float f = Float.parseFloat(v.text());
        checkFloatRange(v, sql, Float.isInfinite(f), f == 0);
        return f;
    }

    /** A finite number that overflows, or a non-zero one that underflows to zero, is out of range. */
    private static void checkFloatRange(JsonScalar v, String sql, boolean infinite, boolean zero) {
        if (infinite || zero && new BigDecimal(v.text()).signum() != 0) {
            throw v.mismatch(sql, "out of range");
        }
    }

    private static String string(JsonScalar v, String sql) {
        if (!v.isString()) {
            throw v.mismatch(sql, "not a JSON string");
        }
        return v.text();
    }

    private static Boolean bool(JsonScalar v, String sql) {
        switch (v.token()) {
            case VALUE_TRUE: return Boolean.TRUE;
            case VALUE_FALSE: return Boolean.FALSE;
            default: throw v.mismatch(sql, "not true or false");
        }
    }

    private static LocalDate date(JsonScalar v, String sql) {
        try {
            return LocalDate.parse(string(v, sql));
        } catch (DateTimeParseException e) {
            throw v.mismatch(sql, "not a date like \"2024-02-29\"");
        }
    }

    private static LocalDateTime timestamp(JsonScalar v, String sql) {
        try {
            return LocalDateTime.parse(JournalTimeFormats.withT(string(v, sql)), JournalTimeFormats.LOCAL_DATE_TIME);
        } catch (DateTimeParseException e) {
            throw v.mismatch(sql, "not a timestamp without offset like \"2024-02-29T23:59:59.123456\"");
        }
    }

    private static OffsetDateTime timestamptz(JsonScalar v, String sql) {
        try {
            return OffsetDateTime.parse(JournalTimeFormats.withT(string(v, sql)), JournalTimeFormats.OFFSET_READER);
        } catch (DateTimeParseException e) {
            throw v.mismatch(sql, "not a timestamp with offset like \"2024-02-29T23:59:59.123456+01:00\"");
        }
    }

    private static UUID uuid(JsonScalar v, String sql) {
        String text = string(v, sql);
        if (!UUID_TEXT.matcher(text).matches()) {
            throw v.mismatch(sql, "not a UUID like \"123e4567-e89b-12d3-a456-426614174000\"");
        }
        return UUID.fromString(text);
    }

    private static byte[] bytea(JsonScalar v, String sql) {
        try {
            return Base64.getDecoder().decode(string(v, sql));
        } catch (IllegalArgumentException e) {
            throw v.mismatch(sql, "not standard base64: " + e.getMessage());
        }
    }
}
