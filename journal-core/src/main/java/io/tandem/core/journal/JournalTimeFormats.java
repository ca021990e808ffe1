package io.tandem.core.journal;

import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;

/**
 * The date-time spellings of the journal's JSON: ISO-8601 with seconds always written, as many fraction digits
 * as needed (microseconds and beyond kept), offsets as {@code +HH:MM}. Parsing also takes PostgreSQL's own
 * output ({@code 2024-01-01 10:00:00+00}). Immutable, hence thread-safe.
 */
final class JournalTimeFormats {
    /** {@code 2024-02-29T23:59:59.123456}: written for {@code LocalDateTime}, read for {@code timestamp}. */
    static final DateTimeFormatter LOCAL_DATE_TIME = base().toFormatter()
            .withResolverStyle(ResolverStyle.STRICT).withChronology(IsoChronology.INSTANCE);

    /** {@code 2024-02-29T23:59:59.123456+14:00}: written for {@code OffsetDateTime} and {@code Instant}. */
    static final DateTimeFormatter OFFSET_WRITER = base().appendOffset("+HH:MM:ss", "+00:00").toFormatter()
            .withResolverStyle(ResolverStyle.STRICT).withChronology(IsoChronology.INSTANCE);

    /** Reads offsets as {@code Z}, {@code +00}, {@code +05:30} or {@code +05:30:15}, for {@code timestamptz}. */
    static final DateTimeFormatter OFFSET_READER = base().parseLenient().appendOffset("+HH:MM:ss", "Z")
            .toFormatter().withResolverStyle(ResolverStyle.STRICT).withChronology(IsoChronology.INSTANCE);

    private JournalTimeFormats() {
    }

    /** PostgreSQL writes a space where ISO-8601 has the {@code T}; both are accepted. */
    static String withT(String text) {
        if (text.length() > 10 && text.charAt(10) == ' ') {
            return text.substring(0, 10) + 'T' + text.substring(11);
        }
        return text;
    }

    private static DateTimeFormatterBuilder base() {
        return new DateTimeFormatterBuilder()
                .append(DateTimeFormatter.ISO_LOCAL_DATE)
                .appendLiteral('T')
                .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
                .appendValue(ChronoField.MINUTE_OF_HOUR, 2).appendLiteral(':')
                .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
                .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true);
    }
}
