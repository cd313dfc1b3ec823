package org.meridian.sim;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * The city's own time: it starts at a fixed morning and runs {@code speed} times faster than the wall clock, so a
 * day of rhythms passes in minutes. Measurements carry the wall-clock time (they happen now); their values follow
 * the city's time of day.
 */
final class CityClock {
    /** China Standard Time: the city's days and rush hours are local. */
    static final ZoneOffset ZONE = ZoneOffset.ofHours(8);

    private final Instant realStart;
    private final ZonedDateTime cityStart;
    private final double speed;

    CityClock(Instant realStart, ZonedDateTime cityStart, double speed) {
        this.realStart = realStart;
        this.cityStart = cityStart;
        this.speed = speed;
    }

    ZonedDateTime cityTime(Instant now) {
        long realMillis = Duration.between(realStart, now).toMillis();
        return cityStart.plus(Duration.ofMillis((long) (realMillis * speed)));
    }

    /** Hours since the city started, for weather that unfolds over city time. */
    double cityHours(Instant now) {
        return Duration.between(realStart, now).toMillis() * speed / 3_600_000.0;
    }

    /** Hour of the day as a fraction: 7.5 is half past seven. */
    static double hourOfDay(ZonedDateTime time) {
        return time.getHour() + time.getMinute() / 60.0 + time.getSecond() / 3600.0;
    }

    static boolean weekend(ZonedDateTime time) {
        return time.getDayOfWeek().getValue() >= 6;
    }
}
