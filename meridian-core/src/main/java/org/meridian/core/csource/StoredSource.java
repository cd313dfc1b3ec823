package org.meridian.core.csource;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A stored context source registration or subscription to registrations: the request as sent and its @context.
 *
 * @param active whether a subscription is active (always true for a registration)
 * @param owner who made a subscription (null for a registration, which is the tenant's)
 */
public record StoredSource(String id, JsonNode body, JsonNode context, boolean active, Instant expiresAt, String owner,
                           Instant createdAt, Instant modifiedAt) {
}
