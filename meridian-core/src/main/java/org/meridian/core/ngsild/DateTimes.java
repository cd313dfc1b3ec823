package org.meridian.core.ngsild;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import org.meridian.core.error.MeridianException;

/**
 * ISO 8601 date-times as clients send them. Stored in UTC, with as many fraction digits as the client gave (clients
 * compare {@code 12:00:00.000Z} literally; {@link Instant#toString()} would answer {@code 12:00:00Z}), and only within
 * years 1 to 9999: PostgreSQL's timestamps end far earlier than Java's, and an out-of-range value failed the whole
 * write (or a device's whole batch) with a 500.
 */
public final class DateTimes {
    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");
    private static final DateTimeFormatter[] UTC_WITH_DIGITS = new DateTimeFormatter[10];

    static {
        for (int digits = 0; digits <= 9; digits++) {
            DateTimeFormatterBuilder builder = new DateTimeFormatterBuilder().appendPattern("uuuu-MM-dd'T'HH:mm:ss");
            if (digits > 0) {
                builder.appendFraction(ChronoField.NANO_OF_SECOND, digits, digits, true);
            }
            UTC_WITH_DIGITS[digits] = builder.appendLiteral('Z').toFormatter().withZone(ZoneOffset.UTC);
        }
    }

    private DateTimes() {
    }

    /** The instant of an ISO 8601 date-time with a zone, or BadRequestData naming {@code what}. */
    public static Instant parse(String text, String what) {
        Instant instant;
        try {
            instant = OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw MeridianException.badData(what + " '" + text + "' is not an ISO 8601 date-time with a zone"
                    + " (e.g. 2024-05-01T08:00:00Z)");
        } catch (DateTimeException e) {
            throw outOfRange(text, what);
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw outOfRange(text, what);
        }
        return instant;
    }

    /** The instant of a stored date-time (one this broker wrote or checked), or null when there is none to read. */
    public static Instant instantOrNull(String text) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException e) {
            return null;
        }
    }

    /**
     * The instant of a date-time as this platform writes them ({@code 2026-07-01T06:00:00.123Z}: UTC, any number of
     * fraction digits), read by hand: {@link Instant#parse} took a quarter of the rules' consumer under load. Anything
     * else is read by {@link Instant#parse}, with its errors.
     */
    public static Instant parseUtc(String text) {
        int length = text.length();
        if (length >= 20 && length <= 30 && text.charAt(length - 1) == 'Z' && text.charAt(4) == '-' && text.charAt(7) == '-'
                && text.charAt(10) == 'T' && text.charAt(13) == ':' && text.charAt(16) == ':'
                && (length == 20 || length >= 22 && text.charAt(19) == '.')) {
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 2);
            int day = digits(text, 8, 2);
            int hour = digits(text, 11, 2);
            int minute = digits(text, 14, 2);
            int second = digits(text, 17, 2);
            int fraction = length == 20 ? 0 : digits(text, 20, length - 21);
            // digits() answers -1 for anything but digits, so each part's lower bound also checks it was one.
            if (year >= 0 && month >= 1 && month <= 12 && hour >= 0 && hour < 24 && minute >= 0 && minute < 60
                    && second >= 0 && second < 60 && fraction >= 0
                    && day >= 1 && day <= java.time.Month.of(month).length(java.time.Year.isLeap(year))) {
                long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
                return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600 + minute * 60 + second,
                        (long) fraction * POWERS_OF_TEN[9 - (length == 20 ? 0 : length - 21)]);
            }
        }
        return Instant.parse(text);
    }

    /** {@link Instant#toString()}, written by hand for years 0 to 9999 (it took a few per cent of the ingest). */
    public static String formatUtc(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < YEAR_0 || seconds > YEAR_9999_END) {
            return instant.toString();
        }
        long epochDay = Math.floorDiv(seconds, 86_400);
        int ofDay = Math.floorMod(seconds, 86_400);
        java.time.LocalDate date = java.time.LocalDate.ofEpochDay(epochDay);
        char[] out = new char[30];
        int at = pad(out, 0, date.getYear(), 4);
        out[at++] = '-';
        at = pad(out, at, date.getMonthValue(), 2);
        out[at++] = '-';
        at = pad(out, at, date.getDayOfMonth(), 2);
        out[at++] = 'T';
        at = pad(out, at, ofDay / 3_600, 2);
        out[at++] = ':';
        at = pad(out, at, ofDay / 60 % 60, 2);
        out[at++] = ':';
        at = pad(out, at, ofDay % 60, 2);
        int nanos = instant.getNano();
        if (nanos > 0) {
            out[at++] = '.';
            // As Instant.toString: in groups of three digits, as many as needed.
            if (nanos % 1_000_000 == 0) {
                at = pad(out, at, nanos / 1_000_000, 3);
            } else if (nanos % 1_000 == 0) {
                at = pad(out, at, nanos / 1_000, 6);
            } else {
                at = pad(out, at, nanos, 9);
            }
        }
        out[at++] = 'Z';
        return new String(out, 0, at);
    }

    private static final long[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
        1_000_000_000};
    private static final long YEAR_0 = java.time.LocalDate.of(0, 1, 1).toEpochDay() * 86_400;
    private static final long YEAR_9999_END = java.time.LocalDate.of(9999, 12, 31).toEpochDay() * 86_400 + 86_399;

    /** The decimal number of {@code count} (at most 9) ASCII digits from {@code from}, or -1. */
    private static int digits(String text, int from, int count) {
        if (count < 1 || count > 9) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static int pad(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
        return at + width;
    }

    /** The date-time in UTC, with the fraction digits it was given: {@code 20:00:00.000+08:00} → {@code 12:00:00.000Z}. */
    public static String normalise(String text, String what) {
        Instant instant = parse(text, what);
        return UTC_WITH_DIGITS[fractionDigits(text)].format(instant);
    }

    private static int fractionDigits(String text) {
        int dot = text.indexOf('.', text.indexOf('T'));
        if (dot < 0) {
            return 0;
        }
        int end = dot + 1;
        while (end < text.length() && Character.isDigit(text.charAt(end))) {
            end++;
        }
        return Math.min(9, end - dot - 1);
    }

    private static MeridianException outOfRange(String text, String what) {
        return MeridianException.badData(what + " '" + text + "' is outside the supported range, years 0001 to 9999");
    }
}
