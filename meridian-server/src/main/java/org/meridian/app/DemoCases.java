package org.meridian.app;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.meridian.cases.CaseService;
import org.meridian.cases.Category;
import org.meridian.cases.Question;
import org.meridian.cases.Routing;
import org.meridian.core.security.Caller;

/**
 * The demo city's case catalogue, routing and 2026 working calendar (docs/cases.md), so that reports can be made and
 * worked at once. Categories follow the national standard's top-level classes of components (部件) and events (事件).
 */
public final class DemoCases {
    private DemoCases() {
    }

    private record Demo(String code, String name, String kind, String parent, String lead, List<String> coHandlers,
                        Map<String, Map<String, Double>> limits) {
    }

    /** Working hours per stage: a normal case, and an urgent one (the emergencies' limits are all urgent-like). */
    private static Map<String, Map<String, Double>> limits(double dispatch, double handle, double urgentHandle) {
        Map<String, Map<String, Double>> limits = new LinkedHashMap<>();
        limits.put("normal", Map.of("received", 1.0, "registered", 1.0, "dispatched", dispatch, "in-progress", handle, "handled", 8.0));
        limits.put("urgent", Map.of("received", 0.25, "registered", 0.25, "dispatched", 0.5, "in-progress", urgentHandle, "handled", 2.0));
        return limits;
    }

    private static final List<Demo> CATEGORIES = List.of(
            new Demo("manhole-cover", "井盖缺失破损 Manhole cover", "component", "public-facilities", "water", List.of("transport"),
                    limits(2, 16, 4)),
            new Demo("street-light", "路灯故障 Street light", "component", "public-facilities", "urban-management", List.of(),
                    limits(2, 24, 8)),
            new Demo("pothole", "路面破损 Pothole", "component", "road-traffic", "transport", List.of(), limits(2, 40, 8)),
            new Demo("waste-overflow", "垃圾满溢 Waste overflowing", "event", "city-appearance", "urban-management", List.of(),
                    limits(1, 8, 2)),
            new Demo("illegal-parking", "违章停车 Illegal parking", "event", "street-order", "transport", List.of(), limits(1, 4, 1)),
            new Demo("road-flooding", "道路积水 Road flooding", "event", "emergencies", "water", List.of("emergency", "transport"),
                    limits(0.5, 4, 1)),
            new Demo("device-fault", "感知设备故障 Sensor fault", "component", "public-facilities", "big-data", List.of(),
                    limits(2, 24, 8)),
            new Demo("noise", "噪声扰民 Noise", "event", "street-order", "ecology", List.of(), limits(2, 24, 4)));

    /** The State Council's 2026 holiday notice (国办, 2025-11-04): days off, and the weekend days worked instead (调休). */
    private static final List<String> HOLIDAYS_2026 = List.of("2026-01-01", "2026-01-02", "2026-02-16", "2026-02-17", "2026-02-18",
            "2026-02-19", "2026-02-20", "2026-02-23", "2026-04-06", "2026-05-01", "2026-05-04", "2026-05-05", "2026-06-19",
            "2026-09-25", "2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07");
    private static final List<String> WORKDAYS_2026 = List.of("2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09",
            "2026-09-20", "2026-10-10");

    /** What some categories ask the reporter (Open311 shows them as the services' attributes). */
    private static final Map<String, List<Question>> QUESTIONS = Map.of(
            "pothole", List.of(new Question("depth", "number", false, "大约多深（厘米）How deep, in cm", 1, List.of()),
                    new Question("lane", "singlevaluelist", true, "在哪里 Where on the road", 2, List.of(
                            new Question.Choice("carriageway", "机动车道 Carriageway"), new Question.Choice("cycle-lane", "非机动车道 Cycle lane"),
                            new Question.Choice("pavement", "人行道 Pavement")))),
            "street-light", List.of(new Question("lamps", "number", true, "几盏灯不亮 How many lamps are out", 1, List.of())),
            "waste-overflow", List.of(new Question("container", "singlevaluelist", true, "什么容器 Which container", 1, List.of(
                    new Question.Choice("street-bin", "果皮箱 Street bin"), new Question.Choice("community", "小区垃圾桶 Residential bins"),
                    new Question.Choice("station", "垃圾站 Collection point")))),
            "noise", List.of(new Question("when", "singlevaluelist", true, "什么时候 When", 1, List.of(
                    new Question.Choice("day", "白天 Daytime"), new Question.Choice("night", "夜间 22:00–06:00")))));

    /**
     * The demo city's catalogue, routing and calendar. Its day passes {@code speed} times faster than the wall clock,
     * so its stage limits are scaled the same (2 working hours at speed 60 are 2 minutes), and it works around the
     * clock as a 12345 centre does: reminders, supervision and late cases show within the first minutes.
     */
    public static void create(CaseService cases, double speed) {
        Caller platform = Caller.system("", "demo");
        for (Demo demo : CATEGORIES) {
            Map<String, Map<String, Double>> scaled = new LinkedHashMap<>();
            demo.limits().forEach((urgency, byState) -> {
                Map<String, Double> hours = new LinkedHashMap<>();
                byState.forEach((state, limit) -> hours.put(state, limit / speed));
                scaled.put(urgency, hours);
            });
            cases.putCategory(platform, new Category("", demo.code(), demo.name(), demo.kind(), demo.parent(), "", scaled, true,
                    QUESTIONS.getOrDefault(demo.code(), List.of())));
            cases.putRouting(platform, new Routing("", demo.code(), "", demo.lead(), demo.coHandlers()));
        }
        cases.putWorkingHours(platform, List.of(List.of("00:00", "24:00")), List.of());
        Map<LocalDate, Boolean> days = new LinkedHashMap<>();
        HOLIDAYS_2026.forEach(day -> days.put(LocalDate.parse(day), false));
        WORKDAYS_2026.forEach(day -> days.put(LocalDate.parse(day), true));
        cases.putCalendar(platform, 2026, days);
    }
}
