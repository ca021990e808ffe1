package io.tandem.core.journal;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.UUID;

/**
 * Writes one Java field value as its journal JSON (the table in {@code docs/journal-format.md}). Stateless.
 *
 * <p>Refuses, rather than alters, what PostgreSQL could not store: NUL characters and unpaired surrogates in
 * strings, numbers beyond PostgreSQL {@code numeric}, and any type not in {@link #SUPPORTED}.
 */
final class JsonValueWriter {
    /** The Java types {@link #write} accepts, for error messages. */
    static final String SUPPORTED = "Long, Integer, Short, BigDecimal, Double, Float, String, Boolean, LocalDate, "
            + "LocalDateTime, OffsetDateTime, Instant, UUID, byte[] or null";

    /** PostgreSQL numeric: up to 131072 digits before the decimal point and 16383 after. */
    private static final int NUMERIC_MAX_INTEGER_DIGITS = 131072;
    private static final int NUMERIC_MAX_SCALE = 16383;

    private JsonValueWriter() {
    }

    static void write(JsonGenerator g, String field, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short) {
            g.writeNumber(((Number) value).longValue());
        } else if (value instanceof BigDecimal) {
            g.writeNumber(plain(field, (BigDecimal) value));
        } else if (value instanceof Double) {
            writeDouble(g, (Double) value);
        } else if (value instanceof Float) {
            writeFloat(g, (Float) value);
        } else if (value instanceof String) {
            g.writeString(checkedText(field, (String) value));
        } else if (value instanceof Boolean) {
            g.writeBoolean((Boolean) value);
        } else {
            writeAsString(g, field, value);
        }
    }

    /** Values whose JSON form is a string. */
    private static void writeAsString(JsonGenerator g, String field, Object value) throws IOException {
        if (value instanceof LocalDate) {
            g.writeString(value.toString());
        } else if (value instanceof LocalDateTime) {
            g.writeString(JournalTimeFormats.LOCAL_DATE_TIME.format((LocalDateTime) value));
        } else if (value instanceof OffsetDateTime) {
            g.writeString(JournalTimeFormats.OFFSET_WRITER.format((OffsetDateTime) value));
        } else if (value instanceof Instant) {
            g.writeString(JournalTimeFormats.OFFSET_WRITER.format(((Instant) value).atOffset(ZoneOffset.UTC)));
        } else if (value instanceof UUID) {
            g.writeString(value.toString());
        } else if (value instanceof byte[]) {
            g.writeString(Base64.getEncoder().encodeToString((byte[]) value));
        } else {
            throw new JournalCodecException(field, "field '" + field + "' has a value of type "
                    + value.getClass().getName() + ", which the journal cannot carry; use one of: " + SUPPORTED);
        }
    }

    private static void writeDouble(JsonGenerator g, double d) throws IOException {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            g.writeString(Double.toString(d)); // NaN, Infinity, -Infinity: PostgreSQL's spellings too
        } else {
            g.writeNumber(d);
        }
    }

    private static void writeFloat(JsonGenerator g, float f) throws IOException {
        if (Float.isNaN(f) || Float.isInfinite(f)) {
            g.writeString(Float.toString(f));
        } else {
            g.writeNumber(f);
        }
    }

    private static String plain(String field, BigDecimal value) {
        if (value.signum() != 0 && (value.precision() - value.scale() > NUMERIC_MAX_INTEGER_DIGITS
                || value.scale() > NUMERIC_MAX_SCALE)) {
            throw new JournalCodecException(field, "field '" + field + "' has the number " + value
                    + ", which is beyond PostgreSQL numeric (at most " + NUMERIC_MAX_INTEGER_DIGITS
                    + " digits before the point and " + NUMERIC_MAX_SCALE + " after); round or rescale it");
        }
        return value.toPlainString();
    }

    /** PostgreSQL text cannot hold U+0000, and an unpaired surrogate has no UTF-8 encoding. */
    static String checkedText(String field, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                throw new JournalCodecException(field, "field '" + field + "' contains a NUL character (U+0000), "
                        + "which PostgreSQL text cannot store; remove it");
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new JournalCodecException(field, "field '" + field + "' contains an unpaired UTF-16 surrogate "
                        + String.format("(U+%04X) at index %d", (int) c, i)
                        + ", which has no UTF-8 encoding and PostgreSQL cannot store; fix the string");
            }
        }
        return text;
    }
}
