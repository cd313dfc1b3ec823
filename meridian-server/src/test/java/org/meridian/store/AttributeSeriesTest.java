package org.meridian.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.meridian.broker.store.AttributeSeries;
import org.meridian.broker.store.HistoryPartitions;
import org.meridian.broker.store.HistoryReader;
import org.meridian.broker.store.HistoryStore;
import org.meridian.broker.store.TemporalEntityStore;

/** Series ids stay valid whatever happens to the writes that first named them. */
class AttributeSeriesTest {
    private static final String LEVEL = "https://example.org/level";
    private static EmbeddedPostgres postgres;
    private static DataSource dataSource;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        dataSource = postgres.getPostgresDatabase();
        Flyway.configure().dataSource(dataSource).locations("classpath:db/platform", "classpath:db/broker", "classpath:db/ingest").load().migrate();
        try (Connection connection = dataSource.getConnection()) {
            new HistoryPartitions().ensurePartitions(connection, java.time.Instant.now(), 1);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @Test
    void aWriteRolledBackLeavesTheSeriesItNamedUsable() throws Exception {
        try (AttributeSeries series = new AttributeSeries(dataSource::getConnection, 1_000); Connection connection = dataSource.getConnection()) {
            HistoryStore history = new HistoryStore(new TemporalEntityStore(), series);
            connection.setAutoCommit(false);
            history.append(connection, "", "urn:ngsi-ld:Gauge:rolled-back", level(1.0));
            connection.rollback();
            // The same store (its cache holding the id) writes again: the instance must be readable.
            history.append(connection, "", "urn:ngsi-ld:Gauge:rolled-back", level(2.0));
            connection.commit();

            assertThat(new HistoryReader().instances(connection, "", "urn:ngsi-ld:Gauge:rolled-back", null, null, "recorded_at", null, null, 0, 10))
                    .extracting(instance -> instance.instance().path("value").asDouble()).containsExactly(2.0);
        }
    }

    @Test
    void writersNamingTheSameNewSeriesAtOnceShareOneId() throws Exception {
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Callable<Void>> work = new java.util.ArrayList<>();
            for (int w = 0; w < writers; w++) {
                double value = w;
                // Each writer its own cache, as separate Meridian instances have.
                work.add(() -> {
                    try (AttributeSeries series = new AttributeSeries(dataSource::getConnection, 1_000);
                         Connection connection = dataSource.getConnection()) {
                        HistoryStore history = new HistoryStore(new TemporalEntityStore(), series);
                        for (int e = 0; e < 50; e++) {
                            history.append(connection, "", "urn:ngsi-ld:Gauge:shared-" + e, level(value));
                        }
                    }
                    return null;
                });
            }
            for (Future<Void> done : pool.invokeAll(work)) {
                done.get();
            }
        } finally {
            pool.shutdown();
        }
        try (Connection connection = dataSource.getConnection();
             ResultSet rows = connection.createStatement().executeQuery("SELECT count(DISTINCT s.id), count(*) FROM attribute_series s "
                     + "JOIN attribute_history h ON h.series_id = s.id WHERE s.entity_id LIKE 'urn:ngsi-ld:Gauge:shared-%'")) {
            rows.next();
            assertThat(rows.getLong(1)).as("series").isEqualTo(50);
            assertThat(rows.getLong(2)).as("instances").isEqualTo(50 * writers);
        }
    }

    @Test
    void aFullCacheStartsAgainAndWritesStayCorrect() throws Exception {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        try (AttributeSeries series = new AttributeSeries(dataSource::getConnection, 1_000); Connection connection = dataSource.getConnection()) {
            series.bindTo(registry);
            HistoryStore history = new HistoryStore(new TemporalEntityStore(), series);
            for (int round = 0; round < 2; round++) {
                for (int e = 0; e < 1_500; e++) {
                    history.append(connection, "", "urn:ngsi-ld:Gauge:many-" + e, level(round * 10_000 + e));
                }
            }
            assertThat(registry.get("meridian.history.series.new").functionCounter().count()).isEqualTo(1_500);
            assertThat(registry.get("meridian.history.series.read").functionCounter().count())
                    .as("series read again after the cache started over").isGreaterThan(0);
            assertThat(registry.get("meridian.history.series.cached").gauge().value()).isLessThanOrEqualTo(1_000);
            for (int e : new int[] {0, 999, 1_000, 1_499}) {
                assertThat(new HistoryReader().instances(connection, "", "urn:ngsi-ld:Gauge:many-" + e, null, null, "recorded_at", null, null, 0, 10))
                        .extracting(instance -> instance.instance().path("value").asDouble()).containsExactly((double) e, 10_000.0 + e);
            }
        }
    }

    private static ObjectNode level(double value) {
        ObjectNode attributes = JsonNodeFactory.instance.objectNode();
        attributes.putArray(LEVEL).addObject().put("type", "Property").put("value", value)
                .put("modifiedAt", java.time.Instant.now().toString());
        return attributes;
    }
}
