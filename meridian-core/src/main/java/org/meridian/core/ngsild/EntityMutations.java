package org.meridian.core.ngsild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * The NGSI-LD write semantics over internal attribute documents: append, update, partial update, merge and delete.
 * Methods change the documents they are given and return the result: callers pass documents they own (read for this
 * request, inside its transaction), so a failure part-way rolls back with the transaction and nothing half-changed
 * survives. Copying instead showed up as the largest cost of batch upserts.
 */
public final class EntityMutations {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private EntityMutations() {
    }

    /** Append attributes (clause 5.6.3): add new ones, overwrite existing instances unless {@code noOverwrite}. */
    public static ObjectNode append(ObjectNode current, ObjectNode additions, boolean noOverwrite, AttributeChanges changes) {
        ObjectNode result = current;
        for (Map.Entry<String, JsonNode> attribute : additions.properties()) {
            ArrayNode existing = (ArrayNode) result.get(attribute.getKey());
            if (existing == null) {
                result.set(attribute.getKey(), attribute.getValue());
                changes.updated(attribute.getKey());
                continue;
            }
            boolean all = true;
            for (JsonNode instance : attribute.getValue()) {
                int index = indexOfDataset(existing, datasetId(instance));
                if (index < 0) {
                    existing.add(instance);
                } else if (noOverwrite) {
                    all = false;
                } else {
                    existing.set(index, keepCreatedAt(existing.get(index), (ObjectNode) instance));
                }
            }
            if (all) {
                changes.updated(attribute.getKey());
            } else {
                changes.notUpdated(attribute.getKey(), "attribute exists and noOverwrite was requested");
            }
        }
        return result;
    }

    /** Update attributes (clause 5.6.2): only existing attributes and datasetIds are replaced. */
    public static ObjectNode update(ObjectNode current, ObjectNode replacements, AttributeChanges changes) {
        ObjectNode result = current;
        for (Map.Entry<String, JsonNode> attribute : replacements.properties()) {
            ArrayNode existing = (ArrayNode) result.get(attribute.getKey());
            if (existing == null) {
                changes.notUpdated(attribute.getKey(), "attribute does not exist");
                continue;
            }
            boolean all = true;
            for (JsonNode instance : attribute.getValue()) {
                int index = indexOfDataset(existing, datasetId(instance));
                if (index < 0) {
                    all = false;
                } else {
                    existing.set(index, keepCreatedAt(existing.get(index), (ObjectNode) instance));
                }
            }
            if (all) {
                changes.updated(attribute.getKey());
            } else {
                changes.notUpdated(attribute.getKey(), "no instance with that datasetId");
            }
        }
        return result;
    }

    /**
     * Partial attribute update (clause 5.6.4) and entity merge (5.6.17): members given replace those stored, members
     * not given stay, sub-attributes merge, and the value {@code urn:ngsi-ld:null} deletes what it names.
     *
     * @param addMissing true for merge (new attributes are added), false for partial update (they are refused)
     */
    public static ObjectNode merge(ObjectNode current, ObjectNode patch, boolean addMissing, AttributeChanges changes) {
        ObjectNode result = current;
        for (Map.Entry<String, JsonNode> attribute : patch.properties()) {
            String name = attribute.getKey();
            ArrayNode existing = (ArrayNode) result.get(name);
            for (JsonNode instance : attribute.getValue()) {
                String datasetId = datasetId(instance);
                if (isNullValue(instance)) {
                    if (existing != null) {
                        removeDataset(existing, datasetId);
                        if (existing.isEmpty()) {
                            result.remove(name);
                            existing = null;
                        }
                    }
                    continue;
                }
                int index = existing == null ? -1 : indexOfDataset(existing, datasetId);
                if (index >= 0) {
                    existing.set(index, mergeInstance((ObjectNode) existing.get(index), (ObjectNode) instance));
                } else if (addMissing) {
                    if (existing == null) {
                        existing = result.putArray(name);
                    }
                    existing.add(withoutNulls((ObjectNode) instance));
                } else {
                    changes.notUpdated(name, "attribute or datasetId does not exist");
                    continue;
                }
                changes.updated(name);
            }
        }
        return result;
    }

    /** Replaces one attribute entirely (clause 5.6.19); the attribute must exist. */
    public static ObjectNode replaceAttribute(ObjectNode current, String name, ArrayNode instances) {
        ObjectNode result = current;
        ArrayNode existing = (ArrayNode) result.get(name);
        if (existing != null && !existing.isEmpty()) {
            for (JsonNode instance : instances) {
                ((ObjectNode) instance).set("createdAt", existing.get(0).get("createdAt"));
            }
        }
        result.set(name, instances);
        return result;
    }

    /**
     * Deletes an attribute (clause 5.6.5): the default instance, one datasetId, or all instances.
     *
     * @return the new document, or null when nothing matched
     */
    public static ObjectNode deleteAttribute(ObjectNode current, String name, String datasetId, boolean deleteAll) {
        ArrayNode existing = (ArrayNode) current.get(name);
        if (existing == null) {
            return null;
        }
        ObjectNode result = current;
        if (deleteAll) {
            result.remove(name);
            return result;
        }
        ArrayNode copy = (ArrayNode) result.get(name);
        if (!removeDataset(copy, datasetId == null ? "" : datasetId)) {
            return null;
        }
        if (copy.isEmpty()) {
            result.remove(name);
        }
        return result;
    }

    /** Merges a patch into one stored instance: given members replace, sub-attributes merge recursively. */
    private static ObjectNode mergeInstance(ObjectNode stored, ObjectNode patch) {
        ObjectNode merged = stored;
        AttributeType storedType = AttributeType.ofStored(stored.path("type").asText());
        AttributeType patchType = AttributeType.ofStored(patch.path("type").asText());
        if (storedType != patchType) {
            merged.remove(storedType.valueMember());
        }
        for (Map.Entry<String, JsonNode> member : patch.properties()) {
            String key = member.getKey();
            JsonNode value = member.getValue();
            if (key.equals("createdAt")) {
                continue;
            }
            if (isNullValue(value)) {
                merged.remove(key);
            } else if (value.isObject() && merged.get(key) instanceof ObjectNode storedSub && value.has("type")
                    && !NgsiLd.INSTANCE_MEMBERS.contains(key)) {
                merged.set(key, mergeInstance(storedSub, (ObjectNode) value));
            } else {
                merged.set(key, value);
            }
        }
        return merged;
    }

    private static ObjectNode withoutNulls(ObjectNode instance) {
        for (Iterator<Map.Entry<String, JsonNode>> it = instance.properties().iterator(); it.hasNext(); ) {
            if (isNullValue(it.next().getValue())) {
                it.remove();
            }
        }
        return instance;
    }

    /** An instance, sub-attribute or member whose value is the NGSI-LD null marker. */
    static boolean isNullValue(JsonNode node) {
        if (node.isTextual()) {
            return NgsiLd.NULL_URI.equals(node.asText());
        }
        if (node.isObject()) {
            JsonNode type = node.get("type");
            if (type != null) {
                AttributeType attributeType = AttributeType.fromName(type.asText()).orElse(null);
                if (attributeType != null) {
                    JsonNode value = node.get(attributeType.valueMember());
                    return value != null && value.isTextual() && NgsiLd.NULL_URI.equals(value.asText());
                }
            }
        }
        return false;
    }

    private static ObjectNode keepCreatedAt(JsonNode existing, ObjectNode replacement) {
        ObjectNode copy = replacement;
        if (existing.has("createdAt")) {
            copy.set("createdAt", existing.get("createdAt"));
        }
        return copy;
    }

    public static String datasetId(JsonNode instance) {
        return instance.path("datasetId").asText("");
    }

    private static int indexOfDataset(ArrayNode instances, String datasetId) {
        for (int i = 0; i < instances.size(); i++) {
            if (Objects.equals(datasetId(instances.get(i)), datasetId)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean removeDataset(ArrayNode instances, String datasetId) {
        int index = indexOfDataset(instances, datasetId);
        if (index < 0) {
            return false;
        }
        instances.remove(index);
        return true;
    }

    /** For entity replacement: the new attributes, keeping each surviving instance's createdAt. */
    public static ObjectNode replaceAll(ObjectNode current, ObjectNode replacement) {
        ObjectNode result = replacement;
        for (Map.Entry<String, JsonNode> attribute : result.properties()) {
            ArrayNode old = (ArrayNode) current.get(attribute.getKey());
            if (old == null) {
                continue;
            }
            ArrayNode instances = (ArrayNode) attribute.getValue();
            for (int i = 0; i < instances.size(); i++) {
                int index = indexOfDataset(old, datasetId(instances.get(i)));
                if (index >= 0) {
                    instances.set(i, keepCreatedAt(old.get(index), (ObjectNode) instances.get(i)));
                }
            }
        }
        return result;
    }

    public static ArrayNode emptyArray() {
        return NODES.arrayNode();
    }
}
