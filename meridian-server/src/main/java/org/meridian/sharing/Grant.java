package org.meridian.sharing;

import org.meridian.core.security.ReadScope;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * A grant as stored.
 *
 * @param attributes what may be read of each entity; null: all
 * @param area where the entities read must be; null: anywhere
 */
public record Grant(UUID id, String tenant, String entityType, String grantee, Set<String> attributes, Instant expiresAt,
                    Instant revokedAt, UUID requestId, String grantedBy, ReadScope.Area area) {
    public boolean activeAt(Instant now) {
        return revokedAt == null && now.isBefore(expiresAt);
    }
}
