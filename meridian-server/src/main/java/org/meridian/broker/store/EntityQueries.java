package org.meridian.broker.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.time.Instant;
import org.meridian.core.temporal.HistoryBucket;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;
import org.meridian.core.geo.GeoJson;
import org.meridian.core.geo.GeoQuery;
import org.meridian.core.json.Json;
import org.meridian.core.ngsild.Entity;
import org.meridian.core.ngsild.NgsiLd;
import org.meridian.core.query.EntityPage;
import org.meridian.core.query.OrderBy;
import org.meridian.core.query.MapCluster;
import org.meridian.core.query.MapPoint;
import org.meridian.core.query.EntitySelection;
import org.meridian.core.security.ReadScope;

/**
 * Entity queries. Filters become one parameterised SQL statement; a geo-query adds an index pre-filter on the
 * location bounding box and an exact JTS test, after which the page is cut, so counts and pages stay exact.
 */
public final class EntityQueries {

    private final int maxGeoCandidates;

    public EntityQueries(int maxGeoCandidates) {
        this.maxGeoCandidates = maxGeoCandidates;
    }

    /**
     * @param scope what the caller may read: its row filter joins the statement's, and hidden attributes are gone
     *              before any filter sees them (a query cannot find an entity by what it may not read)
     */
    public EntityPage query(Connection connection, String tenant, EntitySelection selection, ReadScope scope, int limit,
                            int offset, boolean count) throws SQLException {
        if (selection.geoQuery() != null) {
            return geoQuery(connection, tenant, selection, scope, limit, offset, count);
        }
        return query(connection, tenant, selection, scope, limit, offset, count, "entity");
    }

    /**
     * Entities for the temporal API: the current ones, and those known only to the history (deleted, or written only
     * through the temporal API) with no attributes, so a selection by id, type or scope finds them and a q does not.
     */
    public EntityPage queryWithHistory(Connection connection, String tenant, EntitySelection selection, ReadScope scope,
                                       int limit, int offset) throws SQLException {
        if (selection.geoQuery() != null) {
            return geoQuery(connection, tenant, selection, scope, limit, offset, false, WITH_HISTORY);
        }
        return query(connection, tenant, selection, scope, limit, offset, false, WITH_HISTORY);
    }

    /**
     * Live entities and those known only to the temporal API (deleted ones, imported history) with their last state,
     * which q and geo-queries of a temporal query select by as they select live entities by their current one.
     */
    private static final String WITH_HISTORY = "(SELECT tenant, id, types, scopes, created_at, modified_at, attrs, "
            + "location_box FROM entity UNION ALL SELECT t.tenant, t.id, t.types, t.scopes, t.created_at, t.modified_at, "
            + "t.attrs, t.location_box FROM temporal_entity t WHERE NOT EXISTS "
            + "(SELECT 1 FROM entity e WHERE e.tenant = t.tenant AND e.id = t.id)) entity";

    /** @param source the table (or a subquery of its shape) to select from; never from input */
    private EntityPage query(Connection connection, String tenant, EntitySelection selection, ReadScope scope, int limit,
                             int offset, boolean count, String table) throws SQLException {
        List<Object> parameters = new ArrayList<>();
        String source = masked(table, scope, parameters);
        String where = where(tenant, selection, scope, parameters);
        List<Entity> entities = List.of();
        if (limit > 0) {
            List<Object> pageParameters = new ArrayList<>(parameters);
            pageParameters.add(limit);
            pageParameters.add(offset);
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + EntityStore.COLUMNS + " FROM " + source + " WHERE " + where + " ORDER BY "
                            + orderBy(selection.orderBy(), pageParameters, parameters.size()) + " LIMIT ? OFFSET ?")) {
                bind(connection, select, pageParameters);
                entities = EntityStore.readEntities(select);
            }
        }
        Long total = null;
        if (count) {
            try (PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM " + source + " WHERE " + where)) {
                bind(connection, select, parameters);
                try (ResultSet rows = select.executeQuery()) {
                    rows.next();
                    total = rows.getLong(1);
                }
            }
        }
        return new EntityPage(entities, total);
    }

    /** The entities of the given ids from a table or subquery of the entity table's shape, in the order given. */
    private static List<Entity> readByIds(Connection connection, String tenant, String table, List<String> ids) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + EntityStore.COLUMNS + " FROM " + table
                + " WHERE tenant = ? AND id = ANY(?) ORDER BY array_position(?, id)")) {
            select.setString(1, tenant);
            select.setArray(2, connection.createArrayOf("text", ids.toArray()));
            select.setArray(3, connection.createArrayOf("text", ids.toArray()));
            return EntityStore.readEntities(select);
        }
    }

    /**
     * The ORDER BY of a page: the keys asked for (missing members last), then id. Attribute IRIs are bound as
     * parameters, inserted into the page's parameters at {@code at} (after the WHERE's, before LIMIT and OFFSET).
     */
    private static String orderBy(OrderBy order, List<Object> parameters, int at) {
        if (order == null) {
            return "id";
        }
        StringBuilder sql = new StringBuilder();
        List<Object> bound = new ArrayList<>();
        for (OrderBy.Key key : order.keys()) {
            String expression = switch (key.target()) {
                case ID -> "id";
                case TYPE -> "types[1]";
                case CREATED_AT -> "created_at";
                case MODIFIED_AT -> "modified_at";
                case ATTRIBUTE -> attributeOrder(key, bound);
            };
            sql.append(expression).append(key.descending() ? " DESC" : " ASC").append(" NULLS LAST, ");
        }
        parameters.addAll(at, bound);
        return sql.append("id").toString();
    }

    /** The first instance's value (or time, or sub-attribute's value) of an attribute, as jsonb or a timestamp. */
    private static String attributeOrder(OrderBy.Key key, List<Object> bound) {
        if (key.memberIsTime()) {
            bound.add(key.attribute());
            // The member is one of three fixed names (memberIsTime), never client text.
            return "(attrs -> ? -> 0 ->> '" + key.member() + "')::timestamptz";
        }
        if (key.member() == null) {
            bound.addAll(List.of(key.attribute(), key.attribute()));
            return "COALESCE(attrs -> ? -> 0 -> 'value', attrs -> ? -> 0 -> 'object')";
        }
        bound.addAll(List.of(key.attribute(), key.member(), key.attribute(), key.member()));
        return "COALESCE(attrs -> ? -> 0 -> ? -> 'value', attrs -> ? -> 0 -> ? -> 'object')";
    }

    private EntityPage geoQuery(Connection connection, String tenant, EntitySelection selection, ReadScope scope, int limit,
                                int offset, boolean count) throws SQLException {
        return geoQuery(connection, tenant, selection, scope, limit, offset, count, "entity");
    }

    /** @param table the entity table, or a subquery of its shape (never from input) */
    private EntityPage geoQuery(Connection connection, String tenant, EntitySelection selection, ReadScope scope, int limit,
                                int offset, boolean count, String table) throws SQLException {
        GeoQuery geo = selection.geoQuery();
        if (!scope.showsAnywhere(geo.geoProperty())) {
            return new EntityPage(List.of(), count ? 0L : null);
        }
        List<Object> parameters = new ArrayList<>();
        parameters.add(geo.geoProperty()); // for "attrs -> ?" in the select list, which comes first
        String source = masked(table, scope, parameters);
        StringBuilder where = new StringBuilder(where(tenant, selection, scope, parameters));
        Envelope envelope = geo.searchEnvelope();
        boolean indexed = envelope != null && NgsiLd.LOCATION.equals(geo.geoProperty());
        if (!indexed) {
            // location_box exists only where location does; other GeoProperties are found by key.
            where.append(" AND jsonb_exists(attrs, ?)");
            parameters.add(geo.geoProperty());
        }
        if (indexed) {
            where.append(" AND location_box && box(point(?, ?), point(?, ?))");
            parameters.add(envelope.getMinX());
            parameters.add(envelope.getMinY());
            parameters.add(envelope.getMaxX());
            parameters.add(envelope.getMaxY());
        }
        List<String> matching = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id, " + (!scope.masksNothing() && showsEverywhere(scope, List.of(geo.geoProperty())) ? "raw_attrs" : "attrs")
                        + " -> ? AS geo FROM " + source + " WHERE " + where + " ORDER BY id")) {
            bind(connection, select, parameters);
            select.setFetchSize(5_000);
            int candidates = 0;
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    if (++candidates > maxGeoCandidates) {
                        throw new MeridianException(ErrorType.TOO_MANY_RESULTS, "The geo-query matches more than "
                                + maxGeoCandidates + " candidate entities; narrow it with type, q or a smaller area");
                    }
                    if (anyInstanceMatches(geo, Json.parseTrusted(rows.getString(2)))) {
                        matching.add(rows.getString(1));
                    }
                }
            }
        }
        int from = Math.min(offset, matching.size());
        int to = Math.min(matching.size(), from + limit);
        List<String> pageIds = matching.subList(from, to);
        // Read again by id: the row filter applies again, should a type have changed in between.
        List<Entity> entities = pageIds.isEmpty() ? List.of() : (table.equals("entity")
                ? new EntityStore().findAll(connection, tenant, pageIds, false) : readByIds(connection, tenant, table, pageIds))
                .stream().filter(scope::admits).toList();
        return new EntityPage(entities, count ? (long) matching.size() : null);
    }

    private static boolean anyInstanceMatches(GeoQuery geo, JsonNode instances) {
        for (JsonNode instance : instances) {
            JsonNode value = instance.get("value");
            if ("GeoProperty".equals(instance.path("type").asText()) && value != null) {
                Geometry geometry = GeoJson.parse(value);
                if (geo.matches(geometry)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The table with each row's attributes masked as the scope says for its types (the table itself when the scope
     * masks nothing): rows of types shown whole keep their attributes; the others keep what their type's view shows,
     * looked up by key (a few granted keys, not every attribute of the row). Queries then filter on what the caller may
     * see, never on a masked value. An entity of several restricted types is masked by the first of them here (its
     * rendering in Java shows what any of them shows): the filter can only see less, never more, than the answer. A
     * view limited to areas applies only to rows inside them.
     */
    private static String masked(String table, ReadScope scope, List<Object> parameters) {
        if (scope.masksNothing()) {
            return table;
        }
        List<String> whole = new ArrayList<>();
        List<String> locatedEverywhere = new ArrayList<>();
        StringBuilder branches = new StringBuilder();
        List<Object> branchParameters = new ArrayList<>();
        StringBuilder locatedInAreas = new StringBuilder();
        List<Object> locatedParameters = new ArrayList<>();
        for (var type : new java.util.TreeMap<>(scope.types()).entrySet()) {
            ReadScope.View view = type.getValue();
            if (view.shows(NgsiLd.LOCATION)) {
                if (view.everywhere()) {
                    locatedEverywhere.add(type.getKey());
                } else {
                    locatedParameters.add(new String[] {type.getKey()});
                    locatedInAreas.append(" WHEN types && ?::text[] AND ").append(inside(view.areas(), "location_box", locatedParameters))
                            .append(" THEN location_box");
                }
            }
            if (view.everything() && view.everywhere()) {
                whole.add(type.getKey());
                continue;
            }
            // A view limited to areas shows its attributes only to rows inside them: another type of the same entity
            // (a later branch) or nothing ('{}') shows the rest, so a filter never tests what the answer hides.
            branches.append(" WHEN types && ?::text[]");
            branchParameters.add(new String[] {type.getKey()});
            if (!view.everywhere()) {
                branches.append(" AND ").append(inside(view.areas(), "location_box", branchParameters));
            }
            branches.append(" THEN ");
            String kept = "attrs";
            if (view.only() != null) {
                kept = "(SELECT coalesce(jsonb_object_agg(k, attrs -> k), '{}'::jsonb) FROM unnest(?::text[]) k WHERE jsonb_exists(attrs, k))";
                branchParameters.add(view.only().toArray(String[]::new));
            }
            if (!view.except().isEmpty()) {
                kept = "(" + kept + " - ?::text[])";
                branchParameters.add(view.except().toArray(String[]::new));
            }
            branches.append(kept);
        }
        StringBuilder attrs = new StringBuilder("CASE");
        if (!whole.isEmpty()) {
            attrs.append(" WHEN types && ?::text[] THEN attrs");
            parameters.add(whole.toArray(String[]::new));
        }
        attrs.append(branches).append(" ELSE '{}'::jsonb END");
        parameters.addAll(branchParameters);
        String box;
        if (locatedEverywhere.size() == scope.types().size()) {
            box = "location_box";
        } else {
            StringBuilder located = new StringBuilder("CASE");
            if (!locatedEverywhere.isEmpty()) {
                located.append(" WHEN types && ?::text[] THEN location_box");
                parameters.add(locatedEverywhere.toArray(String[]::new));
            }
            located.append(locatedInAreas);
            if (locatedEverywhere.isEmpty() && locatedInAreas.isEmpty()) {
                // No type's view shows a place: none is located (a CASE needs one branch to be SQL at all).
                located.append(" WHEN false THEN location_box");
            }
            located.append(" END AS location_box");
            parameters.addAll(locatedParameters);
            box = located.toString();
        }
        return "(SELECT tenant, id, types, scopes, created_at, modified_at, " + attrs + " AS attrs, attrs AS raw_attrs, " + box
                + ", location_box AS area_box FROM " + table + ") entity";
    }

    /** Whether the stored box lies inside one of the areas (the function, not the operator: see rowsByPlace). */
    private static String inside(List<ReadScope.Area> areas, String box, List<Object> parameters) {
        List<String> tests = new ArrayList<>();
        for (ReadScope.Area area : areas) {
            tests.add("box_contain(box(point(?, ?), point(?, ?)), " + box + ")");
            parameters.add(area.west());
            parameters.add(area.south());
            parameters.add(area.east());
            parameters.add(area.north());
        }
        return tests.isEmpty() ? "false" : "(" + String.join(" OR ", tests) + ")";
    }

    /**
     * The row filter of a scope that shows some types only in areas: rows of the types shown everywhere, or of a type
     * located (its stored bounding box, whatever the mask) inside one of its areas.
     */
    private static String rowsByPlace(ReadScope scope, List<Object> parameters) {
        return rowsByPlace(scope, parameters, scope.masksNothing() ? "location_box" : "area_box");
    }

    /** {@link #rowsByPlace(ReadScope, List)} over a table whose stored boxes are in {@code box}. */
    static String rowsByPlace(ReadScope scope, List<Object> parameters, String box) {
        List<String> branches = new ArrayList<>();
        List<String> anywhere = new ArrayList<>();
        for (var type : new java.util.TreeMap<>(scope.types()).entrySet()) {
            if (type.getValue().everywhere()) {
                anywhere.add(type.getKey());
            }
        }
        if (!anywhere.isEmpty()) {
            branches.add("types && ?::text[]");
            parameters.add(anywhere.toArray(String[]::new));
        }
        for (var type : new java.util.TreeMap<>(scope.types()).entrySet()) {
            List<ReadScope.Area> areas = type.getValue().areas();
            if (areas == null) {
                continue;
            }
            parameters.add(new String[] {type.getKey()});
            // The function, not the operator @>: PostgreSQL has no statistics for boxes and guesses any area
            // holds 0.5% of rows, so with the operator it reads a district's tens of thousands of rows through
            // the box index and sorts them, rather than walking the page in id order (measured: 9 against 164
            // pages a second). Geo-queries still reach the index through their own search box.
            branches.add("(types && ?::text[] AND " + inside(areas, box, parameters) + ")");
        }
        return branches.isEmpty() ? "false" : "(" + String.join(" OR ", branches) + ")";
    }

    /** Whether every visible type shows every one of the attributes. */
    private static boolean showsEverywhere(ReadScope scope, java.util.Collection<String> attributes) {
        return scope.types().values().stream().allMatch(view -> attributes.stream().allMatch(view::shows));
    }

    static String where(String tenant, EntitySelection selection, ReadScope scope, List<Object> parameters) {
        StringBuilder where = new StringBuilder("tenant = ?");
        parameters.add(tenant);
        if (scope.limitsPlaces()) {
            where.append(" AND ").append(rowsByPlace(scope, parameters));
        } else if (scope.visibleTypes() != null) {
            where.append(" AND types && ?::text[]");
            parameters.add(scope.visibleTypes().toArray(String[]::new));
        }
        if (selection.ids() != null && !selection.ids().isEmpty()) {
            where.append(" AND id = ANY(?)");
            parameters.add(selection.ids().toArray(String[]::new));
        }
        if (selection.idPattern() != null) {
            where.append(" AND id ~ ?");
            parameters.add(selection.idPattern());
        }
        if (selection.types() != null) {
            where.append(" AND ").append(selection.types().toSql("types", parameters, selection.typeExpander()));
        }
        if (selection.attributeJsonPath() != null) {
            // @? is the jsonpath-exists operator; JDBC wants ? doubled.
            java.util.Set<String> queried = selection.queriedAttributes();
            if (scope.masksNothing()) {
                where.append(" AND attrs @?? ?::jsonpath");
            } else if (queried != null && showsEverywhere(scope, queried)) {
                // Every type the caller sees shows every attribute q names, and q has no negation: q on the stored
                // attributes is q on the masked ones, without building the mask (docs/performance.md, "Sharing").
                where.append(" AND raw_attrs @?? ?::jsonpath");
            } else {
                if (queried != null) {
                    // Masking only removes attributes: what fails on the stored attributes fails on the masked ones,
                    // so the stored ones are tested first and the mask is built only for rows that pass.
                    where.append(" AND raw_attrs @?? ?::jsonpath");
                    parameters.add(selection.attributeJsonPath());
                }
                where.append(" AND attrs @?? ?::jsonpath");
            }
            parameters.add(selection.attributeJsonPath());
        }
        if (selection.scopes() != null) {
            where.append(" AND ").append(selection.scopes().toSql("scopes", parameters));
        }
        if (selection.anyOfAttributes() != null && !selection.anyOfAttributes().isEmpty()) {
            where.append(" AND jsonb_exists_any(attrs, ?)");
            parameters.add(selection.anyOfAttributes().toArray(String[]::new));
        }
        return where.toString();
    }

    /**
     * The selection's entities located in the box, for a map: at most {@code limit}, in no order (an index scan that
     * stops early); each with the attribute's first instance as the caller may see it, and its location's geometry when
     * {@code shapes} (lines and areas are drawn as they are). A location the scope hides is as absent.
     */
    public List<MapPoint> mapPoints(Connection connection, String tenant, EntitySelection selection, ReadScope scope,
                                    ReadScope.Area box, String attribute, boolean shapes, int limit) throws SQLException {
        List<Object> parameters = new ArrayList<>();
        parameters.add(attribute == null ? "" : attribute);
        String source = masked("entity", scope, parameters);
        String where = where(tenant, selection, scope, parameters);
        parameters.addAll(List.of(box.west(), box.south(), box.east(), box.north()));
        parameters.add(limit);
        List<MapPoint> points = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT id, (center(location_box))[0], (center(location_box))[1], "
                + "attrs -> ? -> 0, " + (shapes ? "attrs -> '" + NgsiLd.LOCATION + "' -> 0 -> 'value'" : "NULL")
                + " FROM " + source + " WHERE " + where + " AND location_box && box(point(?, ?), point(?, ?)) LIMIT ?")) {
            bind(connection, select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String instance = rows.getString(4);
                    String geometry = rows.getString(5);
                    points.add(new MapPoint(rows.getString(1), rows.getDouble(2), rows.getDouble(3),
                            instance == null ? null : Json.parseTrusted(instance), geometry == null ? null : Json.parseTrusted(geometry)));
                }
            }
        }
        return points;
    }

    /** The selection's entities located in the box, counted per grid cell of {@code cell} degrees (at most 10,000 cells). */
    public List<MapCluster> mapClusters(Connection connection, String tenant, EntitySelection selection, ReadScope scope,
                                        ReadScope.Area box, double cell) throws SQLException {
        List<Object> parameters = new ArrayList<>();
        parameters.add(cell);
        parameters.add(cell);
        String source = masked("entity", scope, parameters);
        String where = where(tenant, selection, scope, parameters);
        parameters.addAll(List.of(box.west(), box.south(), box.east(), box.north()));
        List<MapCluster> clusters = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT avg(x), avg(y), count(*) FROM (SELECT "
                + "(center(location_box))[0] AS x, (center(location_box))[1] AS y, floor((center(location_box))[0] / ?) AS gx, "
                + "floor((center(location_box))[1] / ?) AS gy FROM " + source + " WHERE " + where
                + " AND location_box && box(point(?, ?), point(?, ?))) located GROUP BY gx, gy LIMIT 10000")) {
            bind(connection, select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    clusters.add(new MapCluster(rows.getDouble(1), rows.getDouble(2), rows.getLong(3)));
                }
            }
        }
        return clusters;
    }

    /**
     * One attribute across every entity of the selection the scope lets the caller see, hour by hour: the mean of all
     * their numeric values in each hour, the lowest and highest, and how many entities reported. Read from the hourly
     * rollup, so a day of a city's sensors is one index scan per entity, not a read of every reading.
     */
    public List<HistoryBucket> hourlyAcross(Connection connection, String tenant, EntitySelection selection, ReadScope scope,
                                            String attribute, Instant from, Instant to) throws SQLException {
        List<Object> parameters = new ArrayList<>();
        String where = where(tenant, selection, scope, parameters);
        java.sql.Timestamp low = java.sql.Timestamp.from(from);
        java.sql.Timestamp high = java.sql.Timestamp.from(to);
        parameters.addAll(List.of(tenant, attribute, tenant, low, high, tenant, low, high));
        List<HistoryBucket> buckets = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT h.hour, sum(h.sum) / nullif(sum(h.numeric), 0), "
                + "min(h.min), max(h.max), count(DISTINCT s.entity_id) FROM (SELECT id FROM entity WHERE " + where + ") e "
                + "JOIN attribute_series s ON s.tenant = ? AND s.entity_id = e.id AND s.attribute = ? "
                // LATERAL: each series' hours from the rollup's primary key, not the whole tenant's rollup hashed.
                + "CROSS JOIN LATERAL (SELECT hour, numeric, sum, min, max FROM attribute_hourly "
                + "WHERE tenant = ? AND series_id = s.id AND hour >= ? AND hour < ? AND numeric > 0 "
                // The hours still open (HistoryStore.foldClosedHours): the grouping by hour adds both.
                + "UNION ALL SELECT hour, numeric, sum, min, max FROM attribute_hourly_open "
                + "WHERE tenant = ? AND series_id = s.id AND hour >= ? AND hour < ? AND numeric > 0) h "
                + "GROUP BY h.hour ORDER BY h.hour")) {
            bind(connection, select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Instant hour = rows.getTimestamp(1).toInstant();
                    buckets.add(new HistoryBucket(attribute, hour, hour.plusSeconds(3600), Map.of("avg", rows.getDouble(2),
                            "min", rows.getDouble(3), "max", rows.getDouble(4), "entities", (double) rows.getLong(5))));
                }
            }
        }
        return buckets;
    }

    /** A bigint[] parameter (the driver's arrays take objects, not primitives). */
    static java.sql.Array bigints(Connection connection, long[] numbers) throws SQLException {
        return connection.createArrayOf("int8", java.util.Arrays.stream(numbers).boxed().toArray());
    }

    static void bind(Connection connection, PreparedStatement statement, List<Object> parameters) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            Object parameter = parameters.get(i);
            switch (parameter) {
                case String text -> statement.setString(i + 1, text);
                case String[] texts -> statement.setArray(i + 1, connection.createArrayOf("text", texts));
                case long[] numbers -> statement.setArray(i + 1, bigints(connection, numbers));
                case Integer number -> statement.setInt(i + 1, number);
                case Long number -> statement.setLong(i + 1, number);
                case Double number -> statement.setDouble(i + 1, number);
                case java.sql.Timestamp at -> statement.setTimestamp(i + 1, at);
                default -> throw new IllegalArgumentException("unsupported SQL parameter type " + parameter.getClass());
            }
        }
    }
}
