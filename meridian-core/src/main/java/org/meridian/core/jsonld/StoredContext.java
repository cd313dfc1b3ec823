package org.meridian.core.jsonld;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

public record StoredContext(String localId, String url, String kind, JsonNode body, Instant createdAt,
                            Instant lastUsage, long numberOfHits) {
}
