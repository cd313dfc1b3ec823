package org.meridian.core.ingest;

import java.time.Instant;

/** A group as stored, with its secret's hash. */
public record StoredGroup(ServiceGroup group, String gatewaySecretHash, Instant createdAt, Instant modifiedAt) {
}
