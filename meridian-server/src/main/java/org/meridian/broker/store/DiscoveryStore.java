package org.meridian.broker.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.meridian.core.ngsild.AttributeSummary;
import org.meridian.core.ngsild.TypeProfile;
import org.meridian.core.ngsild.TypeSummary;
import org.meridian.core.security.ReadScope;

/** Aggregates for type and attribute discovery (clause 5.7.5–5.7.10). They scan the tenant's entities. */
public final class DiscoveryStore {

    /** Entities per type; where the scope shows types only in areas, only the entities it shows (null: all). */
    public Map<String, Long> typeCounts(Connection connection, String tenant, ReadScope scope) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        List<Object> parameters = new ArrayList<>();
        parameters.add(tenant);
        String places = scope != null && scope.limitsPlaces() ? " AND " + EntityQueries.rowsByPlace(scope, parameters, "location_box") : "";
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT t, count(*) FROM entity, unnest(types) AS t WHERE tenant = ?" + places + " GROUP BY t ORDER BY t")) {
            EntityQueries.bind(connection, select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    counts.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        return counts;
    }

    public List<TypeSummary> types(Connection connection, String tenant, String onlyType, ReadScope scope) throws SQLException {
        Map<String, Long> counts = typeCounts(connection, tenant, scope);
        Map<String, Map<String, Set<String>>> attributes = new LinkedHashMap<>();
        String sql = "SELECT t, a.key, i ->> 'type' FROM entity, unnest(types) AS t, jsonb_each(attrs) AS a, "
                + "jsonb_array_elements(a.value) AS i WHERE tenant = ?" + (onlyType == null ? "" : " AND t = ?")
                + " GROUP BY 1, 2, 3";
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, tenant);
            if (onlyType != null) {
                select.setString(2, onlyType);
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    attributes.computeIfAbsent(rows.getString(1), k -> new LinkedHashMap<>())
                            .computeIfAbsent(rows.getString(2), k -> new TreeSet<>()).add(rows.getString(3));
                }
            }
        }
        List<TypeSummary> summaries = new ArrayList<>();
        counts.forEach((type, count) -> {
            if (onlyType == null || onlyType.equals(type)) {
                summaries.add(new TypeSummary(type, count, attributes.getOrDefault(type, Map.of())));
            }
        });
        return summaries;
    }

    /**
     * @param scope the caller's row filter (its visible types, and where some are shown only in areas): only those
     *              entities are counted
     */
    public List<AttributeSummary> attributes(Connection connection, String tenant, String onlyAttribute, ReadScope scope)
            throws SQLException {
        Map<String, AttributeSummary> summaries = new LinkedHashMap<>();
        List<Object> parameters = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT a.key, count(DISTINCT e.id), array_agg(DISTINCT t), array_agg(DISTINCT i ->> 'type') "
                + "FROM entity e, jsonb_each(e.attrs) AS a, jsonb_array_elements(a.value) AS i, unnest(e.types) AS t "
                + "WHERE e.tenant = ?");
        parameters.add(tenant);
        if (onlyAttribute != null) {
            sql.append(" AND a.key = ?");
            parameters.add(onlyAttribute);
        }
        if (scope.visibleTypes() != null) {
            sql.append(" AND e.types && ?::text[] AND t = ANY(?::text[])");
            parameters.add(scope.visibleTypes().toArray(String[]::new));
            parameters.add(scope.visibleTypes().toArray(String[]::new));
        }
        if (scope.limitsPlaces()) {
            sql.append(" AND ").append(EntityQueries.rowsByPlace(scope, parameters, "e.location_box"));
        }
        sql.append(" GROUP BY a.key ORDER BY a.key");
        try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
            EntityQueries.bind(connection, select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    summaries.put(rows.getString(1), new AttributeSummary(rows.getString(1), rows.getLong(2),
                            new TreeSet<>(EntityStore.strings(rows.getArray(3))),
                            new TreeSet<>(EntityStore.strings(rows.getArray(4)))));
                }
            }
        }
        return new ArrayList<>(summaries.values());
    }

    /** Count, last change and extent of each type, then their shapes: two indexed reads, whatever the city's size. */
    public Map<String, TypeProfile> profiles(Connection connection, String tenant, Set<String> types)
            throws SQLException {
        Map<String, TypeProfile> profiles = new LinkedHashMap<>();
        if (types.isEmpty()) {
            return profiles;
        }
        java.sql.Array wanted = connection.createArrayOf("text", types.toArray());
        // A box is stored with its upper-right corner first ([0]) and its lower-left second ([1]).
        try (PreparedStatement select = connection.prepareStatement("SELECT t, count(*), max(modified_at), "
                + "min((location_box[1])[0]), min((location_box[1])[1]), max((location_box[0])[0]), max((location_box[0])[1]) "
                + "FROM entity, unnest(types) AS t WHERE tenant = ? AND types && ? AND t = ANY(?) GROUP BY t")) {
            select.setString(1, tenant);
            select.setArray(2, wanted);
            select.setArray(3, wanted);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    double west = rows.getDouble(4);
                    TypeProfile.Extent extent = rows.wasNull() ? null : new TypeProfile.Extent(
                            west, rows.getDouble(5), rows.getDouble(6), rows.getDouble(7));
                    profiles.put(rows.getString(1), new TypeProfile(rows.getString(1), rows.getLong(2),
                            rows.getTimestamp(3).toInstant(), extent, new LinkedHashMap<>()));
                }
            }
        }
        try (PreparedStatement select = connection.prepareStatement("SELECT t, a.key, i ->> 'type' FROM unnest(?::text[]) AS t, "
                + "LATERAL (SELECT attrs FROM entity WHERE tenant = ? AND types @> ARRAY[t] LIMIT "
                + TypeProfile.SHAPE_SAMPLE + ") AS e, jsonb_each(e.attrs) AS a, "
                + "jsonb_array_elements(a.value) AS i GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")) {
            select.setArray(1, wanted);
            select.setString(2, tenant);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    TypeProfile profile = profiles.get(rows.getString(1));
                    if (profile != null) {
                        profile.attributes().computeIfAbsent(rows.getString(2), k -> new TreeSet<>()).add(rows.getString(3));
                    }
                }
            }
        }
        return profiles;
    }
}
