package org.meridian.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.testing.Api;
import org.meridian.testing.ServerProcess;
import org.meridian.testing.TestServer;

/**
 * The server is killed with SIGKILL twice while gauges rise and fall and the rule engine works through the changes;
 * restarted on the same data each time. In the end every rise that was stored (the gauges' temporal history says
 * which writes committed, acknowledged or not) opened exactly one episode: none twice, none skipped.
 */
@Tag("slow")
class RuleCrashTest {
    private static final int GAUGES = 12;
    private static final int WRITES = 40;

    @TempDir
    Path data;

    @Test
    void everyStoredRiseOpensExactlyOneEpisodeAcrossKills() throws Exception {
        int port = ServerProcess.freePort();
        Api api = TestServer.client("http://127.0.0.1:" + port);
        Process server = start(port);
        try {
            ServerProcess.awaitHealthy(api);
            ok(api.put("/admin/v1/departments/water", "{\"name\": \"water\"}").send());
            ok(api.put("/sharing/v1/datasets/FloodMonitoring", "{\"owner\": \"water\"}").send());
            for (int g = 0; g < GAUGES; g++) {
                ok(api.post("/ngsi-ld/v1/entities", "{\"id\": \"" + gauge(g) + "\", \"type\": \"FloodMonitoring\", "
                        + "\"currentLevel\": {\"type\": \"Property\", \"value\": 5}}").send());
            }
            ok(api.postBytes("/rules/v1/rules", """
                    id: crash-flood
                    name: Gauge above 30
                    department: water
                    when:
                      all:
                        - {type: FloodMonitoring, attribute: currentLevel, above: 30}
                    suppressFor: PT0S
                    then:
                      - notify: {stream: operations}
                    """.getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/yaml").send());
            ok(api.post("/rules/v1/rules/crash-flood/enable", "").send());

            // Each gauge rises and falls, a second of event time apart; the server is killed twice along the way.
            Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            int kills = 0;
            for (int i = 1; i <= WRITES; i++) {
                if (i == WRITES / 3 || i == 2 * WRITES / 3) {
                    server.destroyForcibly().waitFor(); // SIGKILL, with the engine behind on the stream
                    kills++;
                    server = start(port);
                    ServerProcess.awaitHealthy(api);
                }
                for (int g = 0; g < GAUGES; g++) {
                    double level = i % 2 == 1 ? 40 : 10;
                    try {
                        api.patch("/ngsi-ld/v1/entities/" + gauge(g) + "/attrs", "{\"currentLevel\": {\"type\": \"Property\", \"value\": "
                                + level + ", \"observedAt\": \"" + base.plusSeconds(i) + "\"}}").send();
                    } catch (RuntimeException refused) {
                        // not acknowledged: whether it was stored, the history says
                    }
                }
            }
            assertThat(kills).isEqualTo(2);

            // What was stored, gauge by gauge, and so how many rises each had.
            Map<String, Integer> rises = new HashMap<>();
            for (int g = 0; g < GAUGES; g++) {
                JsonNode history = ok(api.get("/ngsi-ld/v1/temporal/entities/" + gauge(g) + "?attrs=currentLevel&options=temporalValues"
                        + "&timeproperty=observedAt&timerel=after&timeAt=" + base).send()).json();
                double previous = 5;
                int count = 0;
                for (JsonNode pair : history.path("currentLevel").path("values")) {
                    double level = pair.get(0).asDouble();
                    count += previous <= 30 && level > 30 ? 1 : 0;
                    previous = level;
                }
                rises.put(gauge(g), count);
            }
            assertThat(rises.values().stream().mapToInt(Integer::intValue).sum()).as("rises stored").isGreaterThan(GAUGES * WRITES / 3);

            // The engine catches up: as many episodes per gauge as stored rises, no more and no fewer.
            Map<String, Integer> episodes = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!episodes.equals(rises) && System.nanoTime() < deadline) {
                episodes.clear();
                for (JsonNode episode : ok(api.get("/rules/v1/episodes?rule=crash-flood&limit=1000").send()).json()) {
                    episodes.merge(episode.path("key").asText(), 1, Integer::sum);
                }
                Thread.sleep(200);
            }
            assertThat(episodes).as("episodes per gauge").isEqualTo(rises);
        } finally {
            server.destroyForcibly().waitFor();
        }
    }

    private static String gauge(int g) {
        return "urn:ngsi-ld:FloodMonitoring:gauge-" + g;
    }

    private static Api.Response ok(Api.Response response) {
        assertThat(response.status()).as(response.toString()).isBetween(200, 299);
        return response;
    }

    private Process start(int port) throws IOException {
        return ServerProcess.start(data, port, Map.of("MERIDIAN_RULES_TICK_SECONDS", "1"));
    }
}
