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
