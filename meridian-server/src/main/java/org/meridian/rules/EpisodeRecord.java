package org.meridian.rules;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** An episode as kept: its state (open, acknowledged, escalated, cleared), who handled it and when, and its evidence. */
public record EpisodeRecord(String tenant, String id, String ruleId, String key, String state, Instant openedAt,
                            Instant acknowledgedAt, String acknowledgedBy, Instant escalatedAt, Instant clearedAt, String clearedBy,
                            JsonNode evidence) {
}
