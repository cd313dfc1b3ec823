package org.meridian.core.security;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.meridian.core.ngsild.Entity;

/**
 * What one caller may read of a tenant's entities: the entity types it may see (a row filter) and, per type, which of
 * their attributes (a mask: attributes outside it are as if they did not exist — not shown, not matched by a query, not
 * notified). Trino's {@code getRowFilters}/{@code getColumnMask}, for entities. Names are expanded IRIs. An entity of
 * several types shows what any of its visible types shows.
 *
 * @param types the visible types and what each shows; null: every type, every attribute
 */
public record ReadScope(Map<String, View> types) {
    /** Everything: a caller no policy restricts. */
    public static final ReadScope ALL = new ReadScope(null);
    /** Nothing at all. */
    public static final ReadScope NOTHING = new ReadScope(Map.of());

    /**
     * Which attributes of a type are shown: those in {@code only} (null: all) and not in {@code except}.
     */
    public record View(Set<String> only, Set<String> except) {
        public static final View EVERYTHING = new View(null, Set.of());

        public View {
            only = only == null ? null : Set.copyOf(only);
            except = Set.copyOf(except);
        }

        public static View only(Set<String> attributes) {
            return new View(attributes, Set.of());
        }

        public static View except(Set<String> attributes) {
            return new View(null, attributes);
        }

        public boolean shows(String attribute) {
            return (only == null || only.contains(attribute)) && !except.contains(attribute);
        }

        public boolean everything() {
            return only == null && except.isEmpty();
        }

        /** What both views show. */
        public View and(View other) {
            Set<String> both;
            if (only == null || other.only == null) {
                both = only == null ? other.only : only;
            } else {
                both = new HashSet<>(only);
                both.retainAll(other.only);
            }
            Set<String> hidden = new HashSet<>(except);
            hidden.addAll(other.except);
            return new View(both, hidden);
        }

        /** What either view shows. */
        public View or(View other) {
            if (only != null && other.only != null) {
                Set<String> shown = new HashSet<>();
                only.stream().filter(this::shows).forEach(shown::add);
                other.only.stream().filter(other::shows).forEach(shown::add);
                return new View(shown, Set.of());
            }
            if (only == null && other.only == null) {
                Set<String> hidden = new HashSet<>(except);
                hidden.retainAll(other.except);
                return new View(null, hidden);
            }
            View open = only == null ? this : other;
            View listed = only == null ? other : this;
            Set<String> hidden = new HashSet<>(open.except);
            hidden.removeIf(listed::shows);
            return new View(null, hidden);
        }
    }

    public ReadScope {
        types = types == null ? null : Map.copyOf(types);
    }

    /** One type, with what it shows. */
    public static ReadScope of(String type, View view) {
        return new ReadScope(Map.of(type, view));
    }

    public boolean unrestricted() {
        return types == null;
    }

    /** The visible types; null: every type. */
    public Set<String> visibleTypes() {
        return types == null ? null : types.keySet();
    }

    /** What both scopes allow: the types both show, each showing what both views show. */
    public ReadScope and(ReadScope other) {
        if (types == null || other.types == null) {
            return types == null ? other : this;
        }
        Map<String, View> both = new HashMap<>();
        types.forEach((type, view) -> {
            View theirs = other.types.get(type);
            if (theirs != null) {
                both.put(type, view.and(theirs));
            }
        });
        return new ReadScope(both);
    }

    /** What either scope allows (a department's own data and its grants). */
    public ReadScope or(ReadScope other) {
        if (types == null || other.types == null) {
            return ALL;
        }
        Map<String, View> either = new HashMap<>(types);
        other.types.forEach((type, view) -> either.merge(type, view, View::or));
        return new ReadScope(either);
    }

    public boolean admitsType(String type) {
        return types == null || types.containsKey(type);
    }

    public boolean admits(Entity entity) {
        return types == null || entity.types().stream().anyMatch(types::containsKey);
    }

    /** What an entity of these types shows (what any of its visible types shows); null when none is visible. */
    public View viewOf(List<String> entityTypes) {
        if (types == null) {
            return View.EVERYTHING;
        }
        View view = null;
        for (String type : entityTypes) {
            View of = types.get(type);
            if (of != null) {
                view = view == null ? of : view.or(of);
            }
        }
        return view;
    }

    /** Whether an entity of these types shows the attribute. */
    public boolean shows(List<String> entityTypes, String attribute) {
        View view = viewOf(entityTypes);
        return view != null && view.shows(attribute);
    }

    /** Whether some visible type shows the attribute (for lists of attribute names, which have no entity). */
    public boolean showsAnywhere(String attribute) {
        return types == null || types.values().stream().anyMatch(view -> view.shows(attribute));
    }

    /** Whether every visible type shows every attribute (so masks cost nothing). */
    public boolean masksNothing() {
        return types == null || types.values().stream().allMatch(View::everything);
    }

    /** The entity as this scope shows it: a copy without the attributes it may not see (the same entity if none). */
    public Entity mask(Entity entity) {
        View view = viewOf(entity.types());
        if (view == null || view.everything()) {
            return entity;
        }
        ObjectNode shown = null;
        for (Iterator<String> names = entity.attributes().fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!view.shows(name)) {
                if (shown == null) {
                    shown = entity.attributes().deepCopy();
                }
                shown.remove(name);
            }
        }
        return shown == null ? entity
                : new Entity(entity.id(), entity.types(), entity.scopes(), shown, entity.createdAt(), entity.modifiedAt());
    }
}
