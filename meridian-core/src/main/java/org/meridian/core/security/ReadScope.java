package org.meridian.core.security;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Set;
import org.meridian.core.ngsild.Entity;

/**
 * What one caller may read of a tenant's entities: a row filter (the entity types it may see) and an attribute mask
 * (attributes it may not see, as if they did not exist: not shown, not matched by a query, not notified). Trino's
 * {@code getRowFilters}/{@code getColumnMask}, for entities. Names are expanded IRIs.
 *
 * @param types the entity types visible, an entity being visible if it has one of them; null: every type
 * @param hiddenAttributes the attributes masked out of every visible entity
 */
public record ReadScope(Set<String> types, Set<String> hiddenAttributes) {
    /** Everything, as every caller may read until accounts and sharing exist. */
    public static final ReadScope ALL = new ReadScope(null, Set.of());

    public ReadScope {
        types = types == null ? null : Set.copyOf(types);
        hiddenAttributes = Set.copyOf(hiddenAttributes);
    }

    public boolean unrestricted() {
        return types == null && hiddenAttributes.isEmpty();
    }

    /** What both scopes allow: the types both show, the attributes either hides. */
    public ReadScope and(ReadScope other) {
        Set<String> both;
        if (types == null || other.types == null) {
            both = types == null ? other.types : types;
        } else {
            both = new HashSet<>(types);
            both.retainAll(other.types);
        }
        Set<String> hidden = new HashSet<>(hiddenAttributes);
        hidden.addAll(other.hiddenAttributes);
        return new ReadScope(both, hidden);
    }

    public boolean admitsType(String type) {
        return types == null || types.contains(type);
    }

    public boolean admits(Entity entity) {
        return types == null || entity.types().stream().anyMatch(types::contains);
    }

    public boolean shows(String attribute) {
        return !hiddenAttributes.contains(attribute);
    }

    /** The entity as this scope shows it: a copy without the hidden attributes (the same entity if none are hidden). */
    public Entity mask(Entity entity) {
        if (hiddenAttributes.isEmpty() || hiddenAttributes.stream().noneMatch(entity.attributes()::has)) {
            return entity;
        }
        ObjectNode shown = entity.attributes().deepCopy();
        shown.remove(hiddenAttributes);
        return new Entity(entity.id(), entity.types(), entity.scopes(), shown, entity.createdAt(), entity.modifiedAt());
    }
}
