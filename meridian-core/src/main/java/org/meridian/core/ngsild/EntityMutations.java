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
 * Methods change the documents they are given and return the current: callers pass documents they own (read for this
 * request, inside its transaction), so a failure part-way rolls back with the transaction and nothing half-changed
 * survives. Copying instead showed up as the largest cost of batch upserts.
 */
public final class EntityMutations {
    private EntityMutations() {
    }

    /** Append attributes (clause 5.6.3): add new ones, overwrite existing instances unless {@code noOverwrite}. */
    public static ObjectNode append(ObjectNode current, ObjectNode additions, boolean noOverwrite, AttributeChanges changes) {
        for (Map.Entry<String, JsonNode> attribute : additions.properties()) {
            ArrayNode existing = (ArrayNode) current.get(attribute.getKey());
            if (deleteNulls(current, attribute.getKey(), (ArrayNode) attribute.getValue(), changes)) {
                continue;
            }
            if (existing == null) {
                current.set(attribute.getKey(), attribute.getValue());
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
        return current;
    }

    /**
     * Update attributes (clause 5.6.2 of v1.8): the given instances replace those of the same datasetId, and
     * attributes or instances the entity does not have yet are appended; the null marker deletes. Deleting what does
     * not exist is reported as not updated.
     */
    public static ObjectNode update(ObjectNode current, ObjectNode replacements, AttributeChanges changes) {
        for (Map.Entry<String, JsonNode> attribute : replacements.properties()) {
            if (!current.has(attribute.getKey()) && allNull((ArrayNode) attribute.getValue())) {
                changes.notUpdated(attribute.getKey(), "attribute does not exist");
                continue;
            }
            append(current, (ObjectNode) JsonNodeFactory.instance.objectNode().set(attribute.getKey(), attribute.getValue()),
                    false, changes);
        }
        return current;
    }

    private static boolean allNull(ArrayNode instances) {
        for (JsonNode instance : instances) {
            if (!isNullValue(instance)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Partial attribute update (clause 5.6.4) and entity merge (5.6.17): members given replace those stored, members
     * not given stay, sub-attributes merge, and the value {@code urn:ngsi-ld:null} deletes what it names.
     *
     * @param addMissing true for merge (new attributes are added), false for partial update (they are refused)
     */
    public static ObjectNode merge(ObjectNode current, ObjectNode patch, boolean addMissing, AttributeChanges changes) {
        for (Map.Entry<String, JsonNode> attribute : patch.properties()) {
            String name = attribute.getKey();
            ArrayNode existing = (ArrayNode) current.get(name);
            for (JsonNode instance : attribute.getValue()) {
                String datasetId = datasetId(instance);
                if (isNullValue(instance)) {
                    if (existing != null) {
                        removeDataset(existing, datasetId);
                        if (existing.isEmpty()) {
                            current.remove(name);
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
                        existing = current.putArray(name);
                    }
                    existing.add(withoutNulls((ObjectNode) instance));
                } else {
                    changes.notUpdated(name, "attribute or datasetId does not exist");
                    continue;
                }
                changes.updated(name);
            }
        }
        return current;
    }

    /** Replaces the instances of one attribute that the given ones name by datasetId (clause 5.6.19). */
    public static ObjectNode replaceAttribute(ObjectNode current, String name, ArrayNode instances) {
        ArrayNode existing = (ArrayNode) current.get(name);
        if (existing == null) {
            current.set(name, instances);
            return current;
        }
        // Each given instance replaces the stored one of its datasetId, whose createdAt it keeps; the instances of
        // other datasetIds stay (clause 5.6.19), and a datasetId not stored yet is added.
        for (JsonNode instance : instances) {
            String datasetId = instance.path("datasetId").asText("");
            boolean replaced = false;
            for (int i = 0; i < existing.size() && !replaced; i++) {
                if (existing.get(i).path("datasetId").asText("").equals(datasetId)) {
                    ((ObjectNode) instance).set("createdAt", existing.get(i).get("createdAt"));
                    existing.set(i, instance);
                    replaced = true;
                }
            }
            if (!replaced) {
                existing.add(instance);
            }
        }
        return current;
    }

    /**
     * Deletes an attribute (clause 5.6.5): the default instance, one datasetId, or all instances.
     *
     * @return the new document, or null when nothing matched
     */
    public static ObjectNode deleteAttribute(ObjectNode current, String name, String datasetId, boolean deleteAll) {
        ArrayNode existing = (ArrayNode) current.get(name);
        if (existing == null || !deleteAll && !removeDataset(existing, datasetId == null ? "" : datasetId)) {
            return null;
        }
        if (deleteAll || existing.isEmpty()) {
            current.remove(name);
        }
        return current;
    }

    /** Merges a patch into one stored instance: given members replace, sub-attributes merge recursively. */
    private static ObjectNode mergeInstance(ObjectNode stored, ObjectNode patch) {
        AttributeType storedType = AttributeType.ofStored(stored.path("type").asText());
        AttributeType patchType = AttributeType.ofStored(patch.path("type").asText());
        if (storedType != patchType) {
            stored.remove(storedType.valueMember());
        }
        for (Map.Entry<String, JsonNode> member : patch.properties()) {
            String key = member.getKey();
            JsonNode value = member.getValue();
            if (key.equals("createdAt")) {
                continue;
            }
            if (isNullValue(value)) {
                stored.remove(key);
            } else if (value.isObject() && stored.get(key) instanceof ObjectNode storedSub && value.has("type")
                    && !NgsiLd.INSTANCE_MEMBERS.contains(key)) {
                stored.set(key, mergeInstance(storedSub, (ObjectNode) value));
            } else {
                stored.set(key, value);
            }
        }
        return stored;
    }

    /**
     * Instances whose value is the NGSI-LD null delete the stored instance of their datasetId. True when every given
     * instance was such a null (there is nothing left to write for the attribute).
     */
    private static boolean deleteNulls(ObjectNode current, String name, ArrayNode given, AttributeChanges changes) {
        boolean allNull = true;
        for (Iterator<JsonNode> it = given.iterator(); it.hasNext(); ) {
            JsonNode instance = it.next();
            if (!isNullValue(instance)) {
                allNull = false;
                continue;
            }
            it.remove();
            if (current.get(name) instanceof ArrayNode existing) {
                removeDataset(existing, datasetId(instance));
                if (existing.isEmpty()) {
                    current.remove(name);
                }
            }
            changes.updated(name);
        }
        return allNull;
    }

    /** The attributes without instances whose value is the NGSI-LD null, and without attributes left empty. */
    public static ObjectNode withoutNullInstances(ObjectNode attributes) {
        for (Iterator<Map.Entry<String, JsonNode>> it = attributes.properties().iterator(); it.hasNext(); ) {
            ArrayNode instances = (ArrayNode) it.next().getValue();
            for (Iterator<JsonNode> instance = instances.iterator(); instance.hasNext(); ) {
                if (isNullValue(instance.next())) {
                    instance.remove();
                }
            }
            if (instances.isEmpty()) {
                it.remove();
            }
        }
        return attributes;
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
                    return value != null && (isNullMarker(value)
                            // A LanguageProperty's null is {"@none": null}; a list's, a list of the null alone.
                            || value.isObject() && value.size() == 1 && isNullMarker(value.path("@none"))
                            || value.isArray() && value.size() == 1 && isNullMarker(value.get(0)));
                }
            }
        }
        return false;
    }

    private static boolean isNullMarker(JsonNode value) {
        return value.isTextual() && NgsiLd.NULL_URI.equals(value.asText());
    }

    private static ObjectNode keepCreatedAt(JsonNode existing, ObjectNode replacement) {
        if (existing.has("createdAt")) {
            replacement.set("createdAt", existing.get("createdAt"));
        }
        return replacement;
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
        for (Map.Entry<String, JsonNode> attribute : replacement.properties()) {
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
        return replacement;
    }
}
