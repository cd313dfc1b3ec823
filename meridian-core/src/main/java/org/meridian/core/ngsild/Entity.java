package org.meridian.core.ngsild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.locationtech.jts.geom.Envelope;
import org.meridian.core.geo.GeoJson;

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

    /** The bounding box of the entity's {@code location} GeoProperty (every instance), or null when it has none. */
    public Envelope locationEnvelope() {
        return locationEnvelope(attributes);
    }

    /** The bounding box of the {@code location} GeoProperty of these attributes, or null. */
    public static Envelope locationEnvelope(ObjectNode attributes) {
        JsonNode instances = attributes.get(NgsiLd.LOCATION);
        if (instances == null) {
            return null;
        }
        Envelope envelope = new Envelope();
        for (JsonNode instance : instances) {
            if ("GeoProperty".equals(instance.path("type").asText())) {
                envelope.expandToInclude(GeoJson.parse(instance.get("value")).getEnvelopeInternal());
            }
        }
        return envelope.isNull() ? null : envelope;
    }
}
