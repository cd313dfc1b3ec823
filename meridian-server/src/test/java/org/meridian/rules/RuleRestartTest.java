package org.meridian.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.app.MeridianServer;
import org.meridian.ingest.IngestSettings;
import org.meridian.testing.Api;
import org.meridian.testing.InTenant;
import org.meridian.testing.TestServer;

/**
 * A rule's state survives a restart, and a crash after a rule's step committed but before the change stream stored
 * the consumer's position — the worst moment — counts nothing twice: every change is handed to the rules again, and
 * each rule skips what it already took in. A level that rises and falls opens exactly one episode per rise. (Two
 * things guard this: each rule's stream position, and the kernel itself, whose samples are kept by their moment and
 * evaluated at the watermark, so a reading taken in twice changes nothing.)
 */
class RuleRestartTest {
    @TempDir
    Path data;

    private static final String RULE = """
            {"id": "high-level", "name": "High level", "department": "water", "suppressFor": "PT0S",
             "when": {"all": [{"type": "FloodMonitoring", "attribute": "waterLevel", "above": 50}]},
             "then": [{"notify": {"stream": "operations"}}]}""";

    @Test
    void aRestartLosesNoStateAndAReplayedStreamOpensNoEpisodeTwice() throws Exception {
        String tenant = TestServer.newTenant();
        Instant start = Instant.now();
        try (MeridianServer first = TestServer.startOwn(data, Map.of(IngestSettings.MQTT_PORT, "-1"))) {
            InTenant city = new InTenant(TestServer.client(first), tenant);
            city.ok(city.operator().put("/admin/v1/departments/water", "{\"name\": \"Water\"}"));
            city.ok(city.operator().put("/sharing/v1/datasets/FloodMonitoring", "{\"owner\": \"water\"}"));
            city.ok(city.operator().post("/ngsi-ld/v1/entities", """
                    {"id": "urn:ngsi-ld:FloodMonitoring:gauge", "type": "FloodMonitoring", "waterLevel": {"type": "Property", "value": 0}}"""));
            city.ok(city.operator().post("/rules/v1/rules", RULE));
            city.ok(city.operator().post("/rules/v1/rules/high-level/enable", ""));
            for (int i = 1; i <= 20; i++) {
                level(city, i % 2 == 1 ? 60 : 10, start.plusSeconds(i));
            }
            awaitEpisodes(city, 10);
        }
        // The crash: the consumer's position is lost, as if the node died before storing it.
        try (MeridianServer offline = TestServer.startOwn(data, Map.of(IngestSettings.MQTT_PORT, "-1"))) {
            try (Connection connection = offline.dataSource().getConnection();
                 PreparedStatement rewind = connection.prepareStatement("UPDATE event_consumer SET position = 0 WHERE name = 'rules'")) {
                assertThat(rewind.executeUpdate()).isEqualTo(1);
            }
        }
        try (MeridianServer second = TestServer.startOwn(data, Map.of(IngestSettings.MQTT_PORT, "-1"))) {
            InTenant city = new InTenant(TestServer.client(second), tenant);
            level(city, 70, start.plusSeconds(21));
            List<JsonNode> episodes = awaitEpisodes(city, 11);
            Thread.sleep(1_000);
            assertThat(city.ok(city.operator().get("/rules/v1/episodes?rule=high-level&limit=100")))
                    .as("one per rise: the replayed stream opened none again").hasSize(11);
            assertThat(episodes.getFirst().path("state").asText()).as("the newest, still open").isEqualTo("open");
            assertThat(city.ok(city.operator().get("/rules/v1/rules/high-level")).path("status").path("watched").asInt()).isEqualTo(1);
        }
    }

    private static void level(InTenant city, double value, Instant at) {
        Api.Response sent = city.send(city.operator().patch("/ngsi-ld/v1/entities/urn:ngsi-ld:FloodMonitoring:gauge/attrs",
                "{\"waterLevel\": {\"type\": \"Property\", \"value\": " + value + ", \"observedAt\": \"" + at + "\"}}"));
        assertThat(sent.status()).as(sent.toString()).isEqualTo(204);
    }

    private static List<JsonNode> awaitEpisodes(InTenant city, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<JsonNode> episodes = List.of();
        while (System.nanoTime() < deadline) {
            episodes = new java.util.ArrayList<>();
            city.ok(city.operator().get("/rules/v1/episodes?rule=high-level&limit=100")).forEach(episodes::add);
            if (episodes.size() >= count) {
                return episodes;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("expected " + count + " episodes, saw " + episodes.size());
    }
}
