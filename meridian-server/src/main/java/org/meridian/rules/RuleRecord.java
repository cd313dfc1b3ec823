package org.meridian.rules;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** A rule as kept: its document as written, whether it runs, its version, and why the platform disabled it (if so). */
public record RuleRecord(String tenant, String id, String department, ObjectNode definition, boolean enabled, int version,
                         String problem, String createdBy, Instant createdAt, Instant updatedAt) {
}
