package org.meridian.ngsild;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** Clause 5.7.3/5.7.4 temporal retrieval and query: history written by every change, read back by time. */
@Tag("clause-5.7")
class TemporalTest {
    private static final String ID = "urn:ngsi-ld:WaterLevelObserved:underpass-7";
    private final Api api = TestServer.api();
    private String tenant;

    @BeforeEach
    void history() {
        tenant = TestServer.newTenant();
        assertThat(api.post("/ngsi-ld/v1/entities", """
                {"id": "%s", "type": "WaterLevelObserved",
                 "waterLevel": {"type": "Property", "value": 0.10, "observedAt": "2024-07-20T10:00:00Z"},
                 "status": {"type": "Property", "value": "normal"}}""".formatted(ID)).tenant(tenant).send().status()).isEqualTo(201);
        level(0.35, "2024-07-20T11:00:00Z");
        level(0.80, "2024-07-20T12:00:00Z");
        level(0.60, "2024-07-21T09:00:00Z");
    }

    private void level(double value, String observedAt) {
        Api.Response response = api.patch("/ngsi-ld/v1/entities/" + ID + "/attrs",
                "{\"waterLevel\": {\"type\": \"Property\", \"value\": " + value + ", \"observedAt\": \"" + observedAt + "\"}}")
                .tenant(tenant).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(204);
    }

    private JsonNode temporal(String query) {
        Api.Response response = api.get("/ngsi-ld/v1/temporal/entities/" + ID + query).tenant(tenant).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    @Test
    void everyChangeIsInTheHistoryInTimeOrder() {
        JsonNode history = temporal("?attrs=waterLevel");

        assertThat(history.path("type").asText()).isEqualTo("WaterLevelObserved");
        assertThat(history.path("waterLevel")).extracting(i -> i.path("value").asDouble()).containsExactly(0.10, 0.35, 0.80, 0.60);
        assertThat(history.path("waterLevel").get(1).path("observedAt").asText()).isEqualTo("2024-07-20T11:00:00Z");
        assertThat(history.has("status")).isFalse();
    }

    @Test
    void valuesAreKeptExactlyWhateverCharactersTheyHold() {
        // Instances travel to PostgreSQL as array elements: quotes, backslashes, braces, commas and the word NULL are
        // where an array literal could go wrong.
        String awkward = "say \\\"hi\\\", {a,b} \\\\ NULL 水位 \\u00e9";
        Api.Response response = api.patch("/ngsi-ld/v1/entities/" + ID + "/attrs",
                "{\"status\": {\"type\": \"Property\", \"value\": \"" + awkward + "\"}}").tenant(tenant).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(204);
        String stored = api.get("/ngsi-ld/v1/entities/" + ID).tenant(tenant).send().json().path("status").path("value").asText();

        JsonNode history = temporal("?attrs=status");
        assertThat(history.path("status")).extracting(i -> i.path("value").asText()).containsExactly("normal", stored);
        assertThat(stored).isEqualTo("say \"hi\", {a,b} \\ NULL 水位 \u00e9");
    }

    @Test
    void timerelSelectsATimeRange() {
        assertThat(temporal("?attrs=waterLevel&timerel=after&timeAt=2024-07-20T11:00:00Z").path("waterLevel")).hasSize(3);
        assertThat(temporal("?attrs=waterLevel&timerel=before&timeAt=2024-07-20T11:00:00Z").path("waterLevel")).hasSize(1);
        assertThat(temporal("?attrs=waterLevel&timerel=between&timeAt=2024-07-20T10:30:00Z&endTimeAt=2024-07-21T00:00:00Z")
                .path("waterLevel")).extracting(i -> i.path("value").asDouble()).containsExactly(0.35, 0.80);
    }

    @Test
    void lastNKeepsTheNewestInstances() {
        assertThat(temporal("?attrs=waterLevel&lastN=2").path("waterLevel")).extracting(i -> i.path("value").asDouble())
                .containsExactly(0.80, 0.60);
    }

    @Test
    void temporalValuesAreValueTimePairs() {
        JsonNode values = temporal("?attrs=waterLevel&options=temporalValues").path("waterLevel");

        assertThat(values.path("type").asText()).isEqualTo("Property");
        assertThat(values.path("values").get(0).toString()).isEqualTo("[0.1,\"2024-07-20T10:00:00Z\"]");
        assertThat(values.path("values")).hasSize(4);
    }

    @Test
    void aggregatedValuesPerDay() {
        JsonNode aggregated = temporal("?attrs=waterLevel&options=aggregatedValues&aggrMethods=totalCount,avg,max,min"
                + "&aggrPeriodDuration=P1D").path("waterLevel");

        // Without a time range, periods start at the attribute's first instance (clause 4.5.19).
        assertThat(aggregated.path("totalCount").toString()).isEqualTo("[[4,\"2024-07-20T10:00:00Z\",\"2024-07-21T10:00:00Z\"]]");
        assertThat(aggregated.path("max").get(0).get(0).asDouble()).isEqualTo(0.80);
        assertThat(aggregated.path("min").get(0).get(0).asDouble()).isEqualTo(0.10);
        assertThat(aggregated.path("avg").get(0).get(0).asDouble()).isCloseTo(0.4625, org.assertj.core.data.Offset.offset(0.001));

        // With a range, at its start: here calendar days.
        JsonNode days = temporal("?attrs=waterLevel&options=aggregatedValues&aggrMethods=totalCount,avg&aggrPeriodDuration=P1D"
                + "&timerel=after&timeAt=2024-07-20T00:00:00Z").path("waterLevel");
        assertThat(days.path("totalCount").toString())
                .isEqualTo("[[3,\"2024-07-20T00:00:00Z\",\"2024-07-21T00:00:00Z\"],[1,\"2024-07-21T00:00:00Z\",\"2024-07-22T00:00:00Z\"]]");
        assertThat(days.path("avg").get(0).get(0).asDouble()).isCloseTo(0.4166, org.assertj.core.data.Offset.offset(0.001));
    }

    @Test
    void temporalQuerySelectsEntitiesByType() {
        Api.Response response = api.get("/ngsi-ld/v1/temporal/entities?type=WaterLevelObserved&attrs=waterLevel&lastN=1")
                .tenant(tenant).send();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json()).hasSize(1);
        assertThat(response.json().get(0).path("waterLevel").get(0).path("value").asDouble()).isEqualTo(0.60);
    }

    @ParameterizedTest
    @ValueSource(strings = {"?timerel=between&timeAt=2024-07-20T10:00:00Z", "?timerel=during&timeAt=2024-07-20T10:00:00Z",
            "?timerel=after", "?timerel=after&timeAt=yesterday", "?options=aggregatedValues",
            "?options=aggregatedValues&aggrMethods=median", "?options=aggregatedValues&aggrMethods=avg&aggrPeriodDuration=P1M",
            "?lastN=0"})
    void badTemporalParametersAreBadRequestData(String query) {
        Api.Response response = api.get("/ngsi-ld/v1/temporal/entities/" + ID + query).tenant(tenant).send();

        assertThat(response.status()).as(query + " -> " + response).isEqualTo(400);
        assertThat(response.errorType()).isEqualTo("BadRequestData");
    }

    @Test
    void aDeletedAttributeLeavesAnInstanceWithItsDeletionTime() {
        assertThat(api.patch("/ngsi-ld/v1/entities/" + ID + "/attrs", """
                {"name": {"type": "LanguageProperty", "languageMap": {"zh": "下穿通道7号", "en": "Underpass 7"}},
                 "drain": {"type": "Relationship", "object": "urn:ngsi-ld:Pump:p-7"}}""").tenant(tenant).send().status()).isEqualTo(204);
        for (String attribute : new String[] {"waterLevel", "name", "drain"}) {
            assertThat(api.delete("/ngsi-ld/v1/entities/" + ID + "/attrs/" + attribute).tenant(tenant).send().status()).isEqualTo(204);
        }

        JsonNode deletions = temporal("?timeproperty=deletedAt");
        assertThat(deletions.path("waterLevel")).hasSize(1);
        JsonNode level = deletions.path("waterLevel").get(0);
        assertThat(level.path("value").asText()).isEqualTo("urn:ngsi-ld:null");
        assertThat(java.time.Instant.parse(level.path("deletedAt").asText())).isAfter(java.time.Instant.now().minusSeconds(60));
        assertThat(deletions.path("name").get(0).path("languageMap").path("@none").asText()).isEqualTo("urn:ngsi-ld:null");
        assertThat(deletions.path("drain").get(0).path("object").asText()).isEqualTo("urn:ngsi-ld:null");
        assertThat(deletions.has("status")).as("not deleted").isFalse();

        JsonNode levels = temporal("?attrs=waterLevel").path("waterLevel");
        assertThat(levels).as("the deletion closes the history").hasSize(5);
        assertThat(levels.get(4).path("value").asText()).isEqualTo("urn:ngsi-ld:null");
        assertThat(temporal("?timeproperty=deletedAt&timerel=before&timeAt=2024-01-01T00:00:00Z").has("waterLevel")).isFalse();
        JsonNode simplified = temporal("?timeproperty=deletedAt&attrs=waterLevel&options=temporalValues").path("waterLevel");
        assertThat(simplified.path("values").get(0).get(0).asText()).isEqualTo("urn:ngsi-ld:null");
        assertThat(simplified.path("values").get(0).get(1).asText()).isEqualTo(level.path("deletedAt").asText());
    }

    @Test
    void unknownEntityIsNotFound() {
        assertThat(api.get("/ngsi-ld/v1/temporal/entities/urn:ngsi-ld:X:0").tenant(tenant).send().status()).isEqualTo(404);
    }
}
