package org.meridian.core.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which rules a reading may concern, by the entity types their conditions name: a reading is handed only to those,
 * so a thousand rules cost a reading what its own type's few cost.
 */
public final class RuleIndex<T> {
    private final Map<String, List<T>> byType = new HashMap<>();

    /** @param types what each rule reads: rule → expanded entity types */
    public RuleIndex(Map<T, Set<String>> types) {
        types.forEach((rule, names) -> names.forEach(type -> byType.computeIfAbsent(type, t -> new ArrayList<>()).add(rule)));
    }

    /** The rules concerned by an entity of these types. */
    public List<T> concerned(List<String> types) {
        if (types.size() == 1) {
            return byType.getOrDefault(types.getFirst(), List.of());
        }
        Set<T> rules = new LinkedHashSet<>();
        types.forEach(type -> rules.addAll(byType.getOrDefault(type, List.of())));
        return List.copyOf(rules);
    }
}
