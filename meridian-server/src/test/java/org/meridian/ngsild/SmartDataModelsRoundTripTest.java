package org.meridian.ngsild;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** FIWARE Smart Data Models payloads go in and come out unchanged, one entity at a time and in batches. */
@Tag("clause-5.6")
@Tag("clause-5.7")
class SmartDataModelsRoundTripTest {
    private final Api api = TestServer.api();

    private static String payload(String model) throws IOException {
        try (InputStream in = SmartDataModelsRoundTripTest.class.getResourceAsStream("/smartdatamodels/" + model + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"AirQualityObserved", "WeatherObserved", "TrafficFlowObserved", "OffStreetParking", "Streetlight"})
    void modelRoundTripsUnchanged(String model) throws IOException {
        String tenant = TestServer.newTenant();
        String body = payload(model);
        JsonNode expected = Api.parse(body);

        Api.Response created = api.post("/ngsi-ld/v1/entities", body).tenant(tenant).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        Api.Response retrieved = api.get("/ngsi-ld/v1/entities/" + expected.path("id").asText()).tenant(tenant).send();
        assertThat(retrieved.json()).isEqualTo(expected);

        Api.Response upserted = api.post("/ngsi-ld/v1/entityOperations/upsert", "[" + body + "]").tenant(tenant).send();
        assertThat(upserted.status()).as(upserted.toString()).isEqualTo(204);
        Api.Response queried = api.get("/ngsi-ld/v1/entities?type=" + model).tenant(tenant).send();
        assertThat(queried.json()).containsExactly(expected);
    }
}
