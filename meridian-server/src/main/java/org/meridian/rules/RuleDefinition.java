package org.meridian.rules;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import org.meridian.core.rules.RuleLogic;

/**
 * A rule as written (its document, kept and shown as given) and as understood: the kernel's logic with names
 * expanded, and its actions.
 *
 * @param reads what it reads: expanded type → the attributes its conditions name (empty for a silence)
 * @param writes what its updates write: expanded type → attributes (what may set off further rules)
 */
public record RuleDefinition(String id, String name, String department, String severity, ObjectNode document, RuleLogic logic,
                             List<RuleAction> actions, java.util.Map<String, Set<String>> reads,
                             java.util.Map<String, Set<String>> writes) {
    public RuleDefinition {
        actions = List.copyOf(actions);
        reads = java.util.Map.copyOf(reads);
        writes = java.util.Map.copyOf(writes);
    }
}
