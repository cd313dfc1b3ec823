package org.meridian.core.temporal;

import java.time.Instant;
import java.util.Map;

/** One aggregation bucket of one attribute. */
public record HistoryBucket(String attribute, Instant start, Instant end, Map<String, Double> values) {
}
