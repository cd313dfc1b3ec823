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

    /**
     * What one case contributes to the indicators, each at its moment: its report; each dispatch (whether the lead
     * accepted it by its deadline); each closure (on time? after rework?) with the hours it spent in each state; each
     * rating (solved? satisfied?). Derived from the case's whole log and kept beside it, so the indicators of a period
     * are a sum over the facts in it, without reading the logs again.
     *
     * @param kind reported, dispatched, closed, stage (one per state at a closure) or rated
     * @param department the department it counts for: the one a dispatch went to; the lead at a closure or a rating
     *                   (and a closure's stages); a report counts for the first department it was dispatched to (null
     *                   until then: it counts for its district only)
     * @param stage the state of a stage fact, else ""
     * @param hours the hours of a stage fact, else 0
     * @param yes dispatched: accepted in time; closed: on time; rated: solved
     * @param also closed: after rework; rated: satisfied or basically satisfied
     */
    public record Fact(String kind, Instant at, String department, String stage, double hours, boolean yes, boolean also) {
    }

    /** The facts of one case, from its whole log. */
    public static List<Fact> facts(List<CaseEvent> log) {
        List<Fact> facts = new java.util.ArrayList<>();
        CaseView view = CaseView.empty("", "");
        Instant enteredAt = null;
        boolean onTime = true;
        int reworks = 0;
        Instant dispatchDeadline = null;
        int awaiting = -1;
        int reported = -1;
        Map<CaseState, Duration> spent = new EnumMap<>(CaseState.class);
        for (CaseEvent event : log) {
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
                case "reported" -> {
                    reported = facts.size();
                    facts.add(new Fact("reported", event.at(), null, "", 0, false, false));
                }
                case "dispatched" -> {
                    dispatchDeadline = after.deadline();
                    awaiting = facts.size();
                    facts.add(new Fact("dispatched", event.at(), after.lead(), "", 0, false, false));
                    if (reported >= 0 && facts.get(reported).department() == null) {
                        Fact report = facts.get(reported);
                        facts.set(reported, new Fact(report.kind(), report.at(), after.lead(), "", 0, false, false));
                    }
                }
                case "accepted" -> {
                    if (awaiting >= 0 && (dispatchDeadline == null || !event.at().isAfter(dispatchDeadline))) {
                        Fact dispatch = facts.get(awaiting);
                        facts.set(awaiting, new Fact(dispatch.kind(), dispatch.at(), dispatch.department(), "", 0, true, false));
                    }
                    awaiting = -1;
                }
                case "returned" -> awaiting = -1;
                case "rework" -> reworks++;
                case "closed" -> {
                    String lead = view.lead();
                    facts.add(new Fact("closed", event.at(), lead, "", 0, onTime, reworks > 0));
                    spent.forEach((state, duration) -> facts.add(new Fact("stage", event.at(), lead, state.id(),
                            duration.toSeconds() / 3600.0, false, false)));
                }
                case "rated" -> {
                    String satisfaction = event.data().path("satisfaction").asText();
                    facts.add(new Fact("rated", event.at(), view.lead(), "", 0, event.data().path("solved").asBoolean(),
                            satisfaction.equals("satisfied") || satisfaction.equals("basically-satisfied")));
                }
                default -> { }
            }
            if (before == CaseState.CLOSED && after.state() != CaseState.CLOSED) {
                // Reopened (by a dispatcher, or by a rating that asks for it): the next closure is judged afresh.
                onTime = true;
                reworks = 0;
                spent.clear();
            }
            view = after;
        }
        return facts;
    }

    /**
     * The figures per group from whole logs: by department, each fact in the department it counts for; by district,
     * each case's facts in its district. Facts without a group are left out.
     */
    public static Map<String, Figures> compute(List<List<CaseEvent>> logs, Instant from, Instant to, CaseService.Grouping grouping) {
        Map<String, List<Fact>> byGroup = new LinkedHashMap<>();
        for (List<CaseEvent> log : logs) {
            if (log.isEmpty()) {
                continue;
            }
            String district = CaseView.of("", "", log).district();
            for (Fact fact : facts(log)) {
                String group = grouping == CaseService.Grouping.DEPARTMENT ? fact.department() : district;
                if (group != null) {
                    byGroup.computeIfAbsent(group, g -> new java.util.ArrayList<>()).add(fact);
                }
            }
        }
        return fromFacts(byGroup, from, to);
    }

    /**
     * The figures of several groups taken together (districts rolled up to their city): counts added, each rate
     * weighted by what it counts (responses by dispatches; resolution and satisfaction by ratings; on-time and rework
     * by closures; hours per stage by closures), a rate nothing counts stays null.
     */
    public static Figures combine(List<Figures> parts) {
        long reported = 0;
        long dispatches = 0;
        long closures = 0;
        long ratings = 0;
        for (Figures part : parts) {
            reported += part.reported();
            dispatches += part.dispatches();
            closures += part.closures();
            ratings += part.ratings();
        }
        Map<String, Double> hours = new LinkedHashMap<>();
        for (CaseState state : CaseState.values()) {
            Double mean = weighted(parts, part -> part.averageHoursPerStage().get(state.id()), Figures::closures, 100);
            if (mean != null) {
                hours.put(state.id(), mean);
            }
        }
        return new Figures(clamp(reported), clamp(dispatches), clamp(closures), clamp(ratings),
                weighted(parts, Figures::responseRate, Figures::dispatches, 10_000),
                weighted(parts, Figures::resolutionRate, Figures::ratings, 10_000),
                weighted(parts, Figures::satisfactionRate, Figures::ratings, 10_000),
                weighted(parts, Figures::onTimeClosureRate, Figures::closures, 10_000),
                weighted(parts, Figures::reworkRate, Figures::closures, 10_000), hours);
    }

    private static int clamp(long count) {
        return (int) Math.min(Integer.MAX_VALUE, count);
    }

    private static Double weighted(List<Figures> parts, Function<Figures, Double> value, java.util.function.ToIntFunction<Figures> weight,
                                   int rounding) {
        double sum = 0;
        long weights = 0;
        for (Figures part : parts) {
            Double of = value.apply(part);
            if (of != null && weight.applyAsInt(part) > 0) {
                sum += of * weight.applyAsInt(part);
                weights += weight.applyAsInt(part);
            }
        }
        return weights == 0 ? null : Math.round(sum / weights * rounding) / (double) rounding;
    }

    /** The figures as the API shows them. */
    public static com.fasterxml.jackson.databind.node.ObjectNode json(Figures figures) {
        var out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("reported", figures.reported())
                .put("dispatches", figures.dispatches()).put("closures", figures.closures()).put("ratings", figures.ratings());
        out.put("responseRate", figures.responseRate());
        out.put("resolutionRate", figures.resolutionRate());
        out.put("satisfactionRate", figures.satisfactionRate());
        out.put("onTimeClosureRate", figures.onTimeClosureRate());
        out.put("reworkRate", figures.reworkRate());
        var hours = out.putObject("averageHoursPerStage");
        figures.averageHoursPerStage().forEach(hours::put);
        return out;
    }

    /** Figures as another node's API showed them; null when they are not figures. */
    public static Figures fromJson(com.fasterxml.jackson.databind.JsonNode json) {
        for (String count : List.of("reported", "dispatches", "closures", "ratings")) {
            if (json == null || !json.isObject() || !json.path(count).canConvertToInt() || json.path(count).asLong() < 0) {
                return null;
            }
        }
        Map<String, Double> hours = new LinkedHashMap<>();
        for (CaseState state : CaseState.values()) {
            var value = json.path("averageHoursPerStage").path(state.id());
            if (value.isNumber()) {
                hours.put(state.id(), value.asDouble());
            }
        }
        return new Figures(Math.max(0, json.get("reported").asInt()), Math.max(0, json.get("dispatches").asInt()),
                Math.max(0, json.get("closures").asInt()), Math.max(0, json.get("ratings").asInt()), rate(json, "responseRate"),
                rate(json, "resolutionRate"), rate(json, "satisfactionRate"), rate(json, "onTimeClosureRate"), rate(json, "reworkRate"), hours);
    }

    private static Double rate(com.fasterxml.jackson.databind.JsonNode json, String name) {
        var value = json.get(name);
        return value != null && value.isNumber() && value.asDouble() >= 0 && value.asDouble() <= 1 ? value.asDouble() : null;
    }

    /** The figures per group from the groups' facts, counting those in [from, to). */
    public static Map<String, Figures> fromFacts(Map<String, List<Fact>> byGroup, Instant from, Instant to) {
        Map<String, Figures> figures = new LinkedHashMap<>();
        byGroup.forEach((group, facts) -> {
            Counter counter = new Counter();
            facts.stream().filter(fact -> !fact.at().isBefore(from) && fact.at().isBefore(to)).forEach(counter::add);
            figures.put(group, counter.figures());
        });
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
        final Map<String, Double> hoursInState = new LinkedHashMap<>();
        final Map<String, Integer> casesInState = new LinkedHashMap<>();

        void add(Fact fact) {
            switch (fact.kind()) {
                case "reported" -> reported++;
                case "dispatched" -> {
                    dispatches++;
                    responded += fact.yes() ? 1 : 0;
                }
                case "closed" -> {
                    closures++;
                    closedOnTime += fact.yes() ? 1 : 0;
                    closedAfterRework += fact.also() ? 1 : 0;
                }
                case "stage" -> {
                    hoursInState.merge(fact.stage(), fact.hours(), Double::sum);
                    casesInState.merge(fact.stage(), 1, Integer::sum);
                }
                case "rated" -> {
                    ratings++;
                    solved += fact.yes() ? 1 : 0;
                    satisfied += fact.also() ? 1 : 0;
                }
                default -> { }
            }
        }

        Figures figures() {
            Map<String, Double> hours = new LinkedHashMap<>();
            for (CaseState state : CaseState.values()) {
                Double total = hoursInState.get(state.id());
                if (total != null) {
                    hours.put(state.id(), Math.round(total / casesInState.get(state.id()) * 100) / 100.0);
                }
            }
            return new Figures(reported, dispatches, closures, ratings, rate(responded, dispatches), rate(solved, ratings),
                    rate(satisfied, ratings), rate(closedOnTime, closures), rate(closedAfterRework, closures), hours);
        }

        private static Double rate(int part, int whole) {
            return whole == 0 ? null : Math.round(part * 10_000.0 / whole) / 10_000.0;
        }
    }
}
