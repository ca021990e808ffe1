package io.tandem.core.definitions;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A field's declared type in a version definition: a PostgreSQL type name from the supported set, normalised.
 *
 * <p>{@link #sql()} is the type as it goes into generated SQL ({@code CAST(? AS numeric(12,2))}, view column
 * types); {@link #kind()} decides how values are encoded in the journal's jsonb and which Java type carries them.
 *
 * @param kind the family of the type
 * @param sql  the normalised PostgreSQL type, e.g. {@code bigint}, {@code numeric(12,2)}, {@code varchar(80)}
 */
public record FieldType(Kind kind, String sql) {

    /** The supported type families, each with the Java type that carries its values. */
    public enum Kind {
        SMALLINT(Short.class), INTEGER(Integer.class), BIGINT(Long.class), NUMERIC(BigDecimal.class),
        REAL(Float.class), DOUBLE(Double.class), TEXT(String.class), BOOLEAN(Boolean.class), DATE(LocalDate.class),
        TIMESTAMP(LocalDateTime.class), TIMESTAMPTZ(OffsetDateTime.class), UUID(java.util.UUID.class),
        BYTEA(byte[].class);

        private final Class<?> javaType;

        Kind(Class<?> javaType) {
            this.javaType = javaType;
        }

        /** The Java type that carries values of this kind in a {@code JournalEntry}. */
        public Class<?> javaType() {
            return javaType;
        }
    }

    /** What {@link #parse} accepts, for error messages. */
    public static final String SUPPORTED = "smallint, integer (int), bigint, numeric[(p[,s])] (decimal), real, "
            + "double precision, text, varchar(n) (character varying), boolean, date, "
            + "timestamp[(p)] (without time zone), timestamptz[(p)] (timestamp[(p)] with time zone), uuid, bytea";

    private static final Pattern NUMERIC = Pattern.compile("(?:numeric|decimal)(?:\\s*\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\))?");
    private static final Pattern TIMESTAMP = Pattern.compile(
            "(timestamptz|timestamp)\\s*\\(\\s*(\\d)\\s*\\)(?: (with|without) time zone)?");
    private static final Pattern VARCHAR = Pattern.compile("(?:varchar|character varying)(?:\\s*\\(\\s*(\\d+)\\s*\\))?");

    /**
     * Parses a declared type name (case-insensitive, PostgreSQL aliases accepted).
     *
     * @throws IllegalArgumentException naming the type and listing the supported ones
     */
    public static FieldType parse(String declared) {
        String t = declared == null ? "" : declared.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        switch (t) {
            case "smallint", "int2": return new FieldType(Kind.SMALLINT, "smallint");
            case "integer", "int", "int4": return new FieldType(Kind.INTEGER, "integer");
            case "bigint", "int8": return new FieldType(Kind.BIGINT, "bigint");
            case "real", "float4": return new FieldType(Kind.REAL, "real");
            case "double precision", "float8": return new FieldType(Kind.DOUBLE, "double precision");
            case "text": return new FieldType(Kind.TEXT, "text");
            case "boolean", "bool": return new FieldType(Kind.BOOLEAN, "boolean");
            case "date": return new FieldType(Kind.DATE, "date");
            case "timestamp", "timestamp without time zone": return new FieldType(Kind.TIMESTAMP, "timestamp");
            case "timestamptz", "timestamp with time zone": return new FieldType(Kind.TIMESTAMPTZ, "timestamptz");
            case "uuid": return new FieldType(Kind.UUID, "uuid");
            case "bytea": return new FieldType(Kind.BYTEA, "bytea");
            default: break;
        }
        Matcher m = NUMERIC.matcher(t);
        if (m.matches()) {
            String sql = m.group(1) == null ? "numeric"
                    : "numeric(" + m.group(1) + (m.group(2) == null ? "" : "," + m.group(2)) + ")";
            return new FieldType(Kind.NUMERIC, sql);
        }
        m = TIMESTAMP.matcher(t);
        if (m.matches() && !(m.group(1).equals("timestamptz") && m.group(3) != null)) {
            boolean zoned = m.group(1).equals("timestamptz") || "with".equals(m.group(3));
            return zoned ? new FieldType(Kind.TIMESTAMPTZ, "timestamptz(" + m.group(2) + ")")
                    : new FieldType(Kind.TIMESTAMP, "timestamp(" + m.group(2) + ")");
        }
        m = VARCHAR.matcher(t);
        if (m.matches()) {
            return new FieldType(Kind.TEXT, m.group(1) == null ? "varchar" : "varchar(" + m.group(1) + ")");
        }
        throw new IllegalArgumentException("type '" + declared + "' is not supported; use one of: " + SUPPORTED);
    }

    @Override
    public String toString() {
        return sql;
    }
}
