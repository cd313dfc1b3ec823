package org.meridian.sharing;

import org.meridian.core.security.ReadScope;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * A request as stored.
 *
 * @param attributes what is asked of each entity; null: all
 * @param area where the entities asked for are; null: anywhere
 */
public record ShareRequest(UUID id, String tenant, String entityType, String requester, Set<String> attributes, String purpose,
                      Instant wantedUntil, String status, String reason, String requestedBy, String decidedBy, Instant createdAt,
                      ReadScope.Area area) {
}
