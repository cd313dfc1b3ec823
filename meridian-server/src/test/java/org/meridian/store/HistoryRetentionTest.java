package org.meridian.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.broker.store.AttributeSeries;
import org.meridian.broker.store.HistoryPartitions;
import org.meridian.broker.store.HistoryReader;
import org.meridian.broker.store.HistoryStore;
import org.meridian.broker.store.TemporalEntityStore;
import org.meridian.core.ngsild.Entity;
import org.meridian.core.ngsild.EntityChange;
import org.meridian.platform.db.Database;

/** History retention drops whole old months and leaves current data alone, on a real embedded PostgreSQL. */
class HistoryRetentionTest {
    @TempDir
    Path data;

    @Test
    void monthsOlderThanTheRetentionAreDroppedAndRecentOnesKept() throws Exception {
        Instant now = Instant.now();
        Instant halfAYearAgo = now.minus(Duration.ofDays(180));
        try (Database database = Database.open(null, null, null, data, 4, null,
                java.util.List.of(Database.MIGRATIONS, "classpath:db/broker"));
             AttributeSeries series = new AttributeSeries(database::unpooledConnection, 1_000);
             Connection connection = database.connection()) {
            HistoryStore history = new HistoryStore(new TemporalEntityStore(), series);
            new HistoryPartitions().ensurePartitions(connection, halfAYearAgo, 0);
            new HistoryPartitions().ensurePartitions(connection, now, 2);
            history.record(connection, "t", List.of(change("urn:ngsi-ld:Gauge:1", halfAYearAgo, 1.0), change("urn:ngsi-ld:Gauge:1", now, 2.0)));
            // Imported today, observed half a year ago: recorded in the current month, counted in an old hour.
            history.record(connection, "t", List.of(observedEarlier("urn:ngsi-ld:Gauge:2", now, halfAYearAgo, 3.0)));
            // The old hours folded into the closed roll-up, then a late reading for one of them in the open one again:
            // retention must clear the hour from both.
            assertThat(HistoryStore.foldClosedHours(connection, now.truncatedTo(java.time.temporal.ChronoUnit.HOURS), 5_000))
                    .isEqualTo(2);
            history.record(connection, "t", List.of(change("urn:ngsi-ld:Gauge:1", halfAYearAgo.plusSeconds(1), 5.0)));
            assertThat(rolledUp(connection, "urn:ngsi-ld:Gauge:1")).containsExactly(6.0, 2.0);
            assertThat(count(connection)).isEqualTo(4);

            List<String> dropped = new HistoryPartitions().dropPartitionsBefore(connection, now.minus(Duration.ofDays(90)));

            assertThat(dropped).isNotEmpty().allMatch(name -> name.startsWith("attribute_history_"));
            assertThat(count(connection)).isEqualTo(2);
            assertThat(rolledUp(connection, "urn:ngsi-ld:Gauge:1")).as("the dropped month's hour is gone").containsExactly(2.0);
            assertThat(rolledUp(connection, "urn:ngsi-ld:Gauge:2")).as("imported history keeps its roll-up").containsExactly(3.0);
            assertThat(new HistoryReader().instances(connection, "t", "urn:ngsi-ld:Gauge:1", null, null, "recorded_at", null, null, 0, 10))
                    .extracting(instance -> instance.instance().path("value").asDouble()).containsExactly(2.0);
        }
    }

    private static EntityChange change(String id, Instant at, double value) {
        ObjectNode instance = JsonNodeFactory.instance.objectNode().put("type", "Property").put("value", value)
                .put("createdAt", at.toString()).put("modifiedAt", at.toString());
        ObjectNode attributes = JsonNodeFactory.instance.objectNode();
        attributes.putArray("https://example.org/level").add(instance);
        return new EntityChange(EntityChange.Kind.UPDATED, new Entity(id, List.of("https://example.org/Gauge"), List.of(),
                attributes, at, at), Set.of("https://example.org/level"));
    }

    private static EntityChange observedEarlier(String id, Instant recorded, Instant observed, double value) {
        EntityChange change = change(id, recorded, value);
        ((ObjectNode) change.entity().attributes().get("https://example.org/level").get(0)).put("observedAt", observed.toString());
        return change;
    }

    private static List<Double> rolledUp(Connection connection, String entityId) throws Exception {
        List<Double> sums = new java.util.ArrayList<>();
        // Both tables of the roll-up: the hours written since the last fold are in the open one.
        try (var select = connection.prepareStatement("SELECT sum(a.sum) FROM (SELECT series_id, hour, sum FROM attribute_hourly "
                + "UNION ALL SELECT series_id, hour, sum FROM attribute_hourly_open) a JOIN attribute_series s ON s.id = a.series_id "
                + "WHERE s.entity_id = ? GROUP BY hour ORDER BY hour")) {
            select.setString(1, entityId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    sums.add(rows.getDouble(1));
                }
            }
        }
        return sums;
    }

    private static long count(Connection connection) throws Exception {
        try (ResultSet rows = connection.createStatement().executeQuery("SELECT count(*) FROM attribute_history")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
