package org.meridian.core.temporal;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.meridian.core.ngsild.Entity;

/**
 * One entity's history: instances, or aggregation buckets, or (when the hourly roll-up answers) the aggregation
 * already rendered by the database as attribute → method → JSON array of [value, start, end].
 *
 * @param cut when the instances were cut at the answer's limit, what it left out; null when they are complete
 */
public record EntityHistory(Entity entity, List<HistoryInstance> instances, List<HistoryBucket> buckets,
                            Cut cut, Map<String, Map<String, String>> rendered) {
    /**
     * What a cut answer leaves out of the entity's history (clause 6.3.10).
     *
     * @param withoutInstances expanded names of the attributes asked for that have no instance within the cut (they
     *                         are shown as empty arrays, so a client sees that there is more of them)
     */
    public record Cut(Set<String> withoutInstances) {
        public Cut {
            withoutInstances = Set.copyOf(withoutInstances);
        }
    }

    public EntityHistory(Entity entity, List<HistoryInstance> instances, List<HistoryBucket> buckets, Cut cut) {
        this(entity, instances, buckets, cut, Map.of());
    }

    public boolean truncated() {
        return cut != null;
    }
}
