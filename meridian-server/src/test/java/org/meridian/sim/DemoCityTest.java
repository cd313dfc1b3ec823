package org.meridian.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.app.MeridianServer;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** The demo city provisions itself through the public API and its sensors publish over MQTT into live entities. */
class DemoCityTest {
    @TempDir
    Path data;

    @Test
    void aSmallCityComesAliveThroughThePublicInterfaces() throws Exception {
        try (MeridianServer server = TestServer.startOwn(data, Map.of());
             DemoCity city = DemoCity.start(new DemoCity.Options(3, 3600, 40, 1, "http://127.0.0.1:" + server.port(),
                     "tcp://127.0.0.1:" + server.mqttPort(), data, TestServer.demoDirectory(server)))) {
            Api api = TestServer.client(server);
            assertThat(api.get("/ngsi-ld/v1/entities?type=District").send().json()).hasSize(6);
            assertThat(api.get("/iot/devices?limit=1").send().json().path("count").asInt()).isEqualTo(city.sensorCount());

            for (SensorKind kind : SensorKind.values()) {
                String attribute = kind.attributeMappings().get(0).path("name").asText();
                JsonNode measured = await(api, "/ngsi-ld/v1/entities?type=" + kind.entityType + "&q=" + attribute + "&limit=1");
                assertThat(measured.get(0).path(attribute).path("observedAt").isTextual()).as(kind.name()).isTrue();
                assertThat(measured.get(0).path("location").path("type").asText()).isEqualTo("GeoProperty");
            }
            JsonNode history = await(api, "/ngsi-ld/v1/temporal/entities?type=WeatherObserved&q=temperature&attrs=temperature&lastN=2&limit=1");
            assertThat(history.get(0).path("temperature").size()).isGreaterThanOrEqualTo(1);
            assertThat(city.published()).isPositive();
        }
    }

    private static JsonNode await(Api api, String path) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode found = null;
        while (System.nanoTime() < deadline) {
            found = api.get(path).send().json();
            if (found.isArray() && !found.isEmpty()) {
                return found;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("nothing at " + path + ": " + found);
    }
}
