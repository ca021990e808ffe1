package io.tandem.applier;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

/**
 * Date-times rounded to PostgreSQL's precision, a microsecond, half up — as the JDBC driver rounds a bound
 * {@code LocalDateTime}/{@code OffsetDateTime}. Text with more fraction digits would be rounded by the server
 * instead, half to even, so a set-based write could store a value one microsecond off the one-row write.
 */
final class Micros {
    private Micros() {
    }

    static LocalDateTime round(LocalDateTime t) {
        return t.plusNanos(500).truncatedTo(ChronoUnit.MICROS);
    }

    static OffsetDateTime round(OffsetDateTime t) {
        return t.plusNanos(500).truncatedTo(ChronoUnit.MICROS);
    }
}
