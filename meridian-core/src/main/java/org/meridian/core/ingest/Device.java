package org.meridian.core.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One provisioned device and the entity its measurements update.
 *
 * @param attributes mappings of this device; they take precedence over the group's
 * @param staticAttributes expanded attributes (such as its location) written with the entity
 * @param explicitAttributes overrides the group's setting when not null
 */
public record Device(String tenant, String deviceId, String apiKey, String entityId, String entityType,
                     List<AttributeMapping> attributes, ObjectNode staticAttributes, Boolean explicitAttributes) {
}
