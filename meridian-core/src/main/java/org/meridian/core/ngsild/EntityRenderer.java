package org.meridian.core.ngsild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.meridian.core.jsonld.JsonLdContext;

/** Presents internal entities to a client: compacted with the client's context, in the requested format. */
public final class EntityRenderer {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private EntityRenderer() {
    }

    /**
     * The entities that an entity's relationships link to, rendered already, for linked entity retrieval with
     * {@code join=inline} (clause 4.5.23).
     */
    @FunctionalInterface
    public interface Links {
        /** The linked entity as it is to be shown, or null to show the relationship alone (absent, hidden, too deep). */
        JsonNode entity(String relationshipIri, String objectId);
    }

    public static ObjectNode render(Entity entity, JsonLdContext context, RenderOptions options) {
        return render(entity, context, options, null);
    }

    /** Renders an entity; with links, each relationship carries the entity it links to (join=inline). */
    public static ObjectNode render(Entity entity, JsonLdContext context, RenderOptions options, Links links) {
        ObjectNode out = NODES.objectNode();
        if (!options.omitted().contains("id")) {
            out.put("id", entity.id());
        }
        if (!options.omitted().contains("type")) {
            out.set("type", compactTypes(entity.types(), context));
        }
        if (!entity.scopes().isEmpty() && options.keeps("scope")) {
            out.set("scope", entity.scopes().size() == 1 ? NODES.textNode(entity.scopes().getFirst()) : strings(entity.scopes()));
        }
        if (options.systemAttributes()) {
            out.put("createdAt", entity.createdAt().toString());
            out.put("modifiedAt", entity.modifiedAt().toString());
        }
        for (Map.Entry<String, JsonNode> attribute : entity.attributes().properties()) {
            if (options.keeps(attribute.getKey())) {
                JsonNode instances = shownInstances(attribute.getValue(), options);
                if (instances.isEmpty()) {
                    continue;
                }
                Function<String, JsonNode> linked = links == null ? null : objectId -> links.entity(attribute.getKey(), objectId);
                out.set(context.compactIri(attribute.getKey()), renderAttribute(instances, context, options, linked));
            }
        }
        return out;
    }

    /** The instances the datasetId filter shows (all of them without one). */
    private static JsonNode shownInstances(JsonNode instances, RenderOptions options) {
        if (options.datasetIds() == null) {
            return instances;
        }
        ArrayNode shown = NODES.arrayNode();
        instances.forEach(instance -> {
            if (options.showsInstance(instance)) {
                shown.add(instance);
            }
        });
        return shown;
    }

    public static JsonNode compactTypes(List<String> types, JsonLdContext context) {
        if (types.size() == 1) {
            return NODES.textNode(context.compactIri(types.getFirst()));
        }
        ArrayNode array = NODES.arrayNode();
        types.forEach(type -> array.add(context.compactIri(type)));
        return array;
    }

    /** Renders an attribute's instances: one instance as an object, several as an array. */
    public static JsonNode renderAttribute(JsonNode instances, JsonLdContext context, RenderOptions options) {
        return renderAttribute(instances, context, options, null);
    }

    private static JsonNode renderAttribute(JsonNode instances, JsonLdContext context, RenderOptions options,
                                            Function<String, JsonNode> linked) {
        if (instances.size() == 1) {
            return renderInstance(instances.get(0), context, options, linked);
        }
        if (options.format() == RenderOptions.Format.KEY_VALUES) {
            // A multi-attribute in keyValues is a map of its instances' values by datasetId (clause 4.5.4, v1.8).
            ObjectNode dataset = NODES.objectNode();
            instances.forEach(instance -> dataset.set(instance.has("datasetId") ? instance.get("datasetId").asText()
                    : RenderOptions.DEFAULT_INSTANCE, renderInstance(instance, context, options, linked)));
            return NODES.objectNode().set("dataset", dataset);
        }
        ArrayNode array = NODES.arrayNode();
        instances.forEach(instance -> array.add(renderInstance(instance, context, options, linked)));
        return array;
    }

    public static JsonNode renderInstance(JsonNode stored, JsonLdContext context, RenderOptions options) {
        return renderInstance(stored, context, options, null);
    }

    private static JsonNode renderInstance(JsonNode stored, JsonLdContext context, RenderOptions options,
                                           Function<String, JsonNode> linked) {
        AttributeType type = AttributeType.ofStored(stored.path("type").asText());
        if (type == AttributeType.LANGUAGE_PROPERTY && options.language() != null) {
            return renderLanguageChoice(stored, context, options);
        }
        JsonNode value = presentValue(type, stored.get(type.valueMember()), context);
        JsonNode entities = linked == null ? null : linkedEntities(type, stored.get(type.valueMember()), linked);
        if (options.format() == RenderOptions.Format.KEY_VALUES) {
            return entities != null ? entities : value;
        }
        ObjectNode out = NODES.objectNode();
        boolean concise = options.format() == RenderOptions.Format.CONCISE;
        if (!concise) {
            out.put("type", type.typeName());
        }
        out.set(type.valueMember(), value);
        if (entities != null) {
            out.set(type == AttributeType.LIST_RELATIONSHIP ? "entityList" : "entity", entities);
        }
        boolean hasExtras = copyMembers(stored, out, context, options);
        if (concise && !hasExtras && isImplicit(type, value)) {
            return value;
        }
        return out;
    }

    /**
     * What a relationship links to, for join=inline: the linked entity (an array for several objects or a
     * ListRelationship), or null when no linked entity is shown. In a list, an object not shown stays its id.
     */
    private static JsonNode linkedEntities(AttributeType type, JsonNode objects, Function<String, JsonNode> linked) {
        if (type == AttributeType.RELATIONSHIP && objects.isTextual()) {
            return linked.apply(objects.asText());
        }
        if (type != AttributeType.RELATIONSHIP && type != AttributeType.LIST_RELATIONSHIP) {
            return null;
        }
        ArrayNode entities = NODES.arrayNode();
        boolean any = false;
        for (JsonNode element : objects) {
            String id = element.isObject() ? element.path("object").asText() : element.asText();
            JsonNode entity = linked.apply(id);
            any |= entity != null;
            entities.add(entity != null ? entity : NODES.textNode(id));
        }
        return any ? entities : null;
    }

    /** In concise form a bare value is unambiguous for plain Properties and GeoJSON GeoProperties. */
    private static boolean isImplicit(AttributeType type, JsonNode value) {
        return switch (type) {
            case PROPERTY -> !value.isObject() && !value.isArray();
            case GEO_PROPERTY -> true;
            case RELATIONSHIP, LANGUAGE_PROPERTY, VOCAB_PROPERTY, JSON_PROPERTY, LIST_PROPERTY, LIST_RELATIONSHIP -> false;
        };
    }

    /** Copies metadata and sub-attributes; returns whether there were any. */
    private static boolean copyMembers(JsonNode stored, ObjectNode out, JsonLdContext context, RenderOptions options) {
        boolean extras = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = stored.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> member = it.next();
            String key = member.getKey();
            switch (key) {
                case "type", "value", "object", "languageMap", "vocab", "json", "valueList", "objectList" -> {
                }
                case "createdAt", "modifiedAt" -> {
                    if (options.systemAttributes()) {
                        out.set(key, member.getValue());
                        extras = true;
                    }
                }
                // deletedAt is only in the history's record of a deletion, which it describes.
                case "observedAt", "unitCode", "datasetId", "objectType", "deletedAt" -> {
                    out.set(key, member.getValue());
                    extras = true;
                }
                default -> {
                    out.set(context.compactIri(key), renderInstance(member.getValue(), context, options));
                    extras = true;
                }
            }
        }
        return extras;
    }

    private static JsonNode presentValue(AttributeType type, JsonNode value, JsonLdContext context) {
        if (type != AttributeType.VOCAB_PROPERTY) {
            return value;
        }
        if (value.isArray()) {
            ArrayNode compacted = NODES.arrayNode();
            value.forEach(element -> compacted.add(context.compactIri(element.asText())));
            return compacted;
        }
        return NODES.textNode(context.compactIri(value.asText()));
    }

    /** With {@code lang}, a LanguageProperty is presented as a Property holding the best-matching text. */
    private static JsonNode renderLanguageChoice(JsonNode stored, JsonLdContext context, RenderOptions options) {
        JsonNode map = stored.get("languageMap");
        String chosen = chooseLanguage(map, options.language());
        JsonNode text = chosen == null ? NODES.nullNode() : map.get(chosen);
        if (options.format() == RenderOptions.Format.KEY_VALUES) {
            return text;
        }
        ObjectNode out = NODES.objectNode();
        if (options.format() == RenderOptions.Format.NORMALIZED) {
            out.put("type", AttributeType.PROPERTY.typeName());
        }
        out.set("value", text);
        if (chosen != null) {
            out.put("lang", chosen);
        }
        copyMembers(stored, out, context, options);
        return out;
    }

    /** Picks from a language map: the first requested tag present (a list by preference, * for any), then @none, then any. */
    static String chooseLanguage(JsonNode map, String requested) {
        for (String part : requested.split(",")) {
            String tag = part.split(";", 2)[0].trim();
            if (tag.equals("*")) {
                break;
            }
            if (map.has(tag)) {
                return tag;
            }
            String prefix = tag.contains("-") ? tag.substring(0, tag.indexOf('-')) : tag;
            for (Iterator<String> names = map.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (name.equalsIgnoreCase(tag) || name.startsWith(prefix + "-") || name.equals(prefix)) {
                    return name;
                }
            }
        }
        if (map.has("@none")) {
            return "@none";
        }
        Iterator<String> names = map.fieldNames();
        return names.hasNext() ? names.next() : null;
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode array = NODES.arrayNode();
        values.forEach(array::add);
        return array;
    }
}
