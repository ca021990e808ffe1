package io.tandem.core.definitions;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Type names as definitions and PostgreSQL's catalog spell them. */
class FieldTypeTest {
    @Test
    void timestampsKeepTheirPrecision() {
        assertEquals(new FieldType(FieldType.Kind.TIMESTAMPTZ, "timestamptz(6)"),
                FieldType.parse("timestamp(6) with time zone"), "what Hibernate 6 creates for an Instant");
        assertEquals(new FieldType(FieldType.Kind.TIMESTAMPTZ, "timestamptz(3)"), FieldType.parse("timestamptz(3)"));
        assertEquals(new FieldType(FieldType.Kind.TIMESTAMP, "timestamp(6)"),
                FieldType.parse("timestamp(6) without time zone"));
        assertEquals(new FieldType(FieldType.Kind.TIMESTAMP, "timestamp(0)"), FieldType.parse("TIMESTAMP (0)"));
        assertEquals(new FieldType(FieldType.Kind.TIMESTAMPTZ, "timestamptz"), FieldType.parse("timestamp with time zone"));
        assertThrows(IllegalArgumentException.class, () -> FieldType.parse("timestamptz(6) with time zone"));
    }
}
