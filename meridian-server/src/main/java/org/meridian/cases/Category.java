package org.meridian.cases;

import java.util.List;
import java.util.Map;

/**
 * A kind of problem cases are about: an urban-management component (部件: a manhole cover, a street light) or event
 * (事件: waste overflowing, illegal parking), under a top-level class, with the working hours each stage may take.
 *
 * @param kind component or event
 * @param parent the top-level class's code, or ""
 * @param limits urgency (normal, urgent) → state entered → working hours allowed in it
 * @param open whether citizens see it (as an Open311 service) and may report it
 * @param questions what a report of it answers besides the description (Open311: the service's attributes)
 */
public record Category(String tenant, String code, String name, String kind, String parent, String description,
                       Map<String, Map<String, Double>> limits, boolean open, List<Question> questions) {
    public Category {
        limits = Map.copyOf(limits);
        questions = questions == null ? List.of() : questions.stream().sorted(java.util.Comparator.comparingInt(Question::order)).toList();
    }

    /** A category that asks nothing besides the description. */
    public Category(String tenant, String code, String name, String kind, String parent, String description,
                    Map<String, Map<String, Double>> limits, boolean open) {
        this(tenant, code, name, kind, parent, description, limits, open, List.of());
    }

    /** The categories' names by code, in the order given (what pages and lists show for a code). */
    public static Map<String, String> namesByCode(List<Category> categories) {
        Map<String, String> names = new java.util.LinkedHashMap<>();
        categories.forEach(category -> names.put(category.code(), category.name()));
        return names;
    }

    /** The working hours a case of this urgency may spend in the state, or null: no limit. */
    public Double limit(String urgency, CaseState state) {
        Map<String, Double> byState = limits.get(urgency);
        return byState == null ? null : byState.get(state.id());
    }
}
