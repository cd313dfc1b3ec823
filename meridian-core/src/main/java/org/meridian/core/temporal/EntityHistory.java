package org.meridian.core.temporal;

import java.util.List;
import java.util.Map;
import org.meridian.core.ngsild.Entity;

/**
 * One entity's history: instances, or aggregation buckets, or (when the hourly roll-up answers) the aggregation
 * already rendered by the database as attribute → method → JSON array of [value, start, end].
 *
 * @param truncated whether the instances were cut at the request's limit
 */
public record EntityHistory(Entity entity, List<HistoryInstance> instances, List<HistoryBucket> buckets,
                            boolean truncated, Map<String, Map<String, String>> rendered) {
    public EntityHistory(Entity entity, List<HistoryInstance> instances, List<HistoryBucket> buckets, boolean truncated) {
        this(entity, instances, buckets, truncated, Map.of());
    }
}
