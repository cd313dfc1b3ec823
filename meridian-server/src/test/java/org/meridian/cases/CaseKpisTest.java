package org.meridian.cases;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The indicators from event logs alone: two cases of one department, one done well and one not. */
class CaseKpisTest {
    private static final Actor CITIZEN = new Actor("account:wang", Set.of("citizen"), Set.of());
    private static final Actor DISPATCHER = new Actor("account:chen", Set.of("dispatcher"), Set.of());
    private static final Actor WATER = new Actor("account:li", Set.of("staff"), Set.of("water"));
    private static final Instant MONDAY = LocalDateTime.parse("2026-12-07T09:00").atZone(ZoneId.of("Asia/Shanghai")).toInstant();

    /** Two working hours to accept a dispatch, eight to handle it. */
    private static final Deadlines LIMITS = new Deadlines() {
        private final WorkingCalendar calendar = WorkingCalendar.standard();

        @Override
        public Instant due(String category, String urgency, CaseState entering, Instant from) {
            return switch (entering) {
                case DISPATCHED -> calendar.plusWorkingHours(from, 2);
                case IN_PROGRESS -> calendar.plusWorkingHours(from, 8);
                default -> null;
            };
        }

        @Override
        public Instant extend(Instant deadline, int workingHours) {
            return calendar.plusWorkingHours(deadline, workingHours);
        }
    };

    /** A case's log: each step taken {@code minutes} after the one before. */
    private static List<CaseEvent> log(Instant start, int[] minutes, List<Map.Entry<Actor, CaseAction>> steps) {
        List<CaseEvent> events = new ArrayList<>();
        Instant now = start;
        CaseView view = CaseView.empty("c", "");
        CaseEvent first = CaseMachine.report(new CaseMachine.Report("manhole-cover", "normal", "cover", 120.1, 30.2, null, "xihu",
                "portal"), CITIZEN, now, LIMITS);
        events.add(first);
        view = view.apply(first);
        for (int i = 0; i < steps.size(); i++) {
            now = now.plus(Duration.ofMinutes(minutes[i]));
            CaseEvent event = CaseMachine.decide(view, steps.get(i).getValue(), steps.get(i).getKey(), now, LIMITS);
            events.add(event);
            view = view.apply(event);
        }
        return events;
    }

    @Test
    void ratesCountWhatTheLogsShow() {
        List<CaseEvent> good = log(MONDAY, new int[] {10, 10, 30, 120, 60, 10, 60}, List.of(
                Map.entry(DISPATCHER, new CaseAction.Register(null)),
                Map.entry(DISPATCHER, new CaseAction.Dispatch("water", List.of(), null)),
                Map.entry(WATER, new CaseAction.Accept(null)),
                Map.entry(WATER, new CaseAction.Handle("done", null)),
                Map.entry(CITIZEN, new CaseAction.Check(true, null)),
                Map.entry(DISPATCHER, new CaseAction.Close(null)),
                Map.entry(CITIZEN, new CaseAction.Rate(CaseAction.Satisfaction.SATISFIED, true, null, false))));
        // Accepted five hours after a dispatch due in two, sent back once, not solved in the reporter's eyes.
        List<CaseEvent> poor = log(MONDAY, new int[] {10, 10, 300, 60, 30, 60, 30, 10, 60}, List.of(
                Map.entry(DISPATCHER, new CaseAction.Register(null)),
                Map.entry(DISPATCHER, new CaseAction.Dispatch("water", List.of(), null)),
                Map.entry(WATER, new CaseAction.Accept(null)),
                Map.entry(WATER, new CaseAction.Handle("done", null)),
                Map.entry(CITIZEN, new CaseAction.Check(false, "still broken")),
                Map.entry(WATER, new CaseAction.Handle("done again", null)),
                Map.entry(CITIZEN, new CaseAction.Check(true, null)),
                Map.entry(DISPATCHER, new CaseAction.Close(null)),
                Map.entry(CITIZEN, new CaseAction.Rate(CaseAction.Satisfaction.NOT_SATISFIED, false, "slow", false))));
        Map<String, CaseKpis.Figures> figures = CaseKpis.compute(List.of(good, poor), MONDAY, MONDAY.plus(Duration.ofDays(7)),
                CaseService.Grouping.DEPARTMENT);
        CaseKpis.Figures water = figures.get("water");
        assertThat(water.reported()).isEqualTo(2);
        assertThat(water.dispatches()).isEqualTo(2);
        assertThat(water.closures()).isEqualTo(2);
        assertThat(water.responseRate()).as("one accepted in time").isEqualTo(0.5);
        assertThat(water.onTimeClosureRate()).isEqualTo(0.5);
        assertThat(water.reworkRate()).isEqualTo(0.5);
        assertThat(water.satisfactionRate()).isEqualTo(0.5);
        assertThat(water.resolutionRate()).isEqualTo(0.5);
        assertThat(water.averageHoursPerStage().get("dispatched")).as("(30 + 300) / 2 minutes").isEqualTo(2.75);

        Map<String, CaseKpis.Figures> later = CaseKpis.compute(List.of(good, poor), MONDAY.plus(Duration.ofDays(7)),
                MONDAY.plus(Duration.ofDays(14)), CaseService.Grouping.DEPARTMENT);
        assertThat(later.get("water").closures()).as("nothing happened that week").isZero();
        assertThat(later.get("water").satisfactionRate()).as("no rating: no rate, not zero").isNull();
        assertThat(CaseKpis.compute(List.of(good), MONDAY, MONDAY.plus(Duration.ofDays(1)), CaseService.Grouping.DISTRICT)).containsKey("xihu");
    }

    /**
     * A case dispatched to transport, sent back, dispatched to water, closed late, rated unsatisfied and reopened,
     * then closed again in time by water: each fact stays with the department responsible when it happened.
     */
    @Test
    void factsStayWithTheDepartmentResponsibleAtTheTime() {
        Actor transport = new Actor("account:zhao", Set.of("staff"), Set.of("transport"));
        List<CaseEvent> log = log(MONDAY, new int[] {10, 10, 30, 10, 60, 2880, 10, 10, 10, 10, 10, 10, 10, 30, 60, 10, 10}, List.of(
                Map.entry(DISPATCHER, new CaseAction.Register(null)),
                Map.entry(DISPATCHER, new CaseAction.Dispatch("transport", List.of(), null)),
                Map.entry(transport, new CaseAction.Return("not ours")),
                Map.entry(DISPATCHER, new CaseAction.Dispatch("water", List.of(), null)),
                Map.entry(WATER, new CaseAction.Accept(null)),
                Map.entry(WATER, new CaseAction.Handle("done", null)),
                Map.entry(CITIZEN, new CaseAction.Check(true, null)),
                Map.entry(DISPATCHER, new CaseAction.Close(null)),
                Map.entry(CITIZEN, new CaseAction.Rate(CaseAction.Satisfaction.NOT_SATISFIED, false, "still broken", true)),
                Map.entry(DISPATCHER, new CaseAction.Dispatch("water", List.of(), null)),
                Map.entry(WATER, new CaseAction.Accept(null)),
                Map.entry(WATER, new CaseAction.Handle("done again", null)),
                Map.entry(CITIZEN, new CaseAction.Check(true, null)),
                Map.entry(DISPATCHER, new CaseAction.Close(null)),
                Map.entry(CITIZEN, new CaseAction.Rate(CaseAction.Satisfaction.SATISFIED, true, null, false)),
                Map.entry(DISPATCHER, new CaseAction.Note("called back", null)),
                Map.entry(DISPATCHER, new CaseAction.Note("thanked", null))));
        assertThat(CaseView.of("c", "", log).satisfaction()).as("rated again after the reopening").isEqualTo("satisfied");
        Map<String, CaseKpis.Figures> figures = CaseKpis.compute(List.of(log), MONDAY, MONDAY.plus(Duration.ofDays(7)),
                CaseService.Grouping.DEPARTMENT);
        CaseKpis.Figures transportFigures = figures.get("transport");
        assertThat(transportFigures.dispatches()).as("the dispatch it sent back").isEqualTo(1);
        assertThat(transportFigures.responseRate()).isEqualTo(0.0);
        assertThat(transportFigures.reported()).as("the report counts where it was first sent").isEqualTo(1);
        assertThat(transportFigures.closures()).isZero();
        CaseKpis.Figures waterFigures = figures.get("water");
        assertThat(waterFigures.dispatches()).isEqualTo(2);
        assertThat(waterFigures.responseRate()).isEqualTo(1.0);
        assertThat(waterFigures.closures()).isEqualTo(2);
        assertThat(waterFigures.onTimeClosureRate()).as("late the first time (two days to handle, eight working hours allowed), in time after the reopening")
                .isEqualTo(0.5);
        assertThat(waterFigures.ratings()).isEqualTo(2);
        assertThat(waterFigures.satisfactionRate()).isEqualTo(0.5);
        assertThat(waterFigures.reported()).isZero();
    }

    @Test
    void figuresOfSeveralGroupsCombineWeightedByWhatEachRateCounts() {
        CaseKpis.Figures district = new CaseKpis.Figures(10, 8, 4, 2, 0.75, 1.0, 0.5, 1.0, 0.0, Map.of("in-progress", 2.0));
        CaseKpis.Figures other = new CaseKpis.Figures(2, 2, 0, 0, 0.0, null, null, null, null, Map.of());

        CaseKpis.Figures city = CaseKpis.combine(List.of(district, other));

        assertThat(city.reported()).isEqualTo(12);
        assertThat(city.dispatches()).isEqualTo(10);
        assertThat(city.responseRate()).as("6 of 8 and 0 of 2").isEqualTo(0.6);
        assertThat(city.satisfactionRate()).as("nothing rated elsewhere").isEqualTo(0.5);
        assertThat(city.onTimeClosureRate()).isEqualTo(1.0);
        assertThat(city.averageHoursPerStage()).containsEntry("in-progress", 2.0);
        assertThat(CaseKpis.fromJson(CaseKpis.json(city))).isEqualTo(city);
        assertThat(CaseKpis.combine(List.of(other)).resolutionRate()).as("nothing to count").isNull();
    }
}
