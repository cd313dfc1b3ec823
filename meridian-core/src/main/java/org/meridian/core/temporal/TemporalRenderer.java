package org.meridian.core.temporal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.AttributeType;
import org.meridian.core.ngsild.EntityRenderer;
import org.meridian.core.ngsild.RenderOptions;

/**
 * The temporal representation of an entity (clause 4.5.7): its instances, normalized or simplified
 * ({@code temporalValues}), or its aggregations ({@code aggregatedValues}), beside {@link EntityRenderer}.
 */
public final class TemporalRenderer {
    /** Instance ids are shown as URNs of this prefix and a number. */
    public static final String INSTANCE_PREFIX = "urn:ngsi-ld:Instance:";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * How to render: the entity rendering options, whether simplified, and the aggregation methods (none: instances).
     */
    public record Shape(RenderOptions options, boolean simplified, List<String> methods) {
    }

    private TemporalRenderer() {
    }

    public static ObjectNode render(EntityHistory history, JsonLdContext context, Shape shape) {
        ObjectNode out = NODES.objectNode();
        RenderOptions options = shape.options();
        if (!options.omitted().contains("id")) {
            out.put("id", history.entity().id());
        }
        if (!options.omitted().contains("type")) {
            out.set("type", EntityRenderer.compactTypes(history.entity().types(), context));
        }
        if (!shape.methods().isEmpty() && !history.rendered().isEmpty()) {
            history.rendered().forEach((iri, byMethod) -> {
                if (!options.keeps(iri)) {
                    return;
                }
                ObjectNode attribute = out.putObject(context.compactIri(iri)).put("type", "Property");
                byMethod.forEach((method, json) -> attribute.putRawValue(method, new RawValue(json)));
            });
            return out;
        }
        if (!shape.methods().isEmpty()) {
            // A month of hourly buckets for a page of entities is tens of thousands of buckets: compact each attribute
            // name once, and format each bucket boundary once.
            Map<Instant, String> times = new java.util.HashMap<>();
            String current = null;
            ArrayNode[] arrays = new ArrayNode[shape.methods().size()];
            for (HistoryBucket bucket : history.buckets()) {
                if (!options.keeps(bucket.attribute())) {
                    continue;
                }
                if (!bucket.attribute().equals(current)) {
                    current = bucket.attribute();
                    String name = context.compactIri(current);
                    ObjectNode attribute = out.has(name) ? (ObjectNode) out.get(name) : out.putObject(name).put("type", "Property");
                    for (int i = 0; i < arrays.length; i++) {
                        String method = shape.methods().get(i);
                        arrays[i] = attribute.has(method) ? (ArrayNode) attribute.get(method) : attribute.putArray(method);
                    }
                }
                String start = times.computeIfAbsent(bucket.start(), Instant::toString);
                String end = times.computeIfAbsent(bucket.end(), Instant::toString);
                for (int i = 0; i < arrays.length; i++) {
                    String method = shape.methods().get(i);
                    Double value = bucket.values().get(method);
                    ArrayNode entry = arrays[i].addArray();
                    if (value == null) {
                        entry.addNull();
                    } else if (method.endsWith("Count")) {
                        entry.add(value.longValue());
                    } else {
                        entry.add(value);
                    }
                    entry.add(start).add(end);
                }
            }
            return out;
        }
        Map<String, ArrayNode> byAttribute = new LinkedHashMap<>();
        Map<String, ObjectNode> groups = new LinkedHashMap<>();
        for (HistoryInstance instance : history.instances()) {
            if (!options.keeps(instance.attribute()) || !options.showsInstance(instance.instance())) {
                continue;
            }
            String name = context.compactIri(instance.attribute());
            if (shape.simplified()) {
                AttributeType type = AttributeType.ofStored(instance.instance().path("type").asText());
                ObjectNode attribute = simplifiedGroup(out, groups, name, type, instance.instance().get("datasetId"));
                String member = switch (type) {
                    case RELATIONSHIP -> "objects";
                    case LANGUAGE_PROPERTY -> "languageMaps";
                    case VOCAB_PROPERTY -> "vocabs";
                    case JSON_PROPERTY -> "jsons";
                    case LIST_PROPERTY -> "valueLists";
                    case LIST_RELATIONSHIP -> "objectLists";
                    case PROPERTY, GEO_PROPERTY -> "values";
                };
                ArrayNode pairs = attribute.has(member) ? (ArrayNode) attribute.get(member) : attribute.putArray(member);
                pairs.addArray().add(simplifiedValue(type, instance.instance().get(type.valueMember()), context)).add(time(instance));
            } else {
                JsonNode rendered = EntityRenderer.renderInstance(instance.instance(), context, shape.options());
                if (rendered instanceof ObjectNode object) {
                    object.put("instanceId", INSTANCE_PREFIX + instance.instanceId());
                }
                byAttribute.computeIfAbsent(name, key -> out.putArray(key)).add(rendered);
            }
        }
        if (history.cut() != null) {
            for (String attribute : history.cut().withoutInstances()) {
                String name = context.compactIri(attribute);
                if (options.keeps(attribute) && !out.has(name)) {
                    out.putArray(name);
                }
            }
        }
        return out;
    }

    /**
     * The simplified representation of one attribute's instances of one datasetId (clause 4.5.9): one object per
     * datasetId, several of them as an array, as instances of a multi-attribute are.
     */
    private static ObjectNode simplifiedGroup(ObjectNode out, Map<String, ObjectNode> groups, String name, AttributeType type,
                                              JsonNode datasetId) {
        String key = name + "\u0000" + (datasetId == null ? "" : datasetId.asText());
        ObjectNode group = groups.get(key);
        if (group != null) {
            return group;
        }
        group = NODES.objectNode().put("type", type.typeName());
        if (datasetId != null) {
            group.set("datasetId", datasetId);
        }
        groups.put(key, group);
        JsonNode existing = out.get(name);
        if (existing == null) {
            out.set(name, group);
        } else if (existing.isArray()) {
            ((ArrayNode) existing).add(group);
        } else {
            out.putArray(name).add(existing).add(group);
        }
        return group;
    }

    /** A value in a simplified pair: plain for Properties and Relationships, else wrapped in its member's name. */
    private static JsonNode simplifiedValue(AttributeType type, JsonNode value, JsonLdContext context) {
        return switch (type) {
            case PROPERTY, GEO_PROPERTY, RELATIONSHIP -> value;
            case VOCAB_PROPERTY -> NODES.objectNode().set("vocab", compactVocab(value, context));
            case LANGUAGE_PROPERTY, JSON_PROPERTY, LIST_PROPERTY, LIST_RELATIONSHIP ->
                    NODES.objectNode().set(type.valueMember(), value);
        };
    }

    private static JsonNode compactVocab(JsonNode value, JsonLdContext context) {
        if (value.isArray()) {
            ArrayNode compacted = NODES.arrayNode();
            value.forEach(element -> compacted.add(context.compactIri(element.asText())));
            return compacted;
        }
        return NODES.textNode(context.compactIri(value.asText()));
    }

    /** When an instance happened: its observedAt, else when it was recorded. */
    public static String time(HistoryInstance instance) {
        return (instance.observedAt() != null ? instance.observedAt() : instance.recordedAt()).toString();
    }
}
