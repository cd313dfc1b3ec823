package org.meridian.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.meridian.core.json.Json;
import org.meridian.core.ngsild.EntityChange;

/** Attribute history: written with every entity change, read by the temporal API. */
public final class HistoryStore {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy_MM");

    /** One stored instance; {@code instanceId} is its key for the temporal instance operations. */
    public record Instance(String attribute, long instanceId, Instant recordedAt, Instant observedAt, JsonNode instance) {
    }

    /** One aggregation bucket of one attribute. */
    public record Bucket(String attribute, Instant start, Instant end, Map<String, Double> values) {
    }

    private final TemporalEntityStore temporalEntities;

    public HistoryStore(TemporalEntityStore temporalEntities) {
        this.temporalEntities = temporalEntities;
    }

    /** Records the instances the changes wrote; a deleted entity keeps its history and is remembered for it. */
    public void record(Connection connection, String tenant, List<EntityChange> changes) throws SQLException {
        ArrayNode rows = NODES.arrayNode();
        List<org.meridian.core.ngsild.Entity> deleted = new ArrayList<>();
        for (EntityChange change : changes) {
            if (change.kind() == EntityChange.Kind.DELETED) {
                deleted.add(change.entity());
                continue;
            }
            for (String attribute : change.changedAttributes()) {
                JsonNode instances = change.entity().attributes().get(attribute);
                if (instances == null) {
                    continue;
                }
                for (JsonNode instance : instances) {
                    addRow(rows, change.entity().id(), attribute, instance, change.entity().modifiedAt().toString());
                }
            }
        }
        temporalEntities.rememberDeleted(connection, tenant, deleted);
        insert(connection, tenant, rows);
    }

    /** Appends instances given through the temporal API (attribute IRI to an array of instances). */
    public int append(Connection connection, String tenant, String entityId, ObjectNode attributes) throws SQLException {
        ArrayNode rows = NODES.arrayNode();
        for (var attribute : attributes.properties()) {
            for (JsonNode instance : attribute.getValue()) {
                addRow(rows, entityId, attribute.getKey(), instance, instance.path("modifiedAt").asText());
            }
        }
        insert(connection, tenant, rows);
        return rows.size();
    }

    private static void addRow(ArrayNode rows, String entityId, String attribute, JsonNode instance, String fallbackTime) {
        ObjectNode row = rows.addObject();
        row.put("entity_id", entityId);
        row.put("attribute", attribute);
        row.put("dataset_id", instance.path("datasetId").asText(""));
        row.put("recorded_at", instance.path("modifiedAt").asText(fallbackTime));
        if (instance.hasNonNull("observedAt")) {
            row.put("observed_at", instance.get("observedAt").asText());
        }
        JsonNode value = instance.get("value");
        if (value != null && value.isNumber()) {
            row.put("value_number", value.asDouble());
        }
        row.set("instance", instance);
    }

    private static void insert(Connection connection, String tenant, ArrayNode rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO attribute_history (tenant, entity_id, attribute, dataset_id, recorded_at, observed_at, value_number, instance) "
                        + "SELECT ?, r.entity_id, r.attribute, r.dataset_id, r.recorded_at, r.observed_at, r.value_number, r.instance "
                        + "FROM jsonb_to_recordset(?::jsonb) AS r(entity_id text, attribute text, dataset_id text, "
                        + "recorded_at timestamptz, observed_at timestamptz, value_number double precision, instance jsonb)")) {
            insert.setString(1, tenant);
            insert.setString(2, Json.write(rows));
            insert.executeUpdate();
        }
    }

    /** One instance by its id, if it belongs to that entity and attribute. */
    public java.util.Optional<Instance> instance(Connection connection, String tenant, String entityId, String attribute,
                                                 long instanceId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT attribute, instance_id, recorded_at, observed_at, instance FROM attribute_history "
                        + "WHERE tenant = ? AND entity_id = ? AND instance_id = ? AND attribute = ?")) {
            select.setString(1, tenant);
            select.setString(2, entityId);
            select.setLong(3, instanceId);
            select.setString(4, attribute);
            List<Instance> found = readInstances(select);
            return found.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(found.getFirst());
        }
    }

    /** Rewrites one instance in place; its recording time (and so its partition) stays. */
    public void replaceInstance(Connection connection, String tenant, String entityId, long instanceId, JsonNode instance)
            throws SQLException {
        JsonNode value = instance.get("value");
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE attribute_history SET instance = ?::jsonb, observed_at = ?::timestamptz, value_number = ?, "
                        + "dataset_id = ? WHERE tenant = ? AND entity_id = ? AND instance_id = ?")) {
            update.setString(1, Json.write(instance));
            update.setString(2, instance.hasNonNull("observedAt") ? instance.get("observedAt").asText() : null);
            if (value != null && value.isNumber()) {
                update.setDouble(3, value.asDouble());
            } else {
                update.setNull(3, java.sql.Types.DOUBLE);
            }
            update.setString(4, instance.path("datasetId").asText(""));
            update.setString(5, tenant);
            update.setString(6, entityId);
            update.setLong(7, instanceId);
            update.executeUpdate();
        }
    }

    public boolean deleteInstance(Connection connection, String tenant, String entityId, String attribute, long instanceId)
            throws SQLException {
        return delete(connection, "DELETE FROM attribute_history WHERE tenant = ? AND entity_id = ? AND instance_id = ? AND attribute = ?",
                tenant, entityId, instanceId, attribute) > 0;
    }

    /** Deletes an attribute's history: the default instances, those of one datasetId, or all of them. */
    public int deleteAttribute(Connection connection, String tenant, String entityId, String attribute, String datasetId,
                               boolean all) throws SQLException {
        if (all) {
            return delete(connection, "DELETE FROM attribute_history WHERE tenant = ? AND entity_id = ? AND attribute = ?",
                    tenant, entityId, attribute);
        }
        return delete(connection, "DELETE FROM attribute_history WHERE tenant = ? AND entity_id = ? AND attribute = ? AND dataset_id = ?",
                tenant, entityId, attribute, datasetId == null ? "" : datasetId);
    }

    public int deleteEntity(Connection connection, String tenant, String entityId) throws SQLException {
        return delete(connection, "DELETE FROM attribute_history WHERE tenant = ? AND entity_id = ?", tenant, entityId);
    }

    private static int delete(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                delete.setObject(i + 1, parameters[i]);
            }
            return delete.executeUpdate();
        }
    }

    /**
     * Instances of one entity, oldest first within the time range, or the last {@code lastN} per attribute.
     *
     * @param timeColumn recorded_at or observed_at
     */
    public List<Instance> instances(Connection connection, String tenant, String entityId, List<String> attributes,
                                    String timeColumn, Instant from, Instant to, int lastN, int limit) throws SQLException {
        String column = timeColumn(timeColumn);
        // Ranking the newest instances costs a sort of the whole range: only when lastN asks for it.
        String newest = lastN > 0 ? "row_number() OVER (PARTITION BY attribute ORDER BY " + column + " DESC)" : "0";
        StringBuilder sql = new StringBuilder("SELECT attribute, instance_id, recorded_at, observed_at, instance FROM (SELECT h.*, "
                + newest + " AS newest FROM attribute_history h WHERE tenant = ? AND entity_id = ?");
        List<Object> parameters = new ArrayList<>(List.of(tenant, entityId));
        appendFilters(sql, parameters, attributes, column, from, to);
        sql.append(") ranked");
        if (lastN > 0) {
            sql.append(" WHERE newest <= ?");
            parameters.add(lastN);
        }
        sql.append(" ORDER BY attribute, ").append(column).append(", instance_id LIMIT ?");
        parameters.add(limit);
        try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
            EntityQueries.bind(connection, select, parameters);
            return readInstances(select);
        }
    }

    private static List<Instance> readInstances(PreparedStatement select) throws SQLException {
        List<Instance> instances = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                Timestamp observed = rows.getTimestamp(4);
                instances.add(new Instance(rows.getString(1), rows.getLong(2), rows.getTimestamp(3).toInstant(),
                        observed == null ? null : observed.toInstant(), Json.parseTrusted(rows.getString(5))));
            }
        }
        return instances;
    }

    /** Aggregates numeric values per attribute in buckets of {@code bucketSeconds} (or one bucket for the range). */
    public List<Bucket> aggregate(Connection connection, String tenant, String entityId, List<String> attributes,
                                  String timeColumn, Instant from, Instant to, long bucketSeconds) throws SQLException {
        String column = timeColumn(timeColumn);
        String bucket = bucketSeconds > 0
                ? "date_bin(make_interval(secs => ?), " + column + ", timestamptz '1970-01-01 00:00:00+00')"
                : "min(" + column + ") OVER (PARTITION BY attribute)";
        StringBuilder sql = new StringBuilder("SELECT attribute, bucket, count(*), count(DISTINCT instance -> 'value'), "
                + "sum(value_number), avg(value_number), min(value_number), max(value_number), stddev_pop(value_number), "
                + "sum(value_number * value_number), max(" + column + ") FROM (SELECT h.*, " + bucket
                + " AS bucket FROM attribute_history h WHERE tenant = ? AND entity_id = ?");
        List<Object> parameters = new ArrayList<>();
        if (bucketSeconds > 0) {
            parameters.add((double) bucketSeconds);
        }
        parameters.add(tenant);
        parameters.add(entityId);
        appendFilters(sql, parameters, attributes, column, from, to);
        sql.append(") b GROUP BY attribute, bucket ORDER BY attribute, bucket");
        List<Bucket> buckets = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
            EntityQueries.bind(connection, select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Instant start = rows.getTimestamp(2).toInstant();
                    Instant end = bucketSeconds > 0 ? start.plusSeconds(bucketSeconds) : rows.getTimestamp(11).toInstant();
                    Map<String, Double> values = new java.util.LinkedHashMap<>();
                    values.put("totalCount", (double) rows.getLong(3));
                    values.put("distinctCount", (double) rows.getLong(4));
                    values.put("sum", nullable(rows, 5));
                    values.put("avg", nullable(rows, 6));
                    values.put("min", nullable(rows, 7));
                    values.put("max", nullable(rows, 8));
                    values.put("stddev", nullable(rows, 9));
                    values.put("sumsq", nullable(rows, 10));
                    buckets.add(new Bucket(rows.getString(1), start, end, values));
                }
            }
        }
        return buckets;
    }

    /** Creates the monthly partitions around now, so rows land in a partition that can later be dropped whole. */
    public void ensurePartitions(Connection connection, Instant now, int monthsAhead) throws SQLException {
        LocalDate month = LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1).minusMonths(1);
        try (Statement statement = connection.createStatement()) {
            for (int i = 0; i <= monthsAhead + 1; i++) {
                LocalDate start = month.plusMonths(i);
                String name = "attribute_history_" + start.format(MONTH);
                // Names and bounds come from dates, never from input.
                statement.execute("CREATE TABLE IF NOT EXISTS " + name + " PARTITION OF attribute_history FOR VALUES FROM ('"
                        + start + "T00:00:00Z') TO ('" + start.plusMonths(1) + "T00:00:00Z')");
            }
        }
    }

    /** Drops monthly partitions that end before the cut-off; returns their names. */
    public List<String> dropPartitionsBefore(Connection connection, Instant cutoff) throws SQLException {
        List<String> dropped = new ArrayList<>();
        LocalDate cutoffMonth = LocalDate.ofInstant(cutoff, ZoneOffset.UTC).withDayOfMonth(1);
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
                        + "WHERE p.relname = 'attribute_history' AND c.relname ~ '^attribute_history_[0-9]{4}_[0-9]{2}$'");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                String name = rows.getString(1);
                LocalDate month = LocalDate.parse(name.substring("attribute_history_".length()).replace('_', '-') + "-01");
                if (month.plusMonths(1).isBefore(cutoffMonth) || month.plusMonths(1).isEqual(cutoffMonth)) {
                    dropped.add(name);
                }
            }
        }
        try (Statement statement = connection.createStatement()) {
            for (String name : dropped) {
                statement.execute("DROP TABLE " + name);
            }
        }
        return dropped;
    }

    private static void appendFilters(StringBuilder sql, List<Object> parameters, List<String> attributes, String column,
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

    private static String timeColumn(String name) {
        return switch (name) {
            case "observed_at" -> "coalesce(observed_at, recorded_at)";
            case "recorded_at" -> "recorded_at";
            default -> throw new IllegalArgumentException("unknown time column " + name);
        };
    }

    private static Double nullable(ResultSet rows, int column) throws SQLException {
        double value = rows.getDouble(column);
        return rows.wasNull() ? null : value;
    }
}
