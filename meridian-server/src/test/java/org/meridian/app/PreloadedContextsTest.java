package org.meridian.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.broker.BrokerSettings;
import org.meridian.identity.IdentitySettings;
import org.meridian.ingest.IngestSettings;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** MERIDIAN_CONTEXTS_DIR preloads contexts for the URLs clients will send, so closed networks need no internet. */
class PreloadedContextsTest {
    private static final String URL = "https://smartdatamodels.org/context.jsonld";

    @TempDir
    Path data;

    @TempDir
    Path contexts;

    @Test
    void aPreloadedContextResolvesByItsUrl() throws IOException {
        Files.writeString(contexts.resolve("contexts.json"), "{\"" + URL + "\": \"sdm.jsonld\"}");
        Files.writeString(contexts.resolve("sdm.jsonld"), """
                {"@context": {"AirQualityObserved": "https://smartdatamodels.org/dataModel.Environment/AirQualityObserved",
                              "NO2": "https://smartdatamodels.org/dataModel.Environment/NO2"}}""");
        Map<String, String> environment = Map.of(Settings.PORT, "0", IngestSettings.MQTT_PORT, "-1", Settings.DATA, data.toString(),
                BrokerSettings.CONTEXTS_DIR, contexts.toString(), IdentitySettings.ADMIN_PASSWORD, TestServer.ADMIN_PASSWORD);

        try (MeridianServer server = MeridianServer.start(Settings.fromEnvironment(environment))) {
            Api api = TestServer.client("http://127.0.0.1:" + server.port());
            Api.Response created = api.post("/ngsi-ld/v1/entities",
                    "{\"id\": \"urn:ngsi-ld:AirQualityObserved:p1\", \"type\": \"AirQualityObserved\", \"NO2\": 12}")
                    .link(URL).send();
            assertThat(created.status()).as(created.toString()).isEqualTo(201);

            Api.Response expanded = api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:p1").send();
            assertThat(expanded.json().path("type").asText())
                    .isEqualTo("https://smartdatamodels.org/dataModel.Environment/AirQualityObserved");
            assertThat(api.get("/ngsi-ld/v1/jsonldContexts?kind=Cached").send().body()).contains(URL);
        }
    }

    @Test
    void aContextsFolderWithoutAnIndexStopsTheServerWithAMessage() {
        Map<String, String> environment = Map.of(Settings.PORT, "0", IngestSettings.MQTT_PORT, "-1", Settings.DATA, data.toString(),
                BrokerSettings.CONTEXTS_DIR, contexts.toString(), IdentitySettings.ADMIN_PASSWORD, TestServer.ADMIN_PASSWORD);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MeridianServer.start(Settings.fromEnvironment(environment)))
                .hasMessageContaining("contexts.json");
    }
}
