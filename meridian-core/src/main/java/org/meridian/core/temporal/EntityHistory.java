package org.meridian.core.temporal;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.meridian.core.ngsild.Entity;

/**
 * One entity's history: instances, or aggregation buckets, or (when the hourly roll-up answers) the aggregation
 * already rendered by the database as attribute → method → JSON array of [value, start, end].
 *
 * @param cut when the instances were cut at the answer's limit, the times they cover; null when they are complete
 */
public record EntityHistory(Entity entity, List<HistoryInstance> instances, List<HistoryBucket> buckets,
                            Cut cut, Map<String, Map<String, String>> rendered) {
    /**
     * The times a cut answer covers, in the order it was read (clause 6.3.10): from the oldest to the newest instance
     * it holds, or from the newest to the oldest when the newest were asked for (lastN).
     */
    public record Cut(Instant first, Instant last) {
    }

    public EntityHistory(Entity entity, List<HistoryInstance> instances, List<HistoryBucket> buckets, Cut cut) {
        this(entity, instances, buckets, cut, Map.of());
    }

    public boolean truncated() {
        return cut != null;
    }
}
