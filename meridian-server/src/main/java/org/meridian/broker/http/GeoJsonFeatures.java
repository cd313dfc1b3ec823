package org.meridian.broker.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.Entity;
import org.meridian.core.ngsild.EntityRenderer;
import org.meridian.core.ngsild.RenderOptions;

/** Entities as GeoJSON (clause 4.5.16): a Feature per entity, its geometry from the chosen GeoProperty. */
final class GeoJsonFeatures {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private GeoJsonFeatures() {
    }

    static ObjectNode feature(Entity entity, JsonLdContext context, RenderOptions options, String geometryProperty) {
        ObjectNode rendered = EntityRenderer.render(entity, context, options);
        ObjectNode feature = NODES.objectNode();
        feature.put("id", entity.id());
        feature.put("type", "Feature");
        JsonNode instances = entity.attributes().get(geometryProperty);
        JsonNode geometry = instances == null ? NODES.nullNode() : instances.get(0).path("value");
        feature.set("geometry", geometry.isMissingNode() ? NODES.nullNode() : geometry);
        rendered.remove("id");
        feature.set("properties", rendered);
        return feature;
    }

    static ObjectNode collection(List<Entity> entities, JsonLdContext context, RenderOptions options, String geometryProperty) {
        ObjectNode collection = NODES.objectNode();
        collection.put("type", "FeatureCollection");
        ArrayNode features = collection.putArray("features");
        entities.forEach(entity -> features.add(feature(entity, context, options, geometryProperty)));
        return collection;
    }
}
