package org.meridian.core.query;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the unquoted ISO 8601 date, time and date-time tokens of q, and writes their canonical UTC text. */
final class TemporalLiterals {
    private static final Pattern DATE_TIME =
            Pattern.compile("(\\d{4}-\\d{2}-\\d{2})T(\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?)(Z|[+-]\\d{2}:\\d{2})?");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern TIME = Pattern.compile("(\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?)(Z|[+-]\\d{2}:\\d{2})?");
    private static final DateTimeFormatter DATE_TEXT = DateTimeFormatter.ofPattern("uuuu-MM-dd");
    private static final DateTimeFormatter TIME_TEXT = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter MICROSECONDS = DateTimeFormatter.ofPattern(".SSSSSS");

    private TemporalLiterals() {
    }

    /**
     * The literal a token denotes if it has the shape of a date, time or date-time.
     *
     * @throws DateTimeException when it has that shape but is not a valid value, such as {@code 2024-02-30}
     */
    static Optional<QueryLiteral> parse(String token) {
        Matcher dateTime = DATE_TIME.matcher(token);
        if (dateTime.matches()) {
            LocalDateTime local = LocalDateTime.of(LocalDate.parse(dateTime.group(1)),
                    LocalTime.parse(dateTime.group(2)));
            return Optional.of(new QueryLiteral.DateTimeLiteral(local.toInstant(offset(dateTime.group(3)))));
        }
        if (DATE.matcher(token).matches()) {
            return Optional.of(new QueryLiteral.DateLiteral(LocalDate.parse(token)));
        }
        Matcher time = TIME.matcher(token);
        if (time.matches()) {
            LocalTime utc = LocalTime.parse(time.group(1)).minusSeconds(offset(time.group(2)).getTotalSeconds());
            return Optional.of(new QueryLiteral.TimeLiteral(utc));
        }
        return Optional.empty();
    }

    private static ZoneOffset offset(String text) {
        return text == null ? ZoneOffset.UTC : ZoneOffset.of(text);
    }

    /** {@code 2024-01-31T10:00:00} or {@code 2024-01-31T10:00:00.250000}, in UTC without a zone designator. */
    static String utcDateTimeText(QueryLiteral.DateTimeLiteral literal) {
        LocalDateTime utc = LocalDateTime.ofInstant(literal.instant(), ZoneOffset.UTC);
        return DATE_TEXT.format(utc) + "T" + timeText(utc.toLocalTime());
    }

    static String dateText(QueryLiteral.DateLiteral literal) {
        return DATE_TEXT.format(literal.date());
    }

    /** {@code 10:00:00} or {@code 10:00:00.250000}. */
    static String timeText(LocalTime time) {
        return TIME_TEXT.format(time) + (time.getNano() == 0 ? "" : MICROSECONDS.format(time));
    }
}
