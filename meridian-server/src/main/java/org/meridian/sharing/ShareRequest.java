package org.meridian.sharing;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** A request as stored. */
public record ShareRequest(UUID id, String tenant, String entityType, String requester, Set<String> attributes, String purpose,
                      Instant wantedUntil, String status, String reason, String requestedBy, String decidedBy, Instant createdAt) {
}
