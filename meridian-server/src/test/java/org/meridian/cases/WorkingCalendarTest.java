package org.meridian.cases;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Deadlines in working time: hours, lunch, weekends, public holidays and make-up working days (调休). */
class WorkingCalendarTest {
    private static final ZoneId BEIJING = ZoneId.of("Asia/Shanghai");

    private static Instant at(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(BEIJING).toInstant();
    }

    @Test
    void hoursSkipLunchNightsAndWeekends() {
        WorkingCalendar calendar = WorkingCalendar.standard();
        // Friday 4 December 2026, 16:00: 1.5 h on Friday, then Monday 09:00–12:00 (3 h), 13:30–17:00 (3.5 h).
        assertThat(calendar.plusWorkingHours(at("2026-12-04T16:00"), 8)).isEqualTo(at("2026-12-07T17:00"));
        assertThat(calendar.plusWorkingHours(at("2026-12-07T11:00"), 2)).as("over lunch").isEqualTo(at("2026-12-07T14:30"));
        assertThat(calendar.plusWorkingHours(at("2026-12-05T22:00"), 1)).as("from a Saturday night").isEqualTo(at("2026-12-07T10:00"));
        assertThat(calendar.plusWorkingHours(at("2026-12-07T12:30"), 0.5)).as("from lunch").isEqualTo(at("2026-12-07T14:00"));
        assertThat(calendar.plusWorkingHours(at("2026-12-07T10:00"), 0)).isEqualTo(at("2026-12-07T10:00"));
    }

    @Test
    void holidaysAreSkippedAndMakeUpWorkingDaysCount() {
        // A week-long holiday from Thursday 1 October, with Sunday 27 September a make-up working day.
        Set<LocalDate> holidays = Set.of(LocalDate.parse("2026-10-01"), LocalDate.parse("2026-10-02"), LocalDate.parse("2026-10-05"),
                LocalDate.parse("2026-10-06"), LocalDate.parse("2026-10-07"));
        WorkingCalendar calendar = new WorkingCalendar(BEIJING, WorkingCalendar.standard().windows(),
                EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), holidays, Set.of(LocalDate.parse("2026-09-27")));
        assertThat(calendar.isWorkingDay(LocalDate.parse("2026-09-27"))).as("a Sunday worked (调休)").isTrue();
        assertThat(calendar.isWorkingDay(LocalDate.parse("2026-10-05"))).as("a Monday off").isFalse();
        assertThat(calendar.plusWorkingHours(at("2026-09-26T10:00"), 1)).as("Saturday, then the make-up Sunday")
                .isEqualTo(at("2026-09-27T10:00"));
        assertThat(calendar.plusWorkingHours(at("2026-09-30T17:00"), 1)).as("the eve of the holiday, then after it")
                .isEqualTo(at("2026-10-08T09:30"));
    }

    @Test
    void workingTimeBetweenIsTheInverseOfAddingIt() {
        WorkingCalendar calendar = WorkingCalendar.standard();
        Instant from = at("2026-12-04T15:20");
        for (double hours : new double[] {0.25, 1, 7, 8, 30, 100}) {
            Instant to = calendar.plusWorkingHours(from, hours);
            assertThat(calendar.workingTimeBetween(from, to)).as("%s h", hours).isEqualTo(Duration.ofSeconds(Math.round(hours * 3600)));
        }
        assertThat(calendar.workingTimeBetween(at("2026-12-05T09:00"), at("2026-12-06T18:00"))).as("a weekend").isZero();
    }

    /** Around the clock (a window to 24:00, no weekend): working time is time, across midnight too. */
    @Test
    void aDutyCalendarCountsEveryHour() {
        WorkingCalendar duty = new WorkingCalendar(ZoneId.of("Asia/Shanghai"),
                List.of(new WorkingCalendar.Window(LocalTime.MIDNIGHT, LocalTime.MAX)), Set.of(),
                Set.of(), Set.of());
        Instant lateEvening = Instant.parse("2026-12-05T15:30:00Z"); // 23:30 in Beijing, a Saturday
        assertThat(duty.plusWorkingHours(lateEvening, 2)).isEqualTo(Instant.parse("2026-12-05T17:30:00Z"));
        assertThat(duty.workingTimeBetween(lateEvening, Instant.parse("2026-12-07T15:30:00Z")))
                .isEqualTo(Duration.ofHours(48));
    }

    /** Back from a deadline: an hour before Monday 09:30 is Friday 17:00 (half an hour each side); minus undoes plus. */
    @Test
    void workingHoursCountBackwardsToo() {
        WorkingCalendar calendar = WorkingCalendar.standard();
        Instant monday = Instant.parse("2026-12-07T01:30:00Z"); // 09:30 in Beijing
        assertThat(calendar.minusWorkingHours(monday, 1)).isEqualTo(Instant.parse("2026-12-04T09:00:00Z")); // Friday 17:00
        Instant start = Instant.parse("2026-12-03T05:00:00Z"); // Thursday 13:00, in the lunch break
        for (double hours : new double[] {0.5, 3, 8, 20}) {
            Instant later = calendar.plusWorkingHours(start, hours);
            assertThat(calendar.workingTimeBetween(calendar.minusWorkingHours(later, hours), later))
                    .isEqualTo(Duration.ofSeconds(Math.round(hours * 3600)));
        }
    }
}
