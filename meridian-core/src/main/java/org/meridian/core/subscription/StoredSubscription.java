package org.meridian.core.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** A stored subscription with its statistics. */
public record StoredSubscription(String tenant, String id, JsonNode body, JsonNode context, boolean active, Instant expiresAt,
                  String status, long timesSent, long timesFailed, int consecutiveFailures,
                  Instant lastNotification, Instant lastSuccess, Instant lastFailure, Instant createdAt,
                  org.meridian.core.security.Caller owner) {
}
