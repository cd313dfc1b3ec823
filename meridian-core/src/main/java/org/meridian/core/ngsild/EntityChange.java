package org.meridian.core.ngsild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One change to one entity, as the outbox records it for notifications.
 *
 * @param entity the entity after the change (for a deletion: as it was)
 * @param changedAttributes expanded names of the attributes written or removed
 * @param previous the changed attributes as they were before (absent ones were new), for {@code showChanges}
 */
public record EntityChange(Kind kind, Entity entity, Set<String> changedAttributes, ObjectNode previous) {
    public enum Kind { CREATED, UPDATED, DELETED }

    public EntityChange {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(entity, "entity");
        changedAttributes = Set.copyOf(changedAttributes);
        previous = previous == null ? JsonNodeFactory.instance.objectNode() : previous;
    }

    public EntityChange(Kind kind, Entity entity, Set<String> changedAttributes) {
        this(kind, entity, changedAttributes, null);
    }

    public static EntityChange created(Entity entity) {
        return new EntityChange(Kind.CREATED, entity, namesOf(entity.attributes()));
    }

    public static EntityChange deleted(Entity entity) {
        return new EntityChange(Kind.DELETED, entity, namesOf(entity.attributes()));
    }

    /**
     * An update: the attributes whose instances were written by this request (they carry its timestamp as
     * {@code modifiedAt}) and those that existed before but are gone now.
     *
     * @param before the attributes before the change: a copy, since mutations work in place
     */
    public static EntityChange updated(ObjectNode before, Entity after, String requestTimestamp) {
        Set<String> namesBefore = namesOf(before);
        Set<String> changed = new LinkedHashSet<>();
        for (Map.Entry<String, JsonNode> attribute : after.attributes().properties()) {
            for (JsonNode instance : attribute.getValue()) {
                if (requestTimestamp.equals(instance.path("modifiedAt").asText())) {
                    changed.add(attribute.getKey());
                }
            }
        }
        for (String name : namesBefore) {
            if (!after.attributes().has(name) || datasetIds(after.attributes().get(name)).size() < datasetIds(before.get(name)).size()) {
                // Gone, or some of its instances (datasetIds) are.
                changed.add(name);
            }
        }
        ObjectNode previous = JsonNodeFactory.instance.objectNode();
        for (String name : changed) {
            JsonNode old = before.get(name);
            if (old != null) {
                previous.set(name, old);
            }
        }
        return new EntityChange(Kind.UPDATED, after, changed, previous);
    }

    private static Set<String> datasetIds(JsonNode instances) {
        Set<String> ids = new LinkedHashSet<>();
        instances.forEach(instance -> ids.add(instance.path("datasetId").asText("")));
        return ids;
    }

    public static Set<String> namesOf(JsonNode attributes) {
        Set<String> names = new LinkedHashSet<>();
        for (Iterator<String> it = attributes.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
