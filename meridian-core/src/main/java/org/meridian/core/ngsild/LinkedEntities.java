package org.meridian.core.ngsild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;
import org.meridian.core.jsonld.JsonLdContext;

/**
 * Linked entity retrieval (clause 4.5.23): the entities that the shown relationships of some entities link to, up to
 * {@code joinLevel} hops, read level by level (one read per level, not one per relationship), then presented inline
 * (inside each relationship) or flat (after the entities, each once). Pure: reading is the caller's function.
 */
public final class LinkedEntities {
    /** How linked entities are presented. */
    public enum Join { FLAT, INLINE }

    /** The deepest joinLevel accepted. */
    public static final int MAX_LEVEL = 5;

    private record Reached(Entity entity, RenderOptions options) {
    }

    private final Map<String, Entity> known = new LinkedHashMap<>();
    private final List<Reached> flatOrder = new ArrayList<>();
    private final int level;
    private final int maxEntities;
    private int embedded;

    private LinkedEntities(int level, int maxEntities) {
        this.level = level;
        this.maxEntities = maxEntities;
    }

    /**
     * Reads what the roots link to.
     *
     * @param read reads entities by id, answering only those that exist and the caller may see
     * @param maxEntities most linked entities one answer may read or embed; beyond, 403 TooManyResults
     */
    public static LinkedEntities resolve(List<Entity> roots, RenderOptions options, int level,
                                         Function<Set<String>, Map<String, Entity>> read, int maxEntities) {
        LinkedEntities links = new LinkedEntities(level, maxEntities);
        roots.forEach(root -> links.known.put(root.id(), root));
        Set<String> listed = new HashSet<>(links.known.keySet());
        List<Reached> frontier = new ArrayList<>();
        roots.forEach(root -> frontier.add(new Reached(root, options)));
        Set<Reached> visited = new HashSet<>(frontier);
        for (int depth = 1; depth <= level && !frontier.isEmpty(); depth++) {
            Set<String> wanted = new LinkedHashSet<>();
            for (Reached reached : frontier) {
                forEachLink(reached, (relationship, id) -> {
                    if (!links.known.containsKey(id)) {
                        wanted.add(id);
                    }
                });
            }
            if (links.known.size() - roots.size() + wanted.size() > maxEntities) {
                throw tooMany(maxEntities);
            }
            if (!wanted.isEmpty()) {
                links.known.putAll(read.apply(wanted));
            }
            List<Reached> next = new ArrayList<>();
            for (Reached reached : frontier) {
                forEachLink(reached, (relationship, id) -> {
                    Entity target = links.known.get(id);
                    if (target == null) {
                        return;
                    }
                    Reached onward = new Reached(target, reached.options().through(relationship));
                    if (listed.add(id)) {
                        links.flatOrder.add(onward);
                    }
                    if (visited.add(onward)) {
                        next.add(onward);
                    }
                });
            }
            frontier.clear();
            frontier.addAll(next);
        }
        return links;
    }

    /** The entity with the entities it links to inside its relationships (join=inline). */
    public ObjectNode inline(Entity entity, JsonLdContext context, RenderOptions options) {
        return inline(entity, context, options, 0);
    }

    private ObjectNode inline(Entity entity, JsonLdContext context, RenderOptions options, int depth) {
        return EntityRenderer.render(entity, context, options, (relationship, id) -> {
            Entity target = depth < level ? known.get(id) : null;
            if (target == null) {
                return null;
            }
            if (++embedded > maxEntities) {
                throw tooMany(maxEntities);
            }
            return inline(target, context, options.through(relationship), depth + 1);
        });
    }

    /** The entities, then every entity they link to once, in the order reached (join=flat). */
    public List<ObjectNode> flat(List<Entity> roots, JsonLdContext context, RenderOptions options) {
        List<ObjectNode> out = new ArrayList<>();
        roots.forEach(root -> out.add(EntityRenderer.render(root, context, options)));
        flatOrder.forEach(reached -> out.add(EntityRenderer.render(reached.entity(), context, reached.options())));
        return out;
    }

    /** The ids the shown relationships (and list relationships) of an entity link to, with the relationship. */
    private static void forEachLink(Reached reached, java.util.function.BiConsumer<String, String> action) {
        for (Map.Entry<String, JsonNode> attribute : reached.entity().attributes().properties()) {
            if (!reached.options().keeps(attribute.getKey())) {
                continue;
            }
            for (JsonNode instance : attribute.getValue()) {
                String type = instance.path("type").asText();
                if (type.equals(AttributeType.RELATIONSHIP.typeName())) {
                    JsonNode object = instance.path("object");
                    if (object.isTextual()) {
                        action.accept(attribute.getKey(), object.asText());
                    } else {
                        object.forEach(element -> action.accept(attribute.getKey(), element.asText()));
                    }
                } else if (type.equals(AttributeType.LIST_RELATIONSHIP.typeName())) {
                    instance.path("objectList").forEach(element -> action.accept(attribute.getKey(), element.path("object").asText()));
                }
            }
        }
    }

    private static MeridianException tooMany(int maxEntities) {
        return new MeridianException(ErrorType.TOO_MANY_RESULTS, "The join would show more than " + maxEntities
                + " linked entities; lower joinLevel or limit");
    }
}
