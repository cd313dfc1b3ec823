package org.meridian.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** The embedded database lives in the data directory: a restarted server finds its data again. */
class RestartTest {
    @TempDir
    Path data;

    private MeridianServer start() {
        Map<String, String> environment = new HashMap<>();
        environment.put(Settings.PORT, "0");
        environment.put(Settings.MQTT_PORT, "0");
        environment.put(Settings.DATA, data.toString());
        return MeridianServer.start(Settings.fromEnvironment(environment));
    }

    @Test
    void entitiesSurviveARestart() {
        try (MeridianServer first = start()) {
            Api api = TestServer.client("http://127.0.0.1:" + first.port());
            assertThat(api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:Bridge:1\", \"type\": \"Bridge\", \"load\": 3}")
                    .send().status()).isEqualTo(201);
        }
        assertThat(Files.isDirectory(data.resolve("postgres"))).isTrue();

        try (MeridianServer second = start()) {
            Api api = TestServer.client("http://127.0.0.1:" + second.port());
            Api.Response response = api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Bridge:1").send();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json().path("load").path("value").asInt()).isEqualTo(3);
        }
    }

    @Test
    void impossibleSettingsAreRefusedWithTheNameOfTheSetting() {
        Map<String, String> environment = Map.of(Settings.MAX_LIMIT, "10", Settings.DEFAULT_LIMIT, "50",
                Settings.DB_URL, "mysql://elsewhere");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Settings.fromEnvironment(environment).validate())
                .hasMessageContaining("MERIDIAN_DEFAULT_LIMIT").hasMessageContaining("MERIDIAN_DB_URL");
    }
}
