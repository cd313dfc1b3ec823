package org.meridian.broker.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.meridian.core.json.Json;
import org.meridian.core.temporal.HistoryBucket;
import org.meridian.core.temporal.HistoryInstance;

/**
 * Reads the attribute history for the temporal API: instances by time or the last N, and aggregations over any
 * buckets, from the hourly roll-up where it can answer and from the instances where it cannot.
 */
public final class HistoryReader {
    /** One instance by its id, if it belongs to that entity and attribute. */
    public java.util.Optional<HistoryInstance> instance(Connection connection, String tenant, String entityId, String attribute,
                                                 long instanceId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT s.attribute, h.instance_id, h.recorded_at, h.observed_at, h.instance FROM attribute_history h "
                        + "JOIN attribute_series s ON s.tenant = h.tenant AND s.id = h.series_id "
                        + "WHERE h.instance_id = ? AND s.tenant = ? AND s.entity_id = ? AND s.attribute = ?")) {
            select.setLong(1, instanceId);
            select.setString(2, tenant);
            select.setString(3, entityId);
            select.setString(4, attribute);
            List<HistoryInstance> found = readInstances(select);
            return found.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(found.getFirst());
        }
    }

    /**
     * Instances of one entity, oldest first within the time range, or the last {@code lastN} per attribute.
     *
     * @param shown the attributes the caller may read (its attribute mask; null: all): the others are left out before
     *              the limit counts
     * @param timeColumn observed_at, recorded_at or deleted_at
     */
    public List<HistoryInstance> instances(Connection connection, String tenant, String entityId, List<String> attributes,
                                    org.meridian.core.security.ReadScope.View shown, String timeColumn, Instant from, Instant to, int lastN,
                                    int limit) throws SQLException {
        String column = timeColumn(timeColumn);
        List<Object> parameters = new ArrayList<>();
        // Per attribute series, one index scan of its instances (backwards for the newest N), at most a page long:
        // never a sort or a ranking of the whole history.
        StringBuilder sql = new StringBuilder("SELECT s.attribute, h.instance_id, h.recorded_at, h.observed_at, h.instance "
                + "FROM attribute_series s CROSS JOIN LATERAL (SELECT * FROM attribute_history WHERE tenant = ? AND series_id = s.id");
        parameters.add(tenant);
        appendFilters(sql, parameters, null, column, from, to);
        sql.append(onlyTimed(timeColumn));
        String direction = lastN > 0 ? " DESC" : "";
        sql.append(" ORDER BY ").append(column).append(direction).append(", instance_id").append(direction).append(" LIMIT ?) h");
        parameters.add(lastN > 0 ? lastN : limit);
        sql.append(" WHERE s.tenant = ? AND s.entity_id = ?");
        parameters.add(tenant);
        parameters.add(entityId);
        if (attributes != null && !attributes.isEmpty()) {
            sql.append(" AND s.attribute = ANY(?)");
            parameters.add(attributes.toArray(String[]::new));
        }
        if (shown != null && shown.only() != null) {
            sql.append(" AND s.attribute = ANY(?)");
            parameters.add(shown.only().toArray(String[]::new));
        }
        if (shown != null && !shown.except().isEmpty()) {
            sql.append(" AND NOT (s.attribute = ANY(?))");
            parameters.add(shown.except().toArray(String[]::new));
        }
        // The answer is cut by time across all attributes (clause 6.3.10): the oldest first, the newest with lastN.
        sql.append(" ORDER BY ").append(timeColumn(timeColumn, "h.")).append(direction).append(", h.instance_id")
                .append(direction).append(" LIMIT ?");
        parameters.add(limit);
        try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
            EntityQueries.bind(connection, select, parameters);
            return readInstances(select);
        }
    }

    /**
     * The instances of many entities' attributes in [from, to) of their observation time, in one query (a page of
     * entities, where {@link #instances} reads one entity): entity id → instances, each series' newest {@code perSeries}
     * at most. For the platform's own reading back of recent values (the rules' windows after a restart).
     */
    public Map<String, List<HistoryInstance>> recentInstances(Connection connection, String tenant, List<String> entityIds,
                                                              List<String> attributes, Instant from, Instant to,
                                                              Instant recordedSince, int perSeries)
            throws SQLException {
        String column = timeColumn("observed_at");
        List<Object> parameters = new ArrayList<>();
        // Per series one backward index scan of its newest instances in the range.
        StringBuilder sql = new StringBuilder("SELECT s.entity_id, s.attribute, h.instance_id, h.recorded_at, h.observed_at, h.instance "
                + "FROM attribute_series s CROSS JOIN LATERAL (SELECT * FROM attribute_history WHERE tenant = ? AND series_id = s.id");
        parameters.add(tenant);
        appendFilters(sql, parameters, null, column, from, to);
        // The history is partitioned by recording time: this bound lets PostgreSQL skip the older months.
        sql.append(" AND recorded_at >= ?::timestamptz");
        parameters.add(recordedSince.toString());
        sql.append(" ORDER BY ").append(column).append(" DESC LIMIT ?) h WHERE s.tenant = ? AND s.entity_id = ANY(?)");
        parameters.add(perSeries);
        parameters.add(tenant);
        parameters.add(entityIds.toArray(String[]::new));
        if (attributes != null && !attributes.isEmpty()) {
            sql.append(" AND s.attribute = ANY(?)");
            parameters.add(attributes.toArray(String[]::new));
        }
        Map<String, List<HistoryInstance>> instances = new java.util.HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
            EntityQueries.bind(connection, select, parameters);
            select.setFetchSize(10_000);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Timestamp observed = rows.getTimestamp(5);
                    instances.computeIfAbsent(rows.getString(1), id -> new ArrayList<>()).add(new HistoryInstance(rows.getString(2),
                            rows.getLong(3), rows.getTimestamp(4).toInstant(), observed == null ? null : observed.toInstant(),
                            Json.parseTrusted(rows.getString(6))));
                }
            }
        }
        return instances;
    }

    static List<HistoryInstance> readInstances(PreparedStatement select) throws SQLException {
        List<HistoryInstance> instances = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                Timestamp observed = rows.getTimestamp(4);
                instances.add(new HistoryInstance(rows.getString(1), rows.getLong(2), rows.getTimestamp(3).toInstant(),
                        observed == null ? null : observed.toInstant(), Json.parseTrusted(rows.getString(5))));
            }
        }
        return instances;
    }

    /**
     * Aggregates the instances per entity and attribute in buckets of {@code bucketSeconds} (or one bucket for the
     * range). Whole-hour aggregations by observation time are answered from the roll-up instead, see
     * {@link #aggregateAsJson}; this reads every instance in the range (distinctCount, modifiedAt, other periods).
     */
    public Map<String, List<HistoryBucket>> aggregate(Connection connection, String tenant, List<String> entityIds,
                                               List<String> attributes, String timeColumn, Instant from, Instant to,
                                               long bucketSeconds) throws SQLException {
        List<Object> parameters = new ArrayList<>();
        String column = timeColumn(timeColumn);
        // Periods start where the asked time range starts, else at the attribute's first instance (clause 4.5.19).
        String origin = from != null ? "?::timestamptz" : "min(" + column + ") OVER (PARTITION BY entity_id, attribute)";
        String bucket = millis(bucketSeconds > 0
                ? "date_bin(make_interval(secs => ?), " + column + ", " + origin + ")"
                : "min(" + column + ") OVER (PARTITION BY entity_id, attribute)");
        StringBuilder sql = new StringBuilder("SELECT entity_id, attribute, bucket, count(*), count(DISTINCT instance -> 'value'), "
                + "sum(value_number), avg(value_number), min(value_number), max(value_number), stddev_pop(value_number), "
                + "sum(value_number * value_number), " + millis("max(" + column + ")") + " FROM (SELECT s.entity_id, s.attribute, h.*, "
                + bucket + " AS bucket FROM attribute_series s JOIN attribute_history h ON h.tenant = s.tenant AND h.series_id = s.id "
                + "WHERE s.tenant = ? AND s.entity_id = ANY(?)");
        if (bucketSeconds > 0) {
            parameters.add((double) bucketSeconds);
            if (from != null) {
                parameters.add(java.sql.Timestamp.from(from));
            }
        }
        parameters.add(tenant);
        parameters.add(entityIds.toArray(String[]::new));
        appendFilters(sql, parameters, attributes, column, from, to);
        sql.append(onlyTimed(timeColumn));
        sql.append(") b");
        sql.append(" GROUP BY entity_id, attribute, bucket ORDER BY entity_id, attribute, bucket");
        Map<String, List<HistoryBucket>> buckets = new java.util.HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
            EntityQueries.bind(connection, select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    // Epoch seconds: reading timestamps through JDBC costs more than the query for tens of thousands of rows.
                    Instant start = Instant.ofEpochMilli(rows.getLong(3));
                    Instant end = bucketSeconds > 0 ? start.plusSeconds(bucketSeconds) : Instant.ofEpochMilli(rows.getLong(12));
                    Map<String, Double> values = new java.util.LinkedHashMap<>();
                    values.put("totalCount", (double) rows.getLong(4));
                    values.put("distinctCount", nullable(rows, 5));
                    values.put("sum", nullable(rows, 6));
                    values.put("avg", nullable(rows, 7));
                    values.put("min", nullable(rows, 8));
                    values.put("max", nullable(rows, 9));
                    values.put("stddev", nullable(rows, 10));
                    values.put("sumsq", nullable(rows, 11));
                    buckets.computeIfAbsent(rows.getString(1), id -> new ArrayList<>())
                            .add(new HistoryBucket(rows.getString(2), start, end, values));
                }
            }
        }
        return buckets;
    }

    /**
     * Whether the hourly roll-up can answer: whole-hour buckets by observation time, without distinctCount, from a
     * range that starts on a whole hour (periods start where the range does; elsewhere they cut the roll-up's hours).
     */
    public static boolean rollupApplies(String timeColumn, Instant from, Instant to, long bucketSeconds, boolean distinctCount) {
        if (from == null || !from.equals(from.truncatedTo(java.time.temporal.ChronoUnit.HOURS))) {
            return false;
        }
        Instant lowHour = ceilHour(from);
        Instant highHour = to == null ? null : to.truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        return "observed_at".equals(timeColumn) && bucketSeconds > 0 && bucketSeconds % 3600 == 0 && !distinctCount
                && (lowHour == null || highHour == null || lowHour.isBefore(highHour));
    }

    /**
     * Buckets of several hours (PT3H, P1D…): the roll-up's whole hours and the cut hours at the range's ends from the
     * instances, regrouped per bucket into the roll-up's figures. Columns: series_id, bucket (timestamptz),
     * total, numeric, sum, sumsq, min, max.
     */
    static void appendRollupBuckets(StringBuilder sql, List<Object> parameters, String tenant, long[] seriesIds,
                                            Instant from, Instant to, long bucketSeconds) {
        Instant lowHour = from == null ? null : ceilHour(from);
        Instant highHour = to == null ? null : to.truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        parameters.add((double) bucketSeconds);
        parameters.add(java.sql.Timestamp.from(from));
        sql.append("SELECT series_id, date_bin(make_interval(secs => ?), hour, ?::timestamptz) AS bucket, "
                + "sum(total) AS total, sum(numeric) AS numeric, sum(sum) AS sum, sum(sumsq) AS sumsq, min(min) AS min, "
                + "max(max) AS max FROM (");
        // Both tables of the roll-up as they are: the regrouping below adds an hour that is in both.
        sql.append(hourRows("attribute_hourly", parameters, tenant, seriesIds, lowHour, highHour, "")).append(" UNION ALL ")
                .append(hourRows("attribute_hourly_open", parameters, tenant, seriesIds, lowHour, highHour, ""));
        if (from != null && from.isBefore(lowHour)) {
            sql.append(" UNION ALL ").append(cutHour(parameters, tenant, seriesIds, from, lowHour));
        }
        if (to != null && highHour.isBefore(to)) {
            sql.append(" UNION ALL ").append(cutHour(parameters, tenant, seriesIds, highHour, to));
        }
        sql.append(") parts GROUP BY series_id, bucket");
    }

    /** SQL for each aggregation method over one bucket's figures (the roll-up's columns: an hour's, or summed). */
    static final Map<String, String> METHODS = Map.of("totalCount", "total", "sum", "sum",
            "avg", "sum / nullif(numeric, 0)", "min", "min", "max", "max",
            "stddev", "sqrt(greatest(sumsq / nullif(numeric, 0) - power(sum / nullif(numeric, 0), 2), 0))", "sumsq", "sumsq");

    static String method(String name) {
        String expression = METHODS.get(name);
        if (expression == null) {
            throw new IllegalArgumentException("no roll-up figure for " + name);
        }
        return expression;
    }

    /**
     * The roll-up path, as JSON: per entity and attribute, one array per method of [value, start, end] triples, the
     * temporal API's aggregated representation. A month of hourly buckets for a page of entities is tens of thousands
     * of triples. Measured on 100 entities × 720 hours: reading them as rows costs more than the query, and rendering
     * them in SQL (json_agg, two to_char per bucket) 300 ms of the 320; so PostgreSQL returns per entity and attribute
     * the bucket starts and each method's values as array text (20 ms), and the triples are spliced here from that
     * text, with each distinct bucket time formatted once.
     *
     * @return entity id → attribute → method → JSON array text
     */
    public Map<String, Map<String, Map<String, String>>> aggregateAsJson(Connection connection, String tenant, List<String> entityIds,
                                                                         List<String> attributes, Instant from, Instant to,
                                                                         long bucketSeconds, List<String> methods) throws SQLException {
        Map<String, Map<String, Map<String, String>>> rendered = new java.util.HashMap<>();
        Map<Long, Series> series = seriesOf(connection, tenant, entityIds, attributes);
        if (series.isEmpty()) {
            return rendered;
        }
        long[] seriesIds = series.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        List<Object> parameters = new ArrayList<>();
        StringBuilder sql = new StringBuilder();
        if (bucketSeconds == 3600) {
            appendHourlyArrays(sql, parameters, tenant, seriesIds, from, to, methods);
        } else {
            sql.append("SELECT series_id, array_agg(date_part('epoch', bucket)::bigint ORDER BY bucket)::text");
            for (String method : methods) {
                sql.append(", array_agg(").append(method(method)).append(" ORDER BY bucket)::text");
            }
            sql.append(" FROM (");
            appendRollupBuckets(sql, parameters, tenant, seriesIds, from, to, bucketSeconds);
            sql.append(") b GROUP BY series_id");
        }
        Map<Long, String> times = new java.util.HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
            EntityQueries.bind(connection, select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String[] starts = arrayElements(rows.getString(2));
                    Map<String, String> byMethod = new java.util.LinkedHashMap<>();
                    for (int i = 0; i < methods.size(); i++) {
                        byMethod.put(methods.get(i), triples(starts, arrayElements(rows.getString(3 + i)), bucketSeconds, times));
                    }
                    Series named = series.get(rows.getLong(1));
                    rendered.computeIfAbsent(named.entityId(), id -> new java.util.TreeMap<>()).put(named.attribute(), byMethod);
                }
            }
        }
        return rendered;
    }

    /** The attributes of an entity's history (of those given, when given) that the caller may see. */
    public List<String> attributesOf(Connection connection, String tenant, String entityId, List<String> attributes,
                                     org.meridian.core.security.ReadScope.View shown) throws SQLException {
        return seriesOf(connection, tenant, List.of(entityId), attributes).values().stream().map(Series::attribute)
                .filter(attribute -> shown == null || shown.shows(attribute)).toList();
    }

    /** An attribute series by its names. */
    private record Series(String entityId, String attribute) {
    }

    /** The series of the entities (of the attributes, when given) by id. */
    static Map<Long, Series> seriesOf(Connection connection, String tenant, List<String> entityIds, List<String> attributes)
            throws SQLException {
        List<Object> parameters = new ArrayList<>(List.of(tenant, entityIds.toArray(String[]::new)));
        StringBuilder sql = new StringBuilder("SELECT id, entity_id, attribute FROM attribute_series WHERE tenant = ? AND entity_id = ANY(?)");
        appendFilters(sql, parameters, attributes, null, null, null);
        Map<Long, Series> series = new java.util.HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
            EntityQueries.bind(connection, select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    series.put(rows.getLong(1), new Series(rows.getString(2), rows.getString(3)));
                }
            }
        }
        return series;
    }

    /**
     * Hourly buckets, the common case (a month of them per entity): the roll-up's rows are aggregated into arrays in the
     * order its index returns them, so PostgreSQL never sorts them; the cut hours at the range's ends, aggregated from
     * the instances, are one bucket each and are joined on before and after. Merging them into the rows first made
     * PostgreSQL sort the 72,000 rows of a page of 100 entities (on disk, beyond work_mem): measured in psql, 170 ms
     * with the sort against 85 ms without. Columns: series_id, bucket starts, one array per method.
     */
    static void appendHourlyArrays(StringBuilder sql, List<Object> parameters, String tenant, long[] seriesIds,
                                           Instant from, Instant to, List<String> methods) {
        Instant lowHour = from == null ? null : ceilHour(from);
        Instant highHour = to == null ? null : to.truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        List<String> parts = new ArrayList<>();
        // The first hour of the range that a series has in the open hours' table, in the same statement as the parts
        // split at it: read apart, a recount committing in between could move a closed hour to the open table unseen.
        sql.append("WITH first_open AS (SELECT min(hour) AS hour FROM (")
                .append(hourRows("attribute_hourly_open", parameters, tenant, seriesIds, lowHour, highHour, "")).append(") o), ");
        if (from != null && from.isBefore(lowHour)) {
            appendHourArrays(sql, "low", methods, cutHour(parameters, tenant, seriesIds, from, lowHour));
            parts.add("low");
            sql.append(", ");
        }
        // The closed hours alone up to the first hour with an open row, straight from the covering index; from there the
        // two tables added (a join, whose output PostgreSQL sorts again: the last hour or two, as a rule).
        appendHourArrays(sql, "whole", methods, hourRows("attribute_hourly", parameters, tenant, seriesIds, lowHour, highHour,
                " AND hour < coalesce((SELECT hour FROM first_open), 'infinity'::timestamptz)"));
        parts.add("whole");
        sql.append(", ");
        appendHourArrays(sql, "recent", methods, rolledUpHours(parameters, tenant, seriesIds, lowHour, highHour,
                " AND hour >= (SELECT hour FROM first_open)"));
        parts.add("recent");
        if (to != null && highHour.isBefore(to)) {
            sql.append(", ");
            appendHourArrays(sql, "high", methods, cutHour(parameters, tenant, seriesIds, highHour, to));
            parts.add("high");
        }
        sql.append(" SELECT series_id, ").append(concatenated(parts, "starts"));
        for (int i = 0; i < methods.size(); i++) {
            sql.append(", ").append(concatenated(parts, "m" + i));
        }
        sql.append(" FROM ").append(parts.getFirst());
        for (String part : parts.subList(1, parts.size())) {
            sql.append(" FULL JOIN ").append(part).append(" USING (series_id)");
        }
    }

    /** A named query of per-series arrays (bucket starts, then each method's values) over hourly figures. */
    static void appendHourArrays(StringBuilder sql, String name, List<String> methods, String hours) {
        sql.append(name).append(" AS (SELECT series_id, array_agg(date_part('epoch', hour)::bigint ORDER BY hour) AS starts");
        for (int i = 0; i < methods.size(); i++) {
            sql.append(", array_agg(").append(method(methods.get(i))).append(" ORDER BY hour) AS m").append(i);
        }
        sql.append(" FROM (").append(hours).append(") h GROUP BY series_id)");
    }

    /**
     * The roll-up's figures of the whole hours in [lowHour, highHour) that also meet {@code condition}, one row per
     * series and hour: the closed hours' rows added to those of the open hours' table ({@link HistoryStore#foldClosedHours}).
     * An hour is in both while readings observed in it arrive after it was folded, and after an instance edit recounted
     * it. Measured on a page of 100 series × 720 hours, this join doubles the query's time (45 → 90 ms), so it is used
     * from the first open hour on only.
     */
    static String rolledUpHours(List<Object> parameters, String tenant, long[] seriesIds, Instant lowHour, Instant highHour,
                                String condition) {
        String closed = hourRows("attribute_hourly", parameters, tenant, seriesIds, lowHour, highHour, condition);
        String open = hourRows("attribute_hourly_open", parameters, tenant, seriesIds, lowHour, highHour, condition);
        return "SELECT series_id, hour, " + String.join(", ", HistoryStore.addedFigures("c", "o").entrySet().stream()
                .map(figure -> figure.getValue() + " AS " + figure.getKey()).toList())
                + " FROM (" + closed + ") c FULL JOIN (" + open + ") o USING (series_id, hour)";
    }

    /** One roll-up table's rows of the series in [lowHour, highHour), with a further condition (SQL, no parameters). */
    private static String hourRows(String table, List<Object> parameters, String tenant, long[] seriesIds, Instant lowHour,
                                   Instant highHour, String condition) {
        StringBuilder sql = new StringBuilder("SELECT series_id, hour, total, numeric, sum, sumsq, min, max FROM ")
                .append(table).append(" WHERE tenant = ? AND series_id = ANY(?)");
        parameters.add(tenant);
        parameters.add(seriesIds);
        appendFilters(sql, parameters, null, "hour", lowHour, highHour);
        return sql.append(condition).toString();
    }

    /** The figures of a cut hour, from the instances observed in [from, to), in the roll-up's columns. */
    static String cutHour(List<Object> parameters, String tenant, long[] seriesIds, Instant from, Instant to) {
        StringBuilder sql = new StringBuilder("SELECT series_id, " + HistoryStore.HOUR + " AS hour, " + HistoryStore.ROLLUP_COLUMNS
                + " FROM attribute_history WHERE tenant = ? AND series_id = ANY(?)");
        parameters.add(tenant);
        parameters.add(seriesIds);
        appendFilters(sql, parameters, null, timeColumn("observed_at"), from, to);
        return sql.append(" GROUP BY 1, 2").toString();
    }

    /** low.x || whole.x || recent.x || high.x as text; a part an entity lacks is NULL, which array concatenation skips. */
    static String concatenated(List<String> parts, String column) {
        return "(" + String.join(" || ", parts.stream().map(part -> part + "." + column).toList()) + ")::text";
    }

    static String isoTime(long epochSeconds) {
        return Instant.ofEpochSecond(epochSeconds).toString();
    }

    /** The elements of a PostgreSQL array of numbers in its text form: {1,2.5,NULL}. */
    static String[] arrayElements(String array) {
        return array.length() <= 2 ? new String[0] : array.substring(1, array.length() - 1).split(",", -1);
    }

    /** [[value, start, end], …] from bucket starts (epoch seconds) and values as PostgreSQL printed them. */
    static String triples(String[] starts, String[] values, long bucketSeconds, Map<Long, String> times) {
        StringBuilder json = new StringBuilder(starts.length * 56).append('[');
        for (int i = 0; i < starts.length; i++) {
            long start = Long.parseLong(starts[i]);
            String value = values[i];
            // SQL NULL (no numeric value in the bucket), and the non-finite doubles JSON has no numbers for.
            boolean number = !value.equals("NULL") && !value.equals("NaN") && !value.endsWith("Infinity");
            json.append(i == 0 ? "[" : ",[").append(number ? value : "null").append(",\"")
                    .append(times.computeIfAbsent(start, HistoryReader::isoTime)).append("\",\"")
                    .append(times.computeIfAbsent(start + bucketSeconds, HistoryReader::isoTime)).append("\"]");
        }
        return json.append(']').toString();
    }


    static String millis(String timestamp) {
        return "floor(extract(epoch FROM " + timestamp + ") * 1000)::bigint";
    }

    static Instant ceilHour(Instant time) {
        Instant floor = time.truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        return floor.equals(time) ? floor : floor.plusSeconds(3600);
    }

    static void appendFilters(StringBuilder sql, List<Object> parameters, List<String> attributes, String column,
                                      Instant from, Instant to) {
        if (attributes != null && !attributes.isEmpty()) {
            sql.append(" AND attribute = ANY(?)");
            parameters.add(attributes.toArray(String[]::new));
        }
        if (from != null) {
            sql.append(" AND ").append(column).append(" >= ?::timestamptz");
            parameters.add(from.toString());
        }
        if (to != null) {
            sql.append(" AND ").append(column).append(" < ?::timestamptz");
            parameters.add(to.toString());
        }
    }

    /** An instance's time in the named time column (what the ordering and the cut of an answer follow). */
    public static Instant time(HistoryInstance instance, String column) {
        return switch (column) {
            case "observed_at" -> instance.observedAt() != null ? instance.observedAt() : instance.recordedAt();
            case "recorded_at", "deleted_at" -> instance.recordedAt();
            default -> throw new IllegalArgumentException("unknown time column " + column);
        };
    }

    static String timeColumn(String name) {
        return timeColumn(name, "");
    }

    static String timeColumn(String name, String alias) {
        return switch (name) {
            case "observed_at" -> "coalesce(" + alias + "observed_at, " + alias + "recorded_at)";
            // A deletion is recorded when it happens: its recording time is its deletedAt.
            case "recorded_at", "deleted_at" -> alias + "recorded_at";
            default -> throw new IllegalArgumentException("unknown time column " + name);
        };
    }

    /** The condition an instance must meet to have a time in the named column: only deletions have a deletedAt. */
    static String onlyTimed(String name) {
        return "deleted_at".equals(name) ? " AND instance ->> 'deletedAt' IS NOT NULL" : "";
    }

    static Double nullable(ResultSet rows, int column) throws SQLException {
        double value = rows.getDouble(column);
        return rows.wasNull() ? null : value;
    }
}
