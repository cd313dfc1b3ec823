package org.meridian.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
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

/**
 * The hourly roll-up is written to the open hours' table and folded into the covering one when the hour has closed:
 * aggregation answers the same before and after a fold, with readings that arrive late for a folded hour, and after an
 * instance is deleted (a recount), on a real embedded PostgreSQL.
 */
class RollupFoldTest {
    private static final String LEVEL = "https://example.org/level";
    private static final String GAUGE = "urn:ngsi-ld:Gauge:1";
    private static final String OTHER = "urn:ngsi-ld:Gauge:2";
    private static final List<String> METHODS = List.of("totalCount", "sum", "min", "max", "avg");

    @TempDir
    Path data;

    @Test
    void aggregationAddsTheOpenAndTheFoldedHoursAndAFoldMovesOnlyClosedOnes() throws Exception {
        Instant thisHour = Instant.now().truncatedTo(ChronoUnit.HOURS);
        Instant earlier = thisHour.minus(Duration.ofHours(2));
        try (Database database = Database.open(null, null, null, data, 4, null,
                List.of(Database.MIGRATIONS, "classpath:db/broker"));
             AttributeSeries series = new AttributeSeries(database::unpooledConnection, 1_000);
             Connection connection = database.connection()) {
            HistoryStore history = new HistoryStore(new TemporalEntityStore(), series);
            new HistoryPartitions().ensurePartitions(connection, earlier, 1);
            history.record(connection, "t", List.of(change(earlier.plusSeconds(60), 2.0), change(earlier.plusSeconds(120), 4.0),
                    change(thisHour.plusSeconds(1), 10.0)));
            Map<String, String> before = hourly(connection, earlier, thisHour.plus(Duration.ofHours(1)));
            assertThat(before.get("totalCount")).as("both hours, from the open table alone")
                    .startsWith("[[2,\"" + earlier + "\"").contains("[1,\"" + thisHour + "\"");
            assertThat(rows(connection, "attribute_hourly_open")).isEqualTo(2);

            assertThat(HistoryStore.foldClosedHours(connection, thisHour, 5_000)).as("the closed hour only").isEqualTo(1);
            assertThat(rows(connection, "attribute_hourly_open")).isEqualTo(1);
            assertThat(rows(connection, "attribute_hourly")).isEqualTo(1);
            assertThat(hourly(connection, earlier, thisHour.plus(Duration.ofHours(1)))).isEqualTo(before);

            // A reading observed in the folded hour arrives late: it is added, in the open table, to the folded figures.
            history.record(connection, "t", List.of(observedEarlier(thisHour.plusSeconds(2), earlier.plusSeconds(180), -1.0)));
            Map<String, String> late = hourly(connection, earlier, thisHour);
            assertThat(late.get("totalCount")).isEqualTo(bucket("3", earlier, 3_600));
            assertThat(late.get("sum")).isEqualTo(bucket("5", earlier, 3_600));
            assertThat(late.get("min")).isEqualTo(bucket("-1", earlier, 3_600));
            assertThat(late.get("max")).isEqualTo(bucket("4", earlier, 3_600));
            // With no end to the range, the open current hour comes after the folded one.
            assertThat(aggregate(connection, earlier, null, 3_600).get("totalCount"))
                    .isEqualTo(bucket("3", earlier, 3_600).replace("]]", "],") + bucket("1", thisHour, 3_600).substring(1));
            // A series with nothing folded yet, on the same page as one with folded hours.
            history.record(connection, "t", List.of(change(OTHER, thisHour.plusSeconds(3), 7.0)));
            Map<String, Map<String, Map<String, String>>> page = new HistoryReader().aggregateAsJson(connection, "t",
                    List.of(GAUGE, OTHER), List.of(LEVEL), earlier, null, 3_600, METHODS);
            assertThat(page.get(OTHER).get(LEVEL).get("sum")).isEqualTo(bucket("7", thisHour, 3_600));
            assertThat(page.get(GAUGE).get(LEVEL).get("sum")).startsWith(bucket("5", earlier, 3_600).replace("]]", "],"));
            // Multi-hour buckets regroup the same figures.
            assertThat(aggregate(connection, earlier, thisHour, 7_200).get("totalCount"))
                    .isEqualTo(bucket("3", earlier, 7_200));

            assertThat(HistoryStore.foldClosedHours(connection, thisHour, 5_000)).isEqualTo(1);
            assertThat(hourly(connection, earlier, thisHour)).as("folded again, added to the hour").isEqualTo(late);

            // Deleting the lowest instance recounts the hour from what is left.
            long lowest = new HistoryReader().instances(connection, "t", GAUGE, null, null, "recorded_at", null, null, 0, 10)
                    .stream().filter(instance -> instance.instance().path("value").asDouble() == -1.0).findFirst().orElseThrow()
                    .instanceId();
            assertThat(history.deleteInstance(connection, "t", GAUGE, LEVEL, lowest)).isTrue();
            Map<String, String> recounted = hourly(connection, earlier, thisHour);
            assertThat(recounted.get("totalCount")).startsWith("[[2,");
            assertThat(recounted.get("min")).startsWith("[[2,");
            assertThat(HistoryStore.foldClosedHours(connection, thisHour, 5_000)).isEqualTo(1);
            assertThat(hourly(connection, earlier, thisHour)).isEqualTo(recounted);
            assertThat(rows(connection, "attribute_hourly")).as("one row per closed hour").isEqualTo(1);
        }
    }

    /** One bucket as the temporal API renders it: [value, start, end]. */
    private static String bucket(String value, Instant start, long seconds) {
        return "[[" + value + ",\"" + start + "\",\"" + start.plusSeconds(seconds) + "\"]]";
    }

    private static Map<String, String> hourly(Connection connection, Instant from, Instant to) throws Exception {
        return aggregate(connection, from, to, 3_600);
    }

    private static Map<String, String> aggregate(Connection connection, Instant from, Instant to, long bucketSeconds)
            throws Exception {
        return new HistoryReader().aggregateAsJson(connection, "t", List.of(GAUGE), List.of(LEVEL), from, to, bucketSeconds, METHODS)
                .get(GAUGE).get(LEVEL);
    }

    private static long rows(Connection connection, String table) throws Exception {
        try (ResultSet rows = connection.createStatement().executeQuery("SELECT count(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static EntityChange change(Instant at, double value) {
        return change(GAUGE, at, value);
    }

    private static EntityChange change(String id, Instant at, double value) {
        ObjectNode instance = JsonNodeFactory.instance.objectNode().put("type", "Property").put("value", value)
                .put("observedAt", at.toString()).put("createdAt", at.toString()).put("modifiedAt", at.toString());
        ObjectNode attributes = JsonNodeFactory.instance.objectNode();
        attributes.putArray(LEVEL).add(instance);
        return new EntityChange(EntityChange.Kind.UPDATED, new Entity(id, List.of("https://example.org/Gauge"), List.of(),
                attributes, at, at), Set.of(LEVEL));
    }

    private static EntityChange observedEarlier(Instant recorded, Instant observed, double value) {
        EntityChange change = change(recorded, value);
        ((ObjectNode) change.entity().attributes().get(LEVEL).get(0)).put("observedAt", observed.toString());
        return change;
    }
}
