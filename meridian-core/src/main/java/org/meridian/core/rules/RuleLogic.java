package org.meridian.core.rules;

import java.time.Duration;
import java.util.List;

/**
 * What the kernel needs of a rule: its conditions, what an episode is about, and how episodes behave.
 *
 * @param lateness how late (in event time) a reading may arrive and still count; later ones are dropped and counted
 * @param clearAfter how long the conditions must be false before the episode clears (zero: at once)
 * @param suppressFor after an episode clears, how long no new one opens for the same key (no alarm flapping)
 * @param escalateAfter an open episode nobody acknowledged this long is escalated once; null: never
 */
public record RuleLogic(List<Condition> conditions, Keying keying, Duration lateness, Duration clearAfter, Duration suppressFor,
                        Duration escalateAfter) {
    public RuleLogic {
        conditions = List.copyOf(conditions);
        if (conditions.isEmpty()) {
            throw new IllegalArgumentException("a rule has at least one condition");
        }
        if (keying.by() == Keying.By.NEAR && conditions.getFirst().type() == null) {
            throw new IllegalArgumentException("a rule keyed by nearness has an entity condition first (the anchor)");
        }
    }

    /** How far back samples are kept: the longest reach of a condition and the lateness. */
    public Duration horizon() {
        Duration reach = conditions.stream().map(Condition::reach).max(Duration::compareTo).orElse(Duration.ZERO);
        return reach.plus(lateness);
    }

    /** Whether a reading of an entity of this type (expanded IRI) may matter to the rule. */
    public boolean concerns(List<String> types) {
        return conditions.stream().anyMatch(condition -> condition.type() != null && types.contains(condition.type()));
    }
}
