package org.meridian.core.ngsild;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An entity in Meridian's internal form: expanded type and attribute IRIs, every attribute an array of instances
 * (one per datasetId), sub-attributes keyed by expanded IRI. This is the shape stored in PostgreSQL.
 *
 * @param attributes expanded attribute IRI → array of instances; treated as owned by the entity, do not share
 */
public record Entity(String id, List<String> types, List<String> scopes, ObjectNode attributes,
                     Instant createdAt, Instant modifiedAt) {
    public Entity {
        Objects.requireNonNull(id, "id");
        types = List.copyOf(types);
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
        Objects.requireNonNull(attributes, "attributes");
    }

    public Entity withAttributes(ObjectNode newAttributes, Instant modified) {
        return new Entity(id, types, scopes, newAttributes, createdAt, modified);
    }
}
