package org.meridian.core.security;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.locationtech.jts.geom.Envelope;
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

    /** A rectangle of WGS84 degrees; an entity is in it when its location's bounding box is. */
    public record Area(double west, double south, double east, double north) {
        public Area {
            if (!(west >= -180 && west <= east && east <= 180 && south >= -90 && south <= north && north <= 90)) {
                throw new IllegalArgumentException("An area is [west, south, east, north] in degrees, west <= east, south <= north");
            }
        }

        public boolean contains(Envelope box) {
            return box != null && !box.isNull() && west <= box.getMinX() && box.getMaxX() <= east && south <= box.getMinY()
                    && box.getMaxY() <= north;
        }

        public boolean covers(Area other) {
            return west <= other.west && other.east <= east && south <= other.south && other.north <= north;
        }

        /** What both cover, or null when they do not meet. */
        Area intersection(Area other) {
            double w = Math.max(west, other.west);
            double s = Math.max(south, other.south);
            double e = Math.min(east, other.east);
            double n = Math.min(north, other.north);
            return w <= e && s <= n ? new Area(w, s, e, n) : null;
        }
    }

    /**
     * Which entities of a type are shown and what of them: those located in one of {@code areas} (null: wherever
     * they are, located or not), showing the attributes in {@code only} (null: all) and not in {@code except}.
     */
    public record View(Set<String> only, Set<String> except, List<Area> areas) {
        public static final View EVERYTHING = new View(null, Set.of());

        public View {
            only = only == null ? null : Set.copyOf(only);
            except = Set.copyOf(except);
            areas = areas == null ? null : List.copyOf(areas);
        }

        public View(Set<String> only, Set<String> except) {
            this(only, except, null);
        }

        public static View only(Set<String> attributes) {
            return new View(attributes, Set.of());
        }

        public static View except(Set<String> attributes) {
            return new View(null, attributes);
        }

        /** The same attributes, only in these areas. */
        public View within(List<Area> within) {
            return new View(only, except, within);
        }

        public boolean shows(String attribute) {
            return (only == null || only.contains(attribute)) && !except.contains(attribute);
        }

        /** Whether it shows every attribute (wherever it applies: see {@link #everywhere}). */
        public boolean everything() {
            return only == null && except.isEmpty();
        }

        public boolean everywhere() {
            return areas == null;
        }

        /** Whether an entity located in this bounding box (null: not located) is shown. */
        public boolean admitsLocation(Envelope box) {
            return areas == null || areas.stream().anyMatch(area -> area.contains(box));
        }

        /** What both views show: the attributes both show, where both apply. */
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
            List<Area> where;
            if (areas == null || other.areas == null) {
                where = areas == null ? other.areas : areas;
            } else {
                where = new ArrayList<>();
                for (Area mine : areas) {
                    for (Area theirs : other.areas) {
                        Area common = mine.intersection(theirs);
                        if (common != null) {
                            where.add(common);
                        }
                    }
                }
            }
            return new View(both, hidden, where);
        }

        /**
         * What either view shows. Where both apply in the same places (or one covers the other entirely) that is
         * exact; two views with different attributes in different places cannot be one view, so the answer then
         * shows the attributes both show, in either's places: never more than granted, sometimes less.
         */
        public View or(View other) {
            if (covers(other)) {
                return this;
            }
            if (other.covers(this)) {
                return other;
            }
            if (java.util.Objects.equals(areas, other.areas)) {
                return attributesOfEither(other).within(areas);
            }
            List<Area> either = areas == null || other.areas == null ? null : new ArrayList<>(areas);
            if (either != null) {
                either.addAll(other.areas);
            }
            return and(new View(other.only, other.except)).within(either);
        }

        /** Whether this view shows everything the other shows, everywhere it shows it. */
        private boolean covers(View other) {
            boolean attributes = other.only != null ? other.only.stream().filter(other::shows).allMatch(this::shows)
                    : only == null && other.except.containsAll(except);
            boolean places = areas == null || other.areas != null
                    && other.areas.stream().allMatch(theirs -> areas.stream().anyMatch(mine -> mine.covers(theirs)));
            return attributes && places;
        }

        private View attributesOfEither(View other) {
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

    /** Whether the entity is shown at all: one of its types is visible, and it is located where that type's view applies. */
    public boolean admits(Entity entity) {
        if (types == null) {
            return true;
        }
        Envelope box = null;
        boolean located = false;
        for (String type : entity.types()) {
            View view = types.get(type);
            if (view == null) {
                continue;
            }
            if (view.everywhere()) {
                return true;
            }
            if (!located) {
                box = entity.locationEnvelope();
                located = true;
            }
            if (view.admitsLocation(box)) {
                return true;
            }
        }
        return false;
    }

    /** Whether one of these types is shown only in areas (so an entity of them is shown only where it is now). */
    public boolean limitsPlacesOf(List<String> entityTypes) {
        return types != null && entityTypes.stream().map(types::get).anyMatch(view -> view != null && !view.everywhere());
    }

    /** Whether some visible type is shown only in areas (so rows are filtered by place as well as by type). */
    public boolean limitsPlaces() {
        return types != null && types.values().stream().anyMatch(view -> !view.everywhere());
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

    /**
     * What an entity of these types located in this box shows (a view limited to areas counts only when the box lies
     * in one; a null box is no place); null when none. For entities known only by their rendering (another node's).
     */
    public View viewOf(List<String> entityTypes, Envelope box) {
        if (types == null) {
            return View.EVERYTHING;
        }
        View view = null;
        for (String type : entityTypes) {
            View of = types.get(type);
            if (of != null && (of.everywhere() || box != null && of.admitsLocation(box))) {
                View attributes = new View(of.only(), of.except());
                view = view == null ? attributes : view.or(attributes);
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

    /**
     * What the entity shows: what any of its visible types shows where it is (a view limited to areas counts only when
     * the entity lies inside one); null when none.
     */
    public View viewOf(Entity entity) {
        if (types == null || types.values().stream().allMatch(View::everywhere)) {
            return viewOf(entity.types());
        }
        Envelope box = entity.locationEnvelope();
        View view = null;
        for (String type : entity.types()) {
            View of = types.get(type);
            if (of != null && of.admitsLocation(box)) {
                View attributes = new View(of.only(), of.except());
                view = view == null ? attributes : view.or(attributes);
            }
        }
        return view;
    }

    /** The entity as this scope shows it: a copy without the attributes it may not see (the same entity if none). */
    public Entity mask(Entity entity) {
        View view = viewOf(entity);
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
