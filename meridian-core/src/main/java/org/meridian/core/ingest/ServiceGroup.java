package org.meridian.core.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Devices that share an API key, an entity type and defaults (the IoT Agent "service group").
 *
 * @param entityType expanded entity type for devices that do not name their own
 * @param staticAttributes expanded attributes (normalized instances) every entity of the group carries
 * @param explicitAttributes when true, keys without a mapping are rejected rather than passed through
 */
public record ServiceGroup(String tenant, String apiKey, String entityType, List<AttributeMapping> attributes,
                           ObjectNode staticAttributes, boolean explicitAttributes) {
}
