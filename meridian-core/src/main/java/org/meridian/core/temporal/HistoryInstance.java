package org.meridian.core.temporal;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** One stored instance; {@code instanceId} is its key for the temporal instance operations. */
public record HistoryInstance(String attribute, long instanceId, Instant recordedAt, Instant observedAt, JsonNode instance) {
}
