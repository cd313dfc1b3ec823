package org.meridian.cases;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The case-handling indicators, computed from case event logs alone (a pure function: the same logs give the same
 * figures), for the cases of one group (a department, a district) over a period [from, to):
 * <ul>
 *   <li>response rate (响应率): dispatches in the period that the lead department accepted before the dispatch's
 *       deadline (or at all, when there was none), of all dispatches in the period;</li>
 *   <li>resolution rate (解决率): ratings in the period saying the problem was solved, of all ratings in it;</li>
 *   <li>satisfaction rate (满意率): ratings in the period that are satisfied or basically satisfied, of all ratings;</li>
 *   <li>on-time closure rate (按期结案率): closures in the period of cases whose every stage ended by its deadline
 *       (approved extensions move deadlines), of all closures in it;</li>
 *   <li>rework rate (返工率): closures in the period of cases sent back at least once, of all closures;</li>
 *   <li>average hours per stage: for the cases closed in the period, the mean wall-clock hours spent in each state.</li>
 * </ul>
 * A rate with nothing to count is null, not zero.
 */
public final class CaseKpis {
    private CaseKpis() {
    }

    /** The figures of one group. */
    public record Figures(int reported, int dispatches, int closures, int ratings, Double responseRate, Double resolutionRate,
                          Double satisfactionRate, Double onTimeClosureRate, Double reworkRate, Map<String, Double> averageHoursPerStage) {
    }

    /** The figures per group, each case counted in the group {@code groupOf} names for it (null: left out). */
    public static Map<String, Figures> compute(List<List<CaseEvent>> logs, Instant from, Instant to,
                                               Function<CaseView, String> groupOf) {
        Map<String, Counter> counters = new LinkedHashMap<>();
        for (List<CaseEvent> log : logs) {
            if (log.isEmpty()) {
                continue;
            }
            CaseView view = CaseView.of("", "", log);
            String group = groupOf.apply(view);
            if (group != null) {
                counters.computeIfAbsent(group, g -> new Counter()).add(log, from, to);
            }
        }
        Map<String, Figures> figures = new LinkedHashMap<>();
        counters.forEach((group, counter) -> figures.put(group, counter.figures()));
        return figures;
    }

    private static final class Counter {
        int reported;
        int dispatches;
        int responded;
        int closures;
        int closedOnTime;
        int closedAfterRework;
        int ratings;
        int solved;
        int satisfied;
        final Map<CaseState, Duration> timeInState = new EnumMap<>(CaseState.class);
        final Map<CaseState, Integer> casesInState = new EnumMap<>(CaseState.class);

        void add(List<CaseEvent> log, Instant from, Instant to) {
            CaseView view = CaseView.empty("", "");
            Instant enteredAt = null;
            boolean onTime = true;
            int reworks = 0;
            Instant dispatchDeadline = null;
            boolean awaitingAcceptance = false;
            boolean dispatchCounted = false;
            Map<CaseState, Duration> spent = new EnumMap<>(CaseState.class);
            for (CaseEvent event : log) {
                boolean inPeriod = !event.at().isBefore(from) && event.at().isBefore(to);
                CaseState before = view.state();
                Instant deadline = view.deadline();
                CaseView after = view.apply(event);
                if (before != after.state() && before != null) {
                    if (deadline != null && event.at().isAfter(deadline) && before != CaseState.SUSPENDED) {
                        onTime = false;
                    }
                    if (enteredAt != null) {
                        spent.merge(before, Duration.between(enteredAt, event.at()), Duration::plus);
                    }
                }
                if (before != after.state()) {
                    enteredAt = event.at();
                }
                switch (event.kind()) {
                    case "reported" -> reported += inPeriod ? 1 : 0;
                    case "dispatched" -> {
                        awaitingAcceptance = true;
                        dispatchDeadline = after.deadline();
                        dispatchCounted = inPeriod;
                        dispatches += inPeriod ? 1 : 0;
                    }
                    case "accepted" -> {
                        if (awaitingAcceptance && dispatchCounted && (dispatchDeadline == null || !event.at().isAfter(dispatchDeadline))) {
                            responded++;
                        }
                        awaitingAcceptance = false;
                    }
                    case "returned" -> awaitingAcceptance = false;
                    case "rework" -> reworks++;
                    case "closed" -> {
                        if (inPeriod) {
                            closures++;
                            closedOnTime += onTime ? 1 : 0;
                            closedAfterRework += reworks > 0 ? 1 : 0;
                            spent.forEach((state, duration) -> {
                                timeInState.merge(state, duration, Duration::plus);
                                casesInState.merge(state, 1, Integer::sum);
                            });
                        }
                    }
                    case "rated" -> {
                        if (inPeriod) {
                            ratings++;
                            solved += event.data().path("solved").asBoolean() ? 1 : 0;
                            String satisfaction = event.data().path("satisfaction").asText();
                            satisfied += satisfaction.equals("satisfied") || satisfaction.equals("basically-satisfied") ? 1 : 0;
                        }
                    }
                    case "reopened" -> {
                        onTime = true;
                        reworks = 0;
                        spent.clear();
                    }
                    default -> { }
                }
                view = after;
            }
        }

        Figures figures() {
            Map<String, Double> hours = new LinkedHashMap<>();
            timeInState.forEach((state, total) -> hours.put(state.id(),
                    Math.round(total.toSeconds() / 3600.0 / casesInState.get(state) * 100) / 100.0));
            return new Figures(reported, dispatches, closures, ratings, rate(responded, dispatches), rate(solved, ratings),
                    rate(satisfied, ratings), rate(closedOnTime, closures), rate(closedAfterRework, closures), hours);
        }

        private static Double rate(int part, int whole) {
            return whole == 0 ? null : Math.round(part * 10_000.0 / whole) / 10_000.0;
        }
    }
}
