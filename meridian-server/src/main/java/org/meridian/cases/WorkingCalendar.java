package org.meridian.cases;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A tenant's working time: its working hours each working day, its weekend, its public holidays, and the make-up
 * working days (调休) that the State Council's holiday notice moves onto weekends. Case deadlines are counted in it:
 * "8 working hours" from Friday 16:00 is Monday afternoon, and from the day before the National Day holiday it is
 * after the holiday, and a Sunday that is a make-up working day counts.
 *
 * @param windows the working hours of a working day, in order, not overlapping (default 09:00–12:00, 13:30–17:30)
 * @param holidays days off that would otherwise be working days
 * @param workdays days of the weekend that are working days (调休)
 */
public record WorkingCalendar(ZoneId zone, List<Window> windows, Set<DayOfWeek> weekend, Set<LocalDate> holidays,
                              Set<LocalDate> workdays) {
    /**
     * How far a deadline is searched: ten years, beyond any stage's limit (at most 2,000 working hours, with at least
     * one working hour a working day); past it, a calendar is broken (no working day at all).
     */
    private static final int MAX_DAYS = 10 * 366;

    /** One span of working hours within a day. */
    public record Window(LocalTime from, LocalTime to) {
        public Window {
            if (!from.isBefore(to)) {
                throw new IllegalArgumentException("a working window starts before it ends: " + from + "–" + to);
            }
        }

        Duration length() {
            return Duration.between(from, to);
        }
    }

    public WorkingCalendar {
        windows = List.copyOf(windows);
        weekend = weekend.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(weekend));
        holidays = Set.copyOf(holidays);
        workdays = Set.copyOf(workdays);
        if (windows.isEmpty()) {
            throw new IllegalArgumentException("a working day has working hours");
        }
        for (int i = 1; i < windows.size(); i++) {
            if (windows.get(i).from().isBefore(windows.get(i - 1).to())) {
                throw new IllegalArgumentException("working windows are in order and do not overlap");
            }
        }
    }

    /** China's civil service hours in Beijing time, Saturday and Sunday off, no holidays yet. */
    public static WorkingCalendar standard() {
        return new WorkingCalendar(ZoneId.of("Asia/Shanghai"),
                List.of(new Window(LocalTime.of(9, 0), LocalTime.of(12, 0)), new Window(LocalTime.of(13, 30), LocalTime.of(17, 30))),
                EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), Set.of(), Set.of());
    }

    public boolean isWorkingDay(LocalDate day) {
        return workdays.contains(day) || !holidays.contains(day) && !weekend.contains(day.getDayOfWeek());
    }

    /** Whether the moment falls in working hours (a working day, within one of its windows). */
    public boolean isWorkingTime(Instant at) {
        ZonedDateTime local = at.atZone(zone);
        if (!isWorkingDay(local.toLocalDate())) {
            return false;
        }
        for (Window window : windows) {
            if (!local.isBefore(local.toLocalDate().atTime(window.from()).atZone(zone)) && local.isBefore(end(local.toLocalDate(), window))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The working hours from one moment to another (negative when {@code to} is earlier: how far past a deadline a
     * case is), counted over at most a year and a month of days.
     */
    public double workingHoursBetween(Instant from, Instant to) {
        if (to.isBefore(from)) {
            return -workingHoursBetween(to, from);
        }
        long seconds = 0;
        LocalDate day = from.atZone(zone).toLocalDate();
        LocalDate last = to.atZone(zone).toLocalDate();
        for (int counted = 0; !day.isAfter(last) && counted < 400; counted++, day = day.plusDays(1)) {
            if (!isWorkingDay(day)) {
                continue;
            }
            for (Window window : windows) {
                Instant start = day.atTime(window.from()).atZone(zone).toInstant();
                Instant end = day.atTime(window.to()).atZone(zone).toInstant();
                Instant a = start.isAfter(from) ? start : from;
                Instant b = end.isBefore(to) ? end : to;
                if (b.isAfter(a)) {
                    seconds += java.time.Duration.between(a, b).toSeconds();
                }
            }
        }
        return seconds / 3600.0;
    }

    /** The instant {@code hours} of working time after {@code from} (from itself when it is zero). */
    public Instant plusWorkingHours(Instant from, double hours) {
        Duration left = Duration.ofSeconds(Math.round(hours * 3600));
        ZonedDateTime at = from.atZone(zone);
        LocalDate day = at.toLocalDate();
        for (int days = 0; days <= MAX_DAYS; days++, day = day.plusDays(1)) {
            if (!isWorkingDay(day)) {
                continue;
            }
            for (Window window : windows) {
                ZonedDateTime start = day.atTime(window.from()).atZone(zone);
                ZonedDateTime end = end(day, window);
                if (!end.isAfter(at)) {
                    continue;
                }
                ZonedDateTime begin = start.isAfter(at) ? start : at;
                Duration available = Duration.between(begin, end);
                if (left.compareTo(available) <= 0) {
                    return begin.plus(left).toInstant();
                }
                left = left.minus(available);
            }
        }
        throw new IllegalStateException("the working calendar has no working hours in ten years");
    }

    /** The instant {@code hours} of working time before {@code to} (to itself when it is zero). */
    public Instant minusWorkingHours(Instant to, double hours) {
        Duration left = Duration.ofSeconds(Math.round(hours * 3600));
        ZonedDateTime at = to.atZone(zone);
        LocalDate day = at.toLocalDate();
        for (int days = 0; days <= MAX_DAYS; days++, day = day.minusDays(1)) {
            if (!isWorkingDay(day)) {
                continue;
            }
            for (int w = windows.size() - 1; w >= 0; w--) {
                Window window = windows.get(w);
                ZonedDateTime start = day.atTime(window.from()).atZone(zone);
                ZonedDateTime end = end(day, window);
                if (!start.isBefore(at)) {
                    continue;
                }
                ZonedDateTime finish = end.isBefore(at) ? end : at;
                Duration available = Duration.between(start, finish);
                if (left.compareTo(available) <= 0) {
                    return finish.minus(left).toInstant();
                }
                left = left.minus(available);
            }
        }
        throw new IllegalStateException("the working calendar has no working hours in ten years");
    }

    /** Where the window ends on the day: a window to the end of the day ({@link LocalTime#MAX}) ends at midnight. */
    private ZonedDateTime end(LocalDate day, Window window) {
        return window.to().equals(LocalTime.MAX) ? day.plusDays(1).atStartOfDay(zone) : day.atTime(window.to()).atZone(zone);
    }

    /** The working time between two instants (zero when {@code to} is not after {@code from}). */
    public Duration workingTimeBetween(Instant from, Instant to) {
        if (!to.isAfter(from)) {
            return Duration.ZERO;
        }
        Duration total = Duration.ZERO;
        ZonedDateTime start = from.atZone(zone);
        ZonedDateTime finish = to.atZone(zone);
        for (LocalDate day = start.toLocalDate(); !day.isAfter(finish.toLocalDate()); day = day.plusDays(1)) {
            if (!isWorkingDay(day)) {
                continue;
            }
            for (Window window : windows) {
                ZonedDateTime a = day.atTime(window.from()).atZone(zone);
                ZonedDateTime b = end(day, window);
                ZonedDateTime lo = a.isAfter(start) ? a : start;
                ZonedDateTime hi = b.isBefore(finish) ? b : finish;
                if (hi.isAfter(lo)) {
                    total = total.plus(Duration.between(lo, hi));
                }
            }
        }
        return total;
    }
}
