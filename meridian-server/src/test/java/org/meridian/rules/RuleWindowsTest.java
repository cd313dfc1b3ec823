package org.meridian.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.app.MeridianServer;
import org.meridian.ingest.IngestSettings;
import org.meridian.testing.Api;
import org.meridian.testing.InTenant;
import org.meridian.testing.TestServer;

/**
 * A rule's recent readings are not saved with its steps: after a restart they are read back from the entities and
 * their temporal history. A level held above its limit across a restart counts from before it, as if there had been
 * none; two rules of one department reading the same gauge decide over one copy of its readings, each as its own
 * conditions say.
 */
class RuleWindowsTest {
    @TempDir
    Path data;

    private static final String HELD = """
            {"id": "held-high", "name": "Held high", "department": "water", "suppressFor": "PT0S",
             "when": {"all": [{"type": "FloodMonitoring", "attribute": "waterLevel", "above": 30, "for": "PT2M"}]},
             "then": [{"notify": {"stream": "operations"}}]}""";
    private static final String AVERAGE = """
            {"id": "average-high", "name": "Average high", "department": "water", "suppressFor": "PT0S",
             "when": {"all": [{"type": "FloodMonitoring", "attribute": "waterLevel", "average": "PT5M", "above": 35}]},
             "then": [{"notify": {"stream": "operations"}}]}""";

    @Test
    void aLevelHeldAcrossARestartCountsFromBeforeItAndRulesShareTheReadings() throws Exception {
        String tenant = TestServer.newTenant();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        try (MeridianServer first = TestServer.startOwn(data, Map.of(IngestSettings.MQTT_PORT, "-1"))) {
            InTenant city = new InTenant(TestServer.client(first), tenant);
            waterDepartmentWithAGauge(city, now.minusSeconds(600));
            for (String rule : new String[] {"held-high", "average-high"}) {
                city.ok(city.operator().post("/rules/v1/rules", rule.equals("held-high") ? HELD : AVERAGE));
                city.ok(city.operator().post("/rules/v1/rules/" + rule + "/enable", ""));
            }
            level(city, 40, now.minusSeconds(150));
            level(city, 40, now.minusSeconds(90));
            awaitWatermark(city, "held-high", now.minusSeconds(90));
            awaitWatermark(city, "average-high", now.minusSeconds(90));
            assertThat(episodes(city, "held-high")).as("held for a minute: not two").isEmpty();
            assertThat(episodes(city, "average-high")).as("an average of 40").singleElement()
                    .satisfies(episode -> assertThat(episode.path("state").asText()).isEqualTo("open"));
        }
        try (MeridianServer second = TestServer.startOwn(data, Map.of(IngestSettings.MQTT_PORT, "-1"))) {
            InTenant city = new InTenant(TestServer.client(second), tenant);
            level(city, 40, now);
            awaitWatermark(city, "held-high", now);
            assertThat(episodes(city, "held-high")).as("held since before the restart: two and a half minutes").singleElement()
                    .satisfies(episode -> assertThat(episode.path("evidence").get(0).path("at").asText())
                            .isEqualTo(now.minusSeconds(150).toString()));
            level(city, 30, now.plusSeconds(1));
            awaitWatermark(city, "average-high", now.plusSeconds(1));
            // 40, 40, 40 and 30 average 37.5; without the readings of before the restart, 40 and 30 would be 35, not above.
            assertThat(episodes(city, "average-high")).singleElement()
                    .satisfies(episode -> assertThat(episode.path("state").asText()).isEqualTo("open"));
            assertThat(city.ok(city.operator().get("/rules/v1/rules/average-high")).path("status").path("watched").asInt()).isEqualTo(1);
        }
    }

    private static final String SPIKE = """
            {"id": "spike", "name": "Spike", "department": "water", "suppressFor": "PT0S", "lateness": "PT1S",
             "when": {"all": [{"type": "FloodMonitoring", "attribute": "waterLevel", "above": 30}]},
             "then": [{"notify": {"stream": "operations"}}]}""";

    @Test
    void aNodeCatchingUpAfterAnOutageSeesTheSpikeItMissed() throws Exception {
        String tenant = TestServer.newTenant();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Connection holder = null;
        try (MeridianServer first = TestServer.startOwn(data, Map.of(IngestSettings.MQTT_PORT, "-1"))) {
            InTenant city = new InTenant(TestServer.client(first), tenant);
            waterDepartmentWithAGauge(city, now.minusSeconds(600));
            city.ok(city.operator().post("/rules/v1/rules", SPIKE));
            city.ok(city.operator().post("/rules/v1/rules/spike/enable", ""));
            level(city, 10, now.minusSeconds(300));
            awaitWatermark(city, "spike", now.minusSeconds(300));
            // The rules' consumer stops taking in the stream (its row held, as a node that hung would hold it) while the
            // gauge spikes and falls back; then the node goes down. Its rule saved its state before the spike.
            holder = first.dataSource().getConnection();
            holder.setAutoCommit(false);
            try (PreparedStatement hold = holder.prepareStatement("SELECT position FROM event_consumer WHERE name = 'rules' FOR UPDATE")) {
                assertThat(hold.executeQuery().next()).isTrue();
            }
            level(city, 50, now.minusSeconds(200));
            level(city, 10, now.minusSeconds(199));
            level(city, 10, now.minusSeconds(100));
            Thread.sleep(1_500);
            assertThat(episodes(city, "spike")).as("nothing taken in while the consumer is held").isEmpty();
        }
        // The node went down holding it: its pool aborted the connection, which closes now without a word.
        holder.close();
        // The node back, more than the rule's lateness later: the spike, a second long, is not lost behind the calm that
        // followed it (the windows read back hold the calm already, and the clock is minutes past the spike).
        try (MeridianServer second = TestServer.startOwn(data, Map.of(IngestSettings.MQTT_PORT, "-1"))) {
            InTenant city = new InTenant(TestServer.client(second), tenant);
            awaitWatermark(city, "spike", now.minusSeconds(100));
            assertThat(episodes(city, "spike")).singleElement().satisfies(episode -> {
                assertThat(episode.path("state").asText()).as("and cleared when it fell").isEqualTo("cleared");
                assertThat(episode.path("evidence").get(0).path("at").asText()).isEqualTo(now.minusSeconds(200).toString());
            });
        }
    }

    /** The water department owning the FloodMonitoring data, and a gauge at level 0 since {@code since}. */
    private static void waterDepartmentWithAGauge(InTenant city, Instant since) {
        city.ok(city.operator().put("/admin/v1/departments/water", "{\"name\": \"Water\"}"));
        city.ok(city.operator().put("/sharing/v1/datasets/FloodMonitoring", "{\"owner\": \"water\"}"));
        city.ok(city.operator().post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:FloodMonitoring:gauge\", "
                + "\"type\": \"FloodMonitoring\", \"waterLevel\": {\"type\": \"Property\", \"value\": 0, \"observedAt\": \""
                + since + "\"}}"));
    }

    private static void level(InTenant city, double value, Instant at) {
        Api.Response sent = city.send(city.operator().patch("/ngsi-ld/v1/entities/urn:ngsi-ld:FloodMonitoring:gauge/attrs",
                "{\"waterLevel\": {\"type\": \"Property\", \"value\": " + value + ", \"observedAt\": \"" + at + "\"}}"));
        assertThat(sent.status()).as(sent.toString()).isEqualTo(204);
    }

    private static JsonNode episodes(InTenant city, String rule) {
        return city.ok(city.operator().get("/rules/v1/episodes?rule=" + rule + "&limit=100"));
    }

    /** Waits until the rule has taken in the reading of that moment (its step committed what it decided on it). */
    private static void awaitWatermark(InTenant city, String rule, Instant at) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            String watermark = city.ok(city.operator().get("/rules/v1/rules/" + rule)).path("status").path("watermark").asText("");
            if (!watermark.isEmpty() && !Instant.parse(watermark).isBefore(at)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(rule + " did not take in the reading of " + at);
    }
}
