package org.meridian.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.meridian.broker.store.AttributeSeries;
import org.meridian.broker.store.HistoryReader;
import org.meridian.broker.store.HistoryStore;
import org.meridian.broker.store.TemporalEntityStore;
import org.meridian.core.temporal.HistoryInstance;

/**
 * History stored before series ids (migration V12) reads the same after V13: instances keep their ids, values and
 * partitions, the roll-up keeps its figures, and new instances get ids after the old ones.
 */
class SeriesMigrationTest {
    private static final String LEVEL = "https://example.org/level";
    private static final String FLOW = "https://example.org/flow";

    @Test
    void historyStoredByNameIsKeptUnderSeriesIds() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            DataSource dataSource = postgres.getPostgresDatabase();
            Flyway.configure().dataSource(dataSource).locations("classpath:db/platform", "classpath:db/broker", "classpath:db/ingest").target("12").load().migrate();
            try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE attribute_history_2026_11 PARTITION OF attribute_history "
                        + "FOR VALUES FROM ('2026-11-01T00:00:00Z') TO ('2026-12-01T00:00:00Z')");
                // Two tenants with the same entity id, two attributes, one instance outside the monthly partitions.
                statement.execute("""
                        INSERT INTO attribute_history (tenant, entity_id, attribute, recorded_at, observed_at, value_number, instance)
                        VALUES ('', 'urn:ngsi-ld:Gauge:1', '%1$s', '2026-11-10T10:05:00Z', NULL, 1.5, '{"type":"Property","value":1.5}'),
                               ('', 'urn:ngsi-ld:Gauge:1', '%1$s', '2026-11-10T10:35:00Z', '2026-11-10T10:30:00Z', 2.5, '{"type":"Property","value":2.5}'),
                               ('', 'urn:ngsi-ld:Gauge:1', '%2$s', '2026-11-10T10:40:00Z', NULL, NULL, '{"type":"Property","value":"high"}'),
                               ('city', 'urn:ngsi-ld:Gauge:1', '%1$s', '2024-01-01T00:00:00Z', NULL, 7, '{"type":"Property","value":7}')
                        """.formatted(LEVEL, FLOW));
                statement.execute("""
                        INSERT INTO attribute_hourly
                        SELECT tenant, entity_id, attribute, date_trunc('hour', coalesce(observed_at, recorded_at), 'UTC'), count(*),
                               count(value_number), sum(value_number), sum(value_number * value_number), min(value_number), max(value_number)
                        FROM attribute_history GROUP BY 1, 2, 3, 4""");
            }
            List<String> before = instances(dataSource, "SELECT tenant || ' ' || entity_id || ' ' || attribute || ' ' || instance_id "
                    + "|| ' ' || recorded_at || ' ' || coalesce(observed_at::text, '-') || ' ' || instance::text || ' ' || tableoid::regclass "
                    + "FROM attribute_history ORDER BY instance_id");
            List<String> hourlyBefore = instances(dataSource, "SELECT tenant || ' ' || entity_id || ' ' || attribute || ' ' || hour "
                    + "|| ' ' || total || ' ' || numeric || ' ' || coalesce(sum::text, '-') FROM attribute_hourly ORDER BY 1");

            Flyway.configure().dataSource(dataSource).locations("classpath:db/platform", "classpath:db/broker", "classpath:db/ingest").load().migrate();

            assertThat(instances(dataSource, "SELECT s.tenant || ' ' || s.entity_id || ' ' || s.attribute || ' ' || h.instance_id "
                    + "|| ' ' || h.recorded_at || ' ' || coalesce(h.observed_at::text, '-') || ' ' || h.instance::text || ' ' || h.tableoid::regclass "
                    + "FROM attribute_history h JOIN attribute_series s ON s.tenant = h.tenant AND s.id = h.series_id ORDER BY instance_id"))
                    .hasSize(4).isEqualTo(before);
            assertThat(instances(dataSource, "SELECT s.tenant || ' ' || s.entity_id || ' ' || s.attribute || ' ' || a.hour "
                    + "|| ' ' || a.total || ' ' || a.numeric || ' ' || coalesce(a.sum::text, '-') FROM attribute_hourly a "
                    + "JOIN attribute_series s ON s.tenant = a.tenant AND s.id = a.series_id ORDER BY 1"))
                    .hasSize(3).isEqualTo(hourlyBefore);
            assertThat(instances(dataSource, "SELECT tenant || ' ' || entity_id || ' ' || attribute FROM attribute_series ORDER BY 1"))
                    .containsExactly(" urn:ngsi-ld:Gauge:1 " + FLOW, " urn:ngsi-ld:Gauge:1 " + LEVEL, "city urn:ngsi-ld:Gauge:1 " + LEVEL);

            // New instances are numbered after the migrated ones, and land in the partitions made again.
            try (AttributeSeries series = new AttributeSeries(dataSource::getConnection, 1_000);
                 Connection connection = dataSource.getConnection()) {
                HistoryStore history = new HistoryStore(new TemporalEntityStore(), series);
                com.fasterxml.jackson.databind.node.ObjectNode attributes = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
                attributes.putArray(LEVEL).addObject().put("type", "Property").put("value", 3.5)
                        .put("modifiedAt", "2026-11-10T10:50:00Z");
                history.append(connection, "", "urn:ngsi-ld:Gauge:1", attributes);
                List<HistoryInstance> stored = new HistoryReader().instances(connection, "", "urn:ngsi-ld:Gauge:1", List.of(LEVEL), null,
                        "recorded_at", null, null, 0, 10);
                assertThat(stored).extracting(instance -> instance.instance().path("value").asDouble()).containsExactly(1.5, 2.5, 3.5);
                assertThat(stored.get(2).instanceId()).isGreaterThan(4);
                assertThat(stored.get(2).recordedAt()).isEqualTo(Instant.parse("2026-11-10T10:50:00Z"));
                var aggregated = new HistoryReader().aggregateAsJson(connection, "", List.of("urn:ngsi-ld:Gauge:1"), List.of(LEVEL),
                        Instant.parse("2026-11-10T10:00:00Z"), Instant.parse("2026-11-10T11:00:00Z"), 3600, List.of("sum", "totalCount"));
                assertThat(aggregated.get("urn:ngsi-ld:Gauge:1").get(LEVEL))
                        .containsEntry("sum", "[[7.5,\"2026-11-10T10:00:00Z\",\"2026-11-10T11:00:00Z\"]]")
                        .containsEntry("totalCount", "[[3,\"2026-11-10T10:00:00Z\",\"2026-11-10T11:00:00Z\"]]");
            }
        }
    }

    private static List<String> instances(DataSource dataSource, String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); ResultSet result = connection.createStatement().executeQuery(sql)) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
    }
}
