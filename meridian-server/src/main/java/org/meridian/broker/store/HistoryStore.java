package org.meridian.broker.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.meridian.core.json.Json;
import org.meridian.core.ngsild.AttributeType;
import org.meridian.core.ngsild.DateTimes;
import org.meridian.core.ngsild.EntityChange;
import org.meridian.core.temporal.HistoryInstance;

/**
 * Writes the attribute history: the instances of every entity change and of the temporal API, the hourly roll-up kept
 * in step, instance edits and deletions. Reading is {@link HistoryReader}'s, partitions are {@link HistoryPartitions}'.
 */
public final class HistoryStore {

    private final TemporalEntityStore temporalEntities;
    private final AttributeSeries attributeSeries;
    private final HistoryReader reader = new HistoryReader();

    public HistoryStore(TemporalEntityStore temporalEntities, AttributeSeries attributeSeries) {
        this.temporalEntities = temporalEntities;
        this.attributeSeries = attributeSeries;
    }

    /** Records the instances the changes wrote; a deleted entity keeps its history and is remembered for it. */
    public void record(Connection connection, String tenant, List<EntityChange> changes) throws SQLException {
        Rows rows = new Rows();
        List<org.meridian.core.ngsild.Entity> deleted = new ArrayList<>();
        for (EntityChange change : changes) {
            if (change.kind() == EntityChange.Kind.DELETED) {
                deleted.add(change.entity());
                continue;
            }
            String time = org.meridian.core.ngsild.DateTimes.formatUtc(change.entity().modifiedAt());
            for (String attribute : change.changedAttributes()) {
                JsonNode instances = change.entity().attributes().get(attribute);
                if (instances != null) {
                    for (JsonNode instance : instances) {
                        rows.add(change.entity().id(), attribute, instance, time);
                    }
                }
                recordDeletions(rows, change.entity().id(), attribute, change.previous().get(attribute), instances, time);
            }
        }
        temporalEntities.rememberDeleted(connection, tenant, deleted);
        insert(connection, tenant, rows);
    }

    /**
     * Each instance that was there before and is gone now (the attribute, or one of its datasetIds, deleted) gets an
     * instance of its own in the history: the NGSI-LD null with {@code deletedAt}, what {@code timeproperty=deletedAt}
     * finds.
     */
    private static void recordDeletions(Rows rows, String entityId, String attribute, JsonNode before, JsonNode after,
                                        String time) {
        if (before == null) {
            return;
        }
        // As precise as the recording time PostgreSQL keeps, so deletedAt and the time the history shows agree.
        String at = Instant.parse(time).truncatedTo(java.time.temporal.ChronoUnit.MICROS).toString();
        Set<String> remaining = new HashSet<>();
        if (after != null) {
            after.forEach(instance -> remaining.add(instance.path("datasetId").asText("")));
        }
        for (JsonNode instance : before) {
            if (remaining.contains(instance.path("datasetId").asText(""))) {
                continue;
            }
            AttributeType type = AttributeType.ofStored(instance.path("type").asText());
            ObjectNode deletion = JsonNodeFactory.instance.objectNode();
            deletion.put("type", type.typeName());
            deletion.set(type.valueMember(), type.nullValue());
            if (instance.has("datasetId")) {
                deletion.set("datasetId", instance.get("datasetId"));
            }
            deletion.put("modifiedAt", at);
            deletion.put("deletedAt", at);
            rows.add(entityId, attribute, deletion, at);
        }
    }

    /** Appends instances given through the temporal API (attribute IRI to an array of instances). */
    public int append(Connection connection, String tenant, String entityId, ObjectNode attributes) throws SQLException {
        // An observation is one point of the history: sent again (same attribute, datasetId and observedAt), it
        // replaces the one stored, so re-running an import never doubles the history. The last of a request wins.
        Map<String, Map.Entry<String, JsonNode>> observations = new LinkedHashMap<>();
        int unobserved = 0;
        for (var attribute : attributes.properties()) {
            for (JsonNode instance : attribute.getValue()) {
                String key = instance.hasNonNull("observedAt")
                        ? attribute.getKey() + '\u0000' + instance.path("datasetId").asText("") + '\u0000' + observed(instance)
                        : "\u0001" + unobserved++;
                observations.remove(key);
                observations.put(key, Map.entry(attribute.getKey(), instance));
            }
        }
        Rows rows = new Rows();
        observations.values().forEach(observation -> rows.add(entityId, observation.getKey(), observation.getValue(),
                observation.getValue().path("modifiedAt").asText()));
        replaceObserved(connection, tenant, rows);
        insert(connection, tenant, rows);
        return rows.size();
    }

    /** Deletes the stored instances the rows observe again (same series, datasetId, observedAt) and recounts their hours. */
    private void replaceObserved(Connection connection, String tenant, Rows rows) throws SQLException {
        if (rows.observedAt.stream().allMatch(java.util.Objects::isNull)) {
            return;
        }
        long[] seriesIds = attributeSeries.ids(connection, tenant, rows.entityIds, rows.attributes);
        // Recounted in series and hour order, as inserts take the roll-up's locks: concurrent imports never deadlock.
        Map<Long, java.util.SortedSet<Instant>> hours = new java.util.TreeMap<>();
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM attribute_history h USING unnest(?::bigint[], ?::text[], ?::timestamptz[]) AS r(series_id, dataset_id, observed_at) "
                        + "WHERE h.tenant = ? AND h.series_id = r.series_id AND h.dataset_id = r.dataset_id "
                        // The coalesce is the observation index's expression, which finds the rows.
                        + "AND coalesce(h.observed_at, h.recorded_at) = r.observed_at AND h.observed_at = r.observed_at "
                        + "RETURNING h.series_id, date_trunc('hour', h.observed_at, 'UTC')")) {
            delete.setArray(1, EntityQueries.bigints(connection, seriesIds));
            delete.setArray(2, connection.createArrayOf("text", rows.datasetIds.toArray()));
            delete.setArray(3, connection.createArrayOf("text", rows.observedAt.toArray()));
            delete.setString(4, tenant);
            try (ResultSet deleted = delete.executeQuery()) {
                while (deleted.next()) {
                    hours.computeIfAbsent(deleted.getLong(1), id -> new java.util.TreeSet<>()).add(deleted.getTimestamp(2).toInstant());
                }
            }
        }
        for (var series : hours.entrySet()) {
            recompute(connection, tenant, series.getKey(), List.copyOf(series.getValue()));
        }
    }

    /** An observation's time as an instant: the same time written two ways is one observation. */
    private static String observed(JsonNode instance) {
        Instant time = DateTimes.instantOrNull(instance.get("observedAt").asText());
        return time == null ? instance.get("observedAt").asText() : time.toString();
    }

    /** Instances to insert, column by column: sent as one array per column, which PostgreSQL reads without a JSON parse. */
    static final class Rows {
        final List<String> entityIds = new ArrayList<>();
        final List<String> attributes = new ArrayList<>();
        final List<String> datasetIds = new ArrayList<>();
        final List<String> recordedAt = new ArrayList<>();
        final List<String> observedAt = new ArrayList<>();
        final List<Double> numbers = new ArrayList<>();
        final List<String> instances = new ArrayList<>();

        void add(String entityId, String attribute, JsonNode instance, String fallbackTime) {
            entityIds.add(entityId);
            attributes.add(attribute);
            datasetIds.add(instance.path("datasetId").asText(""));
            recordedAt.add(instance.path("modifiedAt").asText(fallbackTime));
            observedAt.add(instance.hasNonNull("observedAt") ? instance.get("observedAt").asText() : null);
            JsonNode value = instance.get("value");
            numbers.add(aggregable(value));
            instances.add(Json.write(instance));
        }

        boolean isEmpty() {
            return entityIds.isEmpty();
        }

        int size() {
            return entityIds.size();
        }
    }

    /** The hour an instance counts in for the roll-up: its observation time, else its recording time, in UTC. */
    static final String HOUR = "date_trunc('hour', coalesce(observed_at, recorded_at), 'UTC')";
    static final String ROLLUP_COLUMNS = "count(*) AS total, count(value_number) AS numeric, sum(value_number) AS sum, "
            + "sum(value_number * value_number) AS sumsq, min(value_number) AS min, max(value_number) AS max";

    static final String HOURLY_COLUMNS = "tenant, series_id, hour, total, numeric, sum, sumsq, min, max";

    /**
     * The roll-up's figures of two rows of one series and hour added, as {@code figure = expression} pairs over the
     * rows' aliases: the one rule for every place that adds (the writers' and the fold's upserts, the readers' join).
     * Either row may be missing (a join's NULLs): counts count it as 0, sums and bounds skip it.
     */
    static Map<String, String> addedFigures(String a, String b) {
        Map<String, String> added = new LinkedHashMap<>();
        for (String count : List.of("total", "numeric")) {
            added.put(count, "coalesce(" + a + "." + count + ", 0) + coalesce(" + b + "." + count + ", 0)");
        }
        for (String sum : List.of("sum", "sumsq")) {
            added.put(sum, "coalesce(" + a + "." + sum + " + " + b + "." + sum + ", " + a + "." + sum + ", " + b + "." + sum + ")");
        }
        added.put("min", "least(" + a + ".min, " + b + ".min)");
        added.put("max", "greatest(" + a + ".max, " + b + ".max)");
        return added;
    }

    /** Adds an hour's figures to a roll-up row already there (aliased {@code a}). */
    private static final String ADDED = "ON CONFLICT (tenant, series_id, hour) DO UPDATE SET " + String.join(", ",
            addedFigures("a", "excluded").entrySet().stream().map(f -> f.getKey() + " = " + f.getValue()).toList());

    /**
     * Inserts the rows and adds them to the hourly roll-up, in one statement. They are added to the open hours' table,
     * whose updates stay in their page; {@link #foldClosedHours} moves the hours that closed into the covering one.
     */
    private void insert(Connection connection, String tenant, Rows rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        long[] seriesIds = attributeSeries.ids(connection, tenant, rows.entityIds, rows.attributes);
        try (PreparedStatement insert = connection.prepareStatement(
                "WITH r AS (SELECT ?::text AS tenant, * FROM unnest(?::bigint[], ?::text[], ?::timestamptz[], "
                        + "?::timestamptz[], ?::float8[], ?::jsonb[]) AS r(series_id, dataset_id, recorded_at, "
                        + "observed_at, value_number, instance)), "
                        + "h AS (INSERT INTO attribute_history (tenant, series_id, dataset_id, recorded_at, observed_at, value_number, instance) "
                        + "SELECT tenant, series_id, dataset_id, recorded_at, observed_at, value_number, instance FROM r) "
                        // Sorted, so concurrent writers take the roll-up rows' locks in one order.
                        + "INSERT INTO attribute_hourly_open AS a (" + HOURLY_COLUMNS + ") SELECT tenant, series_id, " + HOUR + ", "
                        + ROLLUP_COLUMNS + " FROM r GROUP BY 1, 2, 3 ORDER BY 2, 3 " + ADDED)) {
            insert.setString(1, tenant);
            insert.setArray(2, EntityQueries.bigints(connection, seriesIds));
            insert.setArray(3, connection.createArrayOf("text", rows.datasetIds.toArray()));
            insert.setArray(4, connection.createArrayOf("text", rows.recordedAt.toArray()));
            insert.setArray(5, connection.createArrayOf("text", rows.observedAt.toArray()));
            insert.setArray(6, connection.createArrayOf("float8", rows.numbers.toArray()));
            insert.setArray(7, connection.createArrayOf("text", rows.instances.toArray()));
            insert.executeUpdate();
        }
    }

    /**
     * Moves up to {@code limit} rows of the open hours' table whose hour began before {@code before} into the covering
     * roll-up, adding them to what it holds; returns how many moved. Rows a writer or an instance edit holds are skipped
     * (taken on a later run), and two nodes folding at once take different rows. A writer adding to a row being folded
     * waits for the fold's commit, then writes a new open row.
     */
    public static int foldClosedHours(Connection connection, Instant before, int limit) throws SQLException {
        try (PreparedStatement fold = connection.prepareStatement(
                "WITH moved AS (DELETE FROM attribute_hourly_open WHERE (tenant, series_id, hour) IN ("
                        + "SELECT tenant, series_id, hour FROM attribute_hourly_open WHERE hour < ? LIMIT ? FOR UPDATE SKIP LOCKED) "
                        + "RETURNING " + HOURLY_COLUMNS + ") "
                        + "INSERT INTO attribute_hourly AS a (" + HOURLY_COLUMNS + ") SELECT " + HOURLY_COLUMNS
                        + " FROM moved ORDER BY tenant, series_id, hour " + ADDED)) {
            fold.setTimestamp(1, Timestamp.from(before));
            fold.setInt(2, limit);
            return fold.executeUpdate();
        }
    }

    /** The id of an entity's attribute series, if it ever had history. */
    static java.util.Optional<Long> seriesId(Connection connection, String tenant, String entityId, String attribute)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id FROM attribute_series WHERE tenant = ? AND entity_id = ? AND attribute = ?")) {
            select.setString(1, tenant);
            select.setString(2, entityId);
            select.setString(3, attribute);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? java.util.Optional.of(rows.getLong(1)) : java.util.Optional.empty();
            }
        }
    }

    /**
     * Recomputes the roll-up of one attribute from the instances, for the hours given (or all hours when null): after
     * instances were modified or deleted, since a minimum or maximum cannot be subtracted. The recount goes to the open
     * hours' table, where writers add, and is folded like theirs. The open rows are replaced before the closed ones are
     * deleted: the fold skips the open rows this holds, so it never waits for this while holding what this needs next.
     */
    static void recompute(Connection connection, String tenant, long seriesId, List<Instant> hours)
            throws SQLException {
        String hourFilter = hours == null ? "" : " AND hour = ANY(?)";
        try (PreparedStatement deleteOpen = connection.prepareStatement(
                "DELETE FROM attribute_hourly_open WHERE tenant = ? AND series_id = ?" + hourFilter);
             PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM attribute_hourly WHERE tenant = ? AND series_id = ?" + hourFilter);
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO attribute_hourly_open (" + HOURLY_COLUMNS + ") SELECT tenant, series_id, " + HOUR + ", " + ROLLUP_COLUMNS
                             + " FROM attribute_history WHERE tenant = ? AND series_id = ?"
                             + (hours == null ? "" : " AND " + HOUR + " = ANY(?)") + " GROUP BY 1, 2, 3 "
                             // A concurrent write may have added the hour since the delete: the recount includes it.
                             + "ON CONFLICT (tenant, series_id, hour) DO UPDATE SET total = excluded.total, "
                             + "numeric = excluded.numeric, sum = excluded.sum, sumsq = excluded.sumsq, min = excluded.min, "
                             + "max = excluded.max")) {
            for (PreparedStatement statement : List.of(deleteOpen, insert, delete)) {
                statement.setString(1, tenant);
                statement.setLong(2, seriesId);
                if (hours != null) {
                    statement.setArray(3, connection.createArrayOf("timestamptz",
                            hours.stream().map(Timestamp::from).toArray()));
                }
                statement.executeUpdate();
            }
        }
    }

    static Instant hourOf(HistoryInstance instance) {
        Instant time = instance.observedAt() != null ? instance.observedAt() : instance.recordedAt();
        return time.truncatedTo(java.time.temporal.ChronoUnit.HOURS);
    }

    /** Largest magnitude a value may have to count in aggregations: its square must stay a finite double. */
    static final double MAX_AGGREGATED = 1e150;

    /**
     * A value as the number aggregations use, or null. Larger magnitudes are kept in the instance but not aggregated:
     * the roll-up sums squares, and PostgreSQL refuses a float overflow with an error, which failed the whole write
     * (a device sending 1e200 failed its writer's whole batch).
     */
    static Double aggregable(JsonNode value) {
        if (value == null || !value.isNumber()) {
            return null;
        }
        double number = value.asDouble();
        return Math.abs(number) <= MAX_AGGREGATED ? number : null;
    }

    /** Rewrites one instance in place; its recording time (and so its partition) stays. */
    public void replaceInstance(Connection connection, String tenant, String entityId, HistoryInstance stored, JsonNode instance)
            throws SQLException {
        JsonNode value = instance.get("value");
        Instant observedAt = instance.hasNonNull("observedAt") ? Instant.parse(instance.get("observedAt").asText()) : null;
        long seriesId = seriesId(connection, tenant, entityId, stored.attribute()).orElseThrow();
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE attribute_history SET instance = ?::jsonb, observed_at = ?, value_number = ?, "
                        + "dataset_id = ? WHERE tenant = ? AND series_id = ? AND instance_id = ?")) {
            update.setString(1, Json.write(instance));
            update.setTimestamp(2, observedAt == null ? null : Timestamp.from(observedAt));
            Double number = aggregable(value);
            if (number != null) {
                update.setDouble(3, number);
            } else {
                update.setNull(3, java.sql.Types.DOUBLE);
            }
            update.setString(4, instance.path("datasetId").asText(""));
            update.setString(5, tenant);
            update.setLong(6, seriesId);
            update.setLong(7, stored.instanceId());
            update.executeUpdate();
        }
        HistoryInstance after = new HistoryInstance(stored.attribute(), stored.instanceId(), stored.recordedAt(), observedAt, instance);
        recompute(connection, tenant, seriesId, List.of(hourOf(stored), hourOf(after)));
    }

    public boolean deleteInstance(Connection connection, String tenant, String entityId, String attribute, long instanceId)
            throws SQLException {
        java.util.Optional<HistoryInstance> stored = reader.instance(connection, tenant, entityId, attribute, instanceId);
        if (stored.isEmpty()) {
            return false;
        }
        long seriesId = seriesId(connection, tenant, entityId, attribute).orElseThrow();
        delete(connection, "DELETE FROM attribute_history WHERE tenant = ? AND series_id = ? AND instance_id = ?",
                tenant, seriesId, instanceId);
        recompute(connection, tenant, seriesId, List.of(hourOf(stored.get())));
        return true;
    }

    /** Deletes an attribute's history: the default instances, those of one datasetId, or all of them. */
    public int deleteAttribute(Connection connection, String tenant, String entityId, String attribute, String datasetId,
                               boolean all) throws SQLException {
        java.util.Optional<Long> seriesId = seriesId(connection, tenant, entityId, attribute);
        if (seriesId.isEmpty()) {
            return 0;
        }
        int deleted = all
                ? delete(connection, "DELETE FROM attribute_history WHERE tenant = ? AND series_id = ?", tenant, seriesId.get())
                : delete(connection, "DELETE FROM attribute_history WHERE tenant = ? AND series_id = ? AND dataset_id = ?",
                        tenant, seriesId.get(), datasetId == null ? "" : datasetId);
        if (deleted > 0) {
            recompute(connection, tenant, seriesId.get(), null);
        }
        return deleted;
    }

    /** Deletes an entity's history; its series stay (see {@link AttributeSeries}). */
    public int deleteEntity(Connection connection, String tenant, String entityId) throws SQLException {
        String itsSeries = " WHERE tenant = ? AND series_id IN (SELECT id FROM attribute_series WHERE tenant = ? AND entity_id = ?)";
        delete(connection, "DELETE FROM attribute_hourly_open" + itsSeries, tenant, tenant, entityId);
        delete(connection, "DELETE FROM attribute_hourly" + itsSeries, tenant, tenant, entityId);
        return delete(connection, "DELETE FROM attribute_history" + itsSeries, tenant, tenant, entityId);
    }

    static int delete(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                delete.setObject(i + 1, parameters[i]);
            }
            return delete.executeUpdate();
        }
    }

}
