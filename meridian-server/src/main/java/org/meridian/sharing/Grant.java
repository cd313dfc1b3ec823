package org.meridian.sharing;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** A grant as stored. */
public record Grant(UUID id, String tenant, String entityType, String grantee, Set<String> attributes, Instant expiresAt,
                    Instant revokedAt, UUID requestId, String grantedBy) {
    public boolean activeAt(Instant now) {
        return revokedAt == null && now.isBefore(expiresAt);
    }
}
