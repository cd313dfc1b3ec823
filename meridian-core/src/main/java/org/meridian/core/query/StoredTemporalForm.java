package org.meridian.core.query;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A spelling of a date, time or date-time in a stored document, with the PostgreSQL {@code .datetime()} template that
 * reads it (used by {@link JsonPathTranslator}) and the equivalent Java reading (used by {@link QueryEvaluator}).
 *
 * <p>Each form reads to one PostgreSQL type. Forms ending in "Z" read as unzoned UTC values; offset forms read as
 * zoned values. A literal is compared only through forms whose type PostgreSQL can compare with it without a time
 * zone conversion, which would be an error rather than a mismatch. {@link Key} orders values as PostgreSQL does.
 */
enum StoredTemporalForm {
    DATE("yyyy-mm-dd", "\\d{4}-\\d{2}-\\d{2}", false,
            text -> Key.ofMidnight(LocalDate.parse(text))),
    DATE_TIME_UTC("yyyy-mm-dd\"T\"HH24:MI:SS\"Z\"", "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z", false,
            StoredTemporalForm::readUtcDateTime),
    DATE_TIME_FRACTION_UTC("yyyy-mm-dd\"T\"HH24:MI:SS.US\"Z\"", "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{1,6}Z",
            false, StoredTemporalForm::readUtcDateTime),
    DATE_TIME_OFFSET("yyyy-mm-dd\"T\"HH24:MI:SSTZH:TZM", "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}[+-]\\d{2}:\\d{2}",
            true, text -> Key.of(OffsetDateTime.parse(text).toInstant())),
    DATE_TIME_FRACTION_OFFSET("yyyy-mm-dd\"T\"HH24:MI:SS.USTZH:TZM",
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{1,6}[+-]\\d{2}:\\d{2}", true,
            text -> Key.of(OffsetDateTime.parse(text).toInstant())),
    TIME_UTC("HH24:MI:SS\"Z\"", "\\d{2}:\\d{2}:\\d{2}Z", false, StoredTemporalForm::readUtcTime),
    TIME_FRACTION_UTC("HH24:MI:SS.US\"Z\"", "\\d{2}:\\d{2}:\\d{2}\\.\\d{1,6}Z", false, StoredTemporalForm::readUtcTime),
    TIME_OFFSET("HH24:MI:SSTZH:TZM", "\\d{2}:\\d{2}:\\d{2}[+-]\\d{2}:\\d{2}", true,
            text -> Key.of(OffsetTime.parse(text))),
    TIME_FRACTION_OFFSET("HH24:MI:SS.USTZH:TZM", "\\d{2}:\\d{2}:\\d{2}\\.\\d{1,6}[+-]\\d{2}:\\d{2}", true,
            text -> Key.of(OffsetTime.parse(text)));

    private static final long MICROSECONDS_PER_SECOND = 1_000_000L;

    private final String template;
    private final Pattern pattern;
    private final boolean zoned;
    private final Function<String, Key> reader;

    StoredTemporalForm(String template, String pattern, boolean zoned, Function<String, Key> reader) {
        this.template = template;
        this.pattern = Pattern.compile(pattern);
        this.zoned = zoned;
        this.reader = reader;
    }

    /** The forms through which stored values are compared with a temporal literal; none for other literals. */
    static List<StoredTemporalForm> comparableWith(QueryLiteral literal) {
        return switch (literal) {
            case QueryLiteral.DateTimeLiteral dateTime ->
                    List.of(DATE_TIME_UTC, DATE_TIME_FRACTION_UTC, DATE_TIME_OFFSET, DATE_TIME_FRACTION_OFFSET);
            // A date compares with dates and, as its midnight, with unzoned date-times, but never with zoned values.
            case QueryLiteral.DateLiteral date -> List.of(DATE, DATE_TIME_UTC, DATE_TIME_FRACTION_UTC);
            case QueryLiteral.TimeLiteral time ->
                    List.of(TIME_UTC, TIME_FRACTION_UTC, TIME_OFFSET, TIME_FRACTION_OFFSET);
            case QueryLiteral.TextLiteral text -> List.of();
            case QueryLiteral.NumberLiteral number -> List.of();
            case QueryLiteral.BooleanLiteral booleanLiteral -> List.of();
        };
    }

    /** The PostgreSQL datetime template. */
    String template() {
        return template;
    }

    /** Whether this form reads to a zoned type, so it must be compared with a zoned literal. */
    boolean zoned() {
        return zoned;
    }

    /** The value of a stored string in this form, or empty when the string has another form or is invalid. */
    Optional<Key> read(String text) {
        if (!pattern.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(reader.apply(text));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    private static Key readUtcDateTime(String text) {
        return Key.of(LocalDateTime.parse(text.substring(0, text.length() - 1)).toInstant(ZoneOffset.UTC));
    }

    private static Key readUtcTime(String text) {
        return Key.of(LocalTime.parse(text.substring(0, text.length() - 1)));
    }

    /**
     * A temporal value reduced to what PostgreSQL compares: instants and dates by microseconds since the epoch (a date
     * as its midnight, UTC for unzoned values), times by microseconds of the day, and zoned times first by their UTC
     * equivalent, not wrapped at midnight, then by offset as {@code timetz_cmp} does.
     *
     * @param microseconds the primary order
     * @param zoneSecondsWest the secondary order, PostgreSQL's zone field; 0 for everything but zoned times
     */
    record Key(long microseconds, long zoneSecondsWest) implements Comparable<Key> {
        private static final Comparator<Key> ORDER =
                Comparator.comparingLong(Key::microseconds).thenComparingLong(Key::zoneSecondsWest);

        static Key of(Instant instant) {
            return new Key(ChronoUnit.MICROS.between(Instant.EPOCH, instant), 0);
        }

        static Key ofMidnight(LocalDate date) {
            return of(date.atStartOfDay().toInstant(ZoneOffset.UTC));
        }

        static Key of(LocalTime time) {
            return new Key(time.toNanoOfDay() / 1_000, 0);
        }

        static Key of(OffsetTime time) {
            long offsetSeconds = time.getOffset().getTotalSeconds();
            return new Key(time.toLocalTime().toNanoOfDay() / 1_000 - offsetSeconds * MICROSECONDS_PER_SECOND,
                    -offsetSeconds);
        }

        /** The key of a temporal literal; literals are UTC and zoned literals carry a zero offset. */
        static Key of(QueryLiteral literal) {
            return switch (literal) {
                case QueryLiteral.DateTimeLiteral dateTime -> of(dateTime.instant());
                case QueryLiteral.DateLiteral date -> ofMidnight(date.date());
                case QueryLiteral.TimeLiteral time -> of(time.time());
                case QueryLiteral.TextLiteral text -> throw notTemporal(literal);
                case QueryLiteral.NumberLiteral number -> throw notTemporal(literal);
                case QueryLiteral.BooleanLiteral booleanLiteral -> throw notTemporal(literal);
            };
        }

        private static IllegalArgumentException notTemporal(QueryLiteral literal) {
            return new IllegalArgumentException("not a temporal literal: " + literal);
        }

        @Override
        public int compareTo(Key other) {
            return ORDER.compare(this, other);
        }
    }
}
