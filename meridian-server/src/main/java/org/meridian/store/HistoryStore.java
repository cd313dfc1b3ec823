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

    /** One stored instance. */
    public record Instance(String attribute, Instant recordedAt, Instant observedAt, JsonNode instance) {
    }

    /** One aggregation bucket of one attribute. */
    public record Bucket(String attribute, Instant start, Instant end, Map<String, Double> values) {
    }

    /** Records the instances the changes wrote (deletions leave the history as it was). */
    public void record(Connection connection, String tenant, List<EntityChange> changes) throws SQLException {
        ArrayNode rows = NODES.arrayNode();
        for (EntityChange change : changes) {
            if (change.kind() == EntityChange.Kind.DELETED) {
                continue;
            }
            for (String attribute : change.changedAttributes()) {
                JsonNode instances = change.entity().attributes().get(attribute);
                if (instances == null) {
                    continue;
                }
                for (JsonNode instance : instances) {
                    ObjectNode row = rows.addObject();
                    row.put("entity_id", change.entity().id());
                    row.put("attribute", attribute);
                    row.put("dataset_id", instance.path("datasetId").asText(""));
                    row.put("recorded_at", instance.path("modifiedAt").asText(change.entity().modifiedAt().toString()));
                    if (instance.hasNonNull("observedAt")) {
                        row.put("observed_at", instance.get("observedAt").asText());
                    }
                    JsonNode value = instance.get("value");
                    if (value != null && value.isNumber()) {
                        row.put("value_number", value.asDouble());
                    }
                    row.set("instance", instance);
                }
            }
        }
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
        StringBuilder sql = new StringBuilder("SELECT attribute, recorded_at, observed_at, instance FROM (SELECT h.*, "
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
        List<Instance> instances = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
            EntityQueries.bind(connection, select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Timestamp observed = rows.getTimestamp(3);
                    instances.add(new Instance(rows.getString(1), rows.getTimestamp(2).toInstant(),
                            observed == null ? null : observed.toInstant(), Json.parseTrusted(rows.getString(4))));
                }
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
