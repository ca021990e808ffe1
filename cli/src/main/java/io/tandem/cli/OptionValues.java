package io.tandem.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;
import java.util.Locale;


/**
 * Converters that check a command-line value while the command line is parsed, so that a value out of range is a
 * usage error (exit 2, one line naming the option and the accepted range) before anything runs, never an
 * exception from deep inside a command.
 *
 * <p>Public for the commands added to {@link TandemCommand} from outside this module (the checkout's {@code demo}),
 * so that theirs are checked the same way.
 */
public final class OptionValues {
    private OptionValues() {
    }

    /** An {@code int} in {@code [min, max]}. */
    public abstract static class IntRange implements ITypeConverter<Integer> {
        private final int min;
        private final int max;

        protected IntRange(int min, int max) {
            this.min = min;
            this.max = max;
        }

        @Override
        public Integer convert(String text) {
            long value = LongRange.parse(text);
            if (value < min || value > max) {
                throw new TypeConversionException(LongRange.outOfRange(text, min, max));
            }
            return (int) value;
        }
    }

    /** A {@code long} in {@code [min, max]}. */
    abstract static class LongRange implements ITypeConverter<Long> {
        private final long min;
        private final long max;

        LongRange(long min, long max) {
            this.min = min;
            this.max = max;
        }

        @Override
        public Long convert(String text) {
            long value = parse(text);
            if (value < min || value > max) {
                throw new TypeConversionException(outOfRange(text, min, max));
            }
            return value;
        }

        static long parse(String text) {
            try {
                return Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + text + "' is not a whole number");
            }
        }

        static String outOfRange(String text, long min, long max) {
            return max == Integer.MAX_VALUE || max == Long.MAX_VALUE
                    ? "must be at least " + min + ", not " + text.trim()
                    : "must be from " + min + " to " + max + ", not " + text.trim();
        }
    }

    /** A count: 1 or more. */
    static final class Positive extends IntRange {
        Positive() {
            super(1, Integer.MAX_VALUE);
        }
    }

    /** A rate in rows per second, 0 meaning no limit. */
    static final class Rate extends LongRange {
        Rate() {
            super(0, Long.MAX_VALUE);
        }
    }

    /** A TCP port to listen on: 1 to 65535. */
    static final class Port extends IntRange {
        Port() {
            super(1, 65_535);
        }
    }

    /** A number of rows per target transaction: 1 to 1,000,000 (memory holds a few slices at once). */
    static final class SliceRows extends IntRange {
        SliceRows() {
            super(1, 1_000_000);
        }
    }

    /** A wait in milliseconds: 1 ms to 1 hour. */
    static final class Millis extends LongRange {
        Millis() {
            super(1, 3_600_000);
        }
    }

    /** Like {@link Millis}, and 0 for "no wait". */
    static final class WaitMillis extends LongRange {
        WaitMillis() {
            super(0, 3_600_000);
        }
    }

    /** A duration of up to a day, written as {@code 500ms}, {@code 20s}, {@code 1.5m} or a number of seconds. */
    public static final class PositiveDuration implements ITypeConverter<Duration> {
        private static final Duration LONGEST = Duration.ofDays(1);

        @Override
        public Duration convert(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            Duration value;
            try {
                if (t.endsWith("ms")) {
                    value = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
                } else if (t.endsWith("s")) {
                    value = Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
                } else if (t.endsWith("m")) {
                    value = Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 60_000));
                } else {
                    value = Duration.ofSeconds(Long.parseLong(t));
                }
            } catch (NumberFormatException | ArithmeticException e) {
                throw new TypeConversionException("'" + text + "' is not a duration: use e.g. 20s, 1m or 500ms");
            }
            if (value.isNegative() || value.isZero()) {
                throw new TypeConversionException("must be longer than zero, not " + text.trim());
            }
            if (value.compareTo(LONGEST) > 0) {
                throw new TypeConversionException("must be at most 24h (86400s), not " + text.trim());
            }
            return value;
        }
    }

    /** A retention period: {@code 30m}, {@code 24h}, {@code 7d} (minutes, hours, days). */
    static final class Period implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            try {
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                Duration value = switch (t.charAt(t.length() - 1)) {
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    case 'd' -> Duration.ofDays(n);
                    default -> throw new NumberFormatException();
                };
                if (value.isNegative() || value.isZero()) {
                    throw new TypeConversionException("must be longer than zero, not " + text.trim());
                }
                return value;
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                throw new TypeConversionException("'" + text + "' is not a period: use e.g. 30m, 24h or 7d");
            }
        }
    }

    /** A size in bytes: {@code 512MB}, {@code 20GB}, {@code 1TB} (powers of 1024) or a number of bytes. */
    static final class ByteSize implements ITypeConverter<Long> {
        @Override
        public Long convert(String text) {
            String t = text.trim().toUpperCase(Locale.ROOT);
            long unit = t.endsWith("TB") ? 1L << 40 : t.endsWith("GB") ? 1L << 30 : t.endsWith("MB") ? 1L << 20
                    : t.endsWith("KB") ? 1L << 10 : 1;
            String number = unit == 1 ? t : t.substring(0, t.length() - 2);
            try {
                long value = Math.multiplyExact(Long.parseLong(number.trim()), unit);
                if (value < 1) {
                    throw new TypeConversionException("must be positive, not " + text.trim());
                }
                return value;
            } catch (NumberFormatException | ArithmeticException e) {
                throw new TypeConversionException("'" + text + "' is not a size: use e.g. 512MB, 20GB or 1TB");
            }
        }
    }

    /** A PostgreSQL JDBC URL. */
    public static final class PostgresUrl implements ITypeConverter<String> {
        @Override
        public String convert(String text) {
            if (!text.trim().startsWith("jdbc:postgresql:")) {
                throw new TypeConversionException("'" + text + "' is not a PostgreSQL JDBC URL: use"
                        + " jdbc:postgresql://HOST:PORT/DB");
            }
            return text.trim();
        }
    }
}
