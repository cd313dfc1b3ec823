package org.meridian.ngsild;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** Clause 5.6.11–5.6.16: writing history through the temporal API, and history that outlives its entity. */
@Tag("clause-5.6")
class TemporalWriteTest {
    private static final String ID = "urn:ngsi-ld:NoiseLevelObserved:square-3";
    private final Api api = TestServer.api();
    private String tenant;

    @BeforeEach
    void newTenant() {
        tenant = TestServer.newTenant();
    }

    private Api.Response createTemporal(String body) {
        return api.post("/ngsi-ld/v1/temporal/entities", body).tenant(tenant).send();
    }

    private JsonNode history(String query) {
        Api.Response response = api.get("/ngsi-ld/v1/temporal/entities/" + ID + query).tenant(tenant).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    private static final String THREE_READINGS = """
            {"id": "%s", "type": "NoiseLevelObserved",
             "LAeq": [{"type": "Property", "value": 61.5, "observedAt": "2024-05-01T08:00:00Z"},
                      {"type": "Property", "value": 67.0, "observedAt": "2024-05-01T09:00:00Z"},
                      {"type": "Property", "value": 58.25, "observedAt": "2024-05-01T10:00:00Z"}]}""".formatted(ID);

    @Test
    void createThenAddInstancesWithoutTouchingTheCurrentState() {
        Api.Response created = createTemporal(THREE_READINGS);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(java.net.URLDecoder.decode(created.header("Location"), java.nio.charset.StandardCharsets.UTF_8)).endsWith("/temporal/entities/" + ID);

        Api.Response again = createTemporal("""
                {"id": "%s", "type": "NoiseLevelObserved",
                 "LAeq": {"type": "Property", "value": 70.0, "observedAt": "2024-05-01T11:00:00Z"}}""".formatted(ID));
        assertThat(again.status()).as(again.toString()).isEqualTo(204);

        JsonNode history = history("?attrs=LAeq");
        assertThat(history.path("type").asText()).isEqualTo("NoiseLevelObserved");
        assertThat(history.path("LAeq")).extracting(i -> i.path("value").asDouble()).containsExactly(61.5, 67.0, 58.25, 70.0);
        assertThat(history.path("LAeq")).allSatisfy(i -> assertThat(i.path("instanceId").asText()).startsWith("urn:ngsi-ld:Instance:"));
        // Imported history is history: no current entity appears.
        assertThat(api.get("/ngsi-ld/v1/entities/" + ID).tenant(tenant).send().status()).isEqualTo(404);
    }

    @Test
    void postingToAnExistingEntityAddsToTheHistoryItsUpdatesWrite() {
        assertThat(api.post("/ngsi-ld/v1/entities", """
                {"id": "%s", "type": "NoiseLevelObserved", "LAeq": {"type": "Property", "value": 55, "observedAt": "2024-05-02T08:00:00Z"}}"""
                .formatted(ID)).tenant(tenant).send().status()).isEqualTo(201);

        assertThat(createTemporal(THREE_READINGS).status()).isEqualTo(204);
        Api.Response added = api.post("/ngsi-ld/v1/temporal/entities/" + ID + "/attrs", """
                {"LAmax": [{"type": "Property", "value": 80, "observedAt": "2024-05-01T08:00:00Z"}]}""").tenant(tenant).send();
        assertThat(added.status()).as(added.toString()).isEqualTo(204);

        JsonNode history = history("");
        assertThat(history.path("LAeq")).extracting(i -> i.path("value").asDouble()).containsExactly(61.5, 67.0, 58.25, 55.0);
        assertThat(history.path("LAmax")).hasSize(1);
        assertThat(api.get("/ngsi-ld/v1/entities/" + ID).tenant(tenant).send().json().path("LAeq").path("value").asInt()).isEqualTo(55);
    }

    @Test
    void modifyAndDeleteOneInstance() {
        createTemporal(THREE_READINGS);
        JsonNode instances = history("?attrs=LAeq").path("LAeq");
        String second = instances.get(1).path("instanceId").asText();

        Api.Response modified = api.patch("/ngsi-ld/v1/temporal/entities/" + ID + "/attrs/LAeq/" + second,
                "{\"LAeq\": {\"type\": \"Property\", \"value\": 66.0}}").tenant(tenant).send();
        assertThat(modified.status()).as(modified.toString()).isEqualTo(204);
        JsonNode afterPatch = history("?attrs=LAeq").path("LAeq");
        assertThat(afterPatch).extracting(i -> i.path("value").asDouble()).containsExactly(61.5, 66.0, 58.25);
        assertThat(afterPatch.get(1).path("observedAt").asText()).as("observedAt kept").isEqualTo("2024-05-01T09:00:00Z");
        assertThat(afterPatch.get(1).path("instanceId").asText()).isEqualTo(second);

        String first = afterPatch.get(0).path("instanceId").asText();
        assertThat(api.delete("/ngsi-ld/v1/temporal/entities/" + ID + "/attrs/LAeq/" + first).tenant(tenant).send().status()).isEqualTo(204);
        assertThat(history("?attrs=LAeq").path("LAeq")).extracting(i -> i.path("value").asDouble()).containsExactly(66.0, 58.25);
        assertThat(api.delete("/ngsi-ld/v1/temporal/entities/" + ID + "/attrs/LAeq/" + first).tenant(tenant).send().status())
                .as("an instance deleted twice").isEqualTo(404);
        assertThat(api.delete("/ngsi-ld/v1/temporal/entities/" + ID + "/attrs/LAeq/urn:ngsi-ld:Instance:x").tenant(tenant).send().status())
                .isEqualTo(404);
        assertThat(api.patch("/ngsi-ld/v1/temporal/entities/" + ID + "/attrs/LAmax/" + second, "{\"value\": 1}").tenant(tenant).send().status())
                .as("an instance of another attribute").isEqualTo(404);
    }

    @Test
    void aggregationsSeeModifiedHistory() {
        createTemporal(THREE_READINGS);
        String last = history("?attrs=LAeq").path("LAeq").get(2).path("instanceId").asText();
        api.patch("/ngsi-ld/v1/temporal/entities/" + ID + "/attrs/LAeq/" + last, "{\"value\": 90}").tenant(tenant).send();

        JsonNode max = history("?attrs=LAeq&options=aggregatedValues&aggrMethods=max,totalCount").path("LAeq");
        assertThat(max.path("max").get(0).get(0).asDouble()).isEqualTo(90.0);
        assertThat(max.path("totalCount").get(0).get(0).asInt()).isEqualTo(3);
    }

    /** The hourly roll-up answers whole-hour aggregations; distinctCount forces a read of every instance. */
    @Test
    void rolledUpAggregationsEqualAggregationsOverTheInstancesAfterEdits() {
        StringBuilder readings = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            readings.append(i == 0 ? "" : ",").append("{\"type\": \"Property\", \"value\": ").append(40 + (i * 7) % 23)
                    .append(".5, \"observedAt\": \"2024-05-0").append(1 + i / 24).append("T").append(String.format("%02d", i % 24))
                    .append(":").append(String.format("%02d", (i * 13) % 60)).append(":00Z\"}");
        }
        readings.append(",{\"type\": \"Property\", \"value\": \"offline\", \"observedAt\": \"2024-05-01T05:30:00Z\"}");
        assertThat(createTemporal("{\"id\": \"" + ID + "\", \"type\": \"NoiseLevelObserved\", \"LAeq\": [" + readings + "]}").status())
                .isEqualTo(201);
        assertSameAggregations();

        JsonNode instances = history("?attrs=LAeq").path("LAeq");
        api.patch("/ngsi-ld/v1/temporal/entities/" + ID + "/attrs/LAeq/" + instances.get(3).path("instanceId").asText(),
                "{\"value\": 99.0, \"observedAt\": \"2024-05-02T07:10:00Z\"}").tenant(tenant).send();
        api.delete("/ngsi-ld/v1/temporal/entities/" + ID + "/attrs/LAeq/" + instances.get(10).path("instanceId").asText())
                .tenant(tenant).send();
        assertSameAggregations();
        JsonNode daily = history("?attrs=LAeq&options=aggregatedValues&aggrMethods=max,totalCount&aggrPeriodDuration=P1D").path("LAeq");
        assertThat(daily.path("max").get(1).get(0).asDouble()).isEqualTo(99.0);
        assertThat(daily.path("totalCount")).extracting(b -> b.get(0).asInt()).containsExactly(23, 25, 12); // one text value on day 1, one moved to day 2, one deleted
    }

    /**
     * A page of many entities is aggregated in two halves at once: every entity gets its own figures, cut hours too,
     * also an entity whose only instances lie in a cut hour.
     */
    @Test
    void aPageOfManyEntitiesGetsEachItsOwnAggregation() {
        for (int e = 0; e < 30; e++) {
            assertThat(createTemporal("""
                    {"id": "urn:ngsi-ld:NoiseLevelObserved:page-%d", "type": "NoiseLevelObserved",
                     "LAeq": [{"type": "Property", "value": %d, "observedAt": "2024-05-01T01:10:00Z"},
                              {"type": "Property", "value": %d, "observedAt": "2024-05-01T02:20:00Z"},
                              {"type": "Property", "value": %d, "observedAt": "2024-05-01T03:40:00Z"}]}""".formatted(e, e, e + 2, e + 4))
                    .status()).isEqualTo(201);
        }
        assertThat(createTemporal("""
                {"id": "urn:ngsi-ld:NoiseLevelObserved:cut-hour-only", "type": "NoiseLevelObserved",
                 "LAeq": [{"type": "Property", "value": 61.5, "observedAt": "2024-05-01T03:10:00Z"},
                          {"type": "Property", "value": 70, "observedAt": "2024-05-01T03:50:00Z"}]}""").status()).isEqualTo(201);
        Api.Response page = api.get("/ngsi-ld/v1/temporal/entities?type=NoiseLevelObserved&attrs=LAeq&options=aggregatedValues"
                + "&aggrMethods=avg,totalCount&aggrPeriodDuration=PT1H&timerel=between&timeAt=2024-05-01T01:00:00Z"
                + "&endTimeAt=2024-05-01T03:30:00Z&limit=100").tenant(tenant).send();
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        assertThat(page.json()).hasSize(31);
        for (JsonNode entity : page.json()) {
            if (entity.path("id").asText().endsWith("cut-hour-only")) {
                // Its one instance in range lies in the cut hour 03:00–03:30 at the range's end.
                assertThat(entity.path("LAeq").path("avg").toString()).isEqualTo("[[61.5,\"2024-05-01T03:00:00Z\",\"2024-05-01T04:00:00Z\"]]");
                assertThat(entity.path("LAeq").path("totalCount").toString()).isEqualTo("[[1,\"2024-05-01T03:00:00Z\",\"2024-05-01T04:00:00Z\"]]");
                continue;
            }
            int e = Integer.parseInt(entity.path("id").asText().substring("urn:ngsi-ld:NoiseLevelObserved:page-".length()));
            JsonNode avg = entity.path("LAeq").path("avg");
            // Periods start where the range does (01:00, a whole hour, so the roll-up answers); the cut hour
            // 03:00–03:30 at the end holds no instance of these.
            assertThat(avg).as(entity.toString()).hasSize(2);
            assertThat(avg.get(0).get(0).asDouble()).isEqualTo(e);
            assertThat(avg.get(0).get(1).asText()).isEqualTo("2024-05-01T01:00:00Z");
            assertThat(avg.get(0).get(2).asText()).isEqualTo("2024-05-01T02:00:00Z");
            assertThat(avg.get(1).get(0).asDouble()).isEqualTo(e + 2);
            assertThat(entity.path("LAeq").path("totalCount").get(1).get(0).asInt()).isEqualTo(1);
        }
    }

    private void assertSameAggregations() {
        String methods = "totalCount,sum,avg,min,max,stddev,sumsq";
        String cutHours = "&timerel=between&timeAt=2024-05-01T03:20:00Z&endTimeAt=2024-05-02T17:45:10Z";
        for (String period : new String[] {"PT1H", "PT3H", "P1D", "PT1H" + cutHours, "P1D" + cutHours}) {
            JsonNode rolledUp = history("?attrs=LAeq&options=aggregatedValues&aggrMethods=" + methods + "&aggrPeriodDuration=" + period).path("LAeq");
            JsonNode raw = history("?attrs=LAeq&options=aggregatedValues&aggrMethods=" + methods + ",distinctCount&aggrPeriodDuration=" + period).path("LAeq");
            for (String method : methods.split(",")) {
                assertThat(rolledUp.path(method)).as(period + " " + method).hasSize(raw.path(method).size());
                for (int i = 0; i < raw.path(method).size(); i++) {
                    JsonNode a = rolledUp.path(method).get(i);
                    JsonNode b = raw.path(method).get(i);
                    assertThat(a.get(1)).isEqualTo(b.get(1));
                    if (b.get(0).isNull()) {
                        assertThat(a.get(0).isNull()).as(period + " " + method + " bucket " + i).isTrue();
                    } else {
                        assertThat(a.get(0).asDouble()).as(period + " " + method + " bucket " + i)
                                .isCloseTo(b.get(0).asDouble(), org.assertj.core.data.Offset.offset(1e-6 * Math.max(1, Math.abs(b.get(0).asDouble()))));
                    }
                }
            }
        }
    }

    @Test
    void deleteAnAttributesHistoryAndTheWholeHistory() {
        createTemporal(THREE_READINGS);
        api.post("/ngsi-ld/v1/temporal/entities/" + ID + "/attrs",
                "{\"LAmax\": {\"type\": \"Property\", \"value\": 80, \"observedAt\": \"2024-05-01T08:00:00Z\"}}").tenant(tenant).send();

        assertThat(api.delete("/ngsi-ld/v1/temporal/entities/" + ID + "/attrs/LAmax").tenant(tenant).send().status()).isEqualTo(204);
        assertThat(history("").has("LAmax")).isFalse();
        assertThat(history("").path("LAeq")).hasSize(3);
        assertThat(api.delete("/ngsi-ld/v1/temporal/entities/" + ID + "/attrs/LAmax").tenant(tenant).send().status()).isEqualTo(404);

        assertThat(api.delete("/ngsi-ld/v1/temporal/entities/" + ID).tenant(tenant).send().status()).isEqualTo(204);
        assertThat(api.get("/ngsi-ld/v1/temporal/entities/" + ID).tenant(tenant).send().status()).isEqualTo(404);
        assertThat(api.delete("/ngsi-ld/v1/temporal/entities/" + ID).tenant(tenant).send().status()).isEqualTo(404);
    }

    @Test
    void aDeletedEntityKeepsItsHistory() {
        api.post("/ngsi-ld/v1/entities", """
                {"id": "%s", "type": "NoiseLevelObserved", "LAeq": {"type": "Property", "value": 55, "observedAt": "2024-05-02T08:00:00Z"}}"""
                .formatted(ID)).tenant(tenant).send();
        api.patch("/ngsi-ld/v1/entities/" + ID + "/attrs",
                "{\"LAeq\": {\"type\": \"Property\", \"value\": 57, \"observedAt\": \"2024-05-02T09:00:00Z\"}}").tenant(tenant).send();
        assertThat(api.delete("/ngsi-ld/v1/entities/" + ID).tenant(tenant).send().status()).isEqualTo(204);

        JsonNode history = history("?attrs=LAeq");
        assertThat(history.path("type").asText()).isEqualTo("NoiseLevelObserved");
        assertThat(history.path("LAeq")).extracting(i -> i.path("value").asInt()).containsExactly(55, 57);
        createTemporal(THREE_READINGS.replace(ID, "urn:ngsi-ld:NoiseLevelObserved:imported-1"));

        Api.Response query = api.get("/ngsi-ld/v1/temporal/entities?type=NoiseLevelObserved&attrs=LAeq").tenant(tenant).send();
        assertThat(query.json()).as("deleted and history-only entities are found by type")
                .extracting(e -> e.path("id").asText()).containsExactly("urn:ngsi-ld:NoiseLevelObserved:imported-1", ID);
        assertThat(api.get("/ngsi-ld/v1/temporal/entities?type=NoiseLevelObserved&attrs=LAeq&q=LAeq%3E57.5").tenant(tenant).send().json())
                .as("q looks at the last state: 58.25 imported, 57 when deleted")
                .extracting(e -> e.path("id").asText()).containsExactly("urn:ngsi-ld:NoiseLevelObserved:imported-1");
    }

    @Test
    void historyOnlyEntitiesAreSelectedByTheirLatestInstancesAndPlace() {
        createTemporal("""
                {"id": "urn:ngsi-ld:Vehicle:bus-1", "type": "Vehicle",
                 "speed": [{"type": "Property", "value": 120, "observedAt": "2020-08-01T12:03:00Z"},
                           {"type": "Property", "value": 40, "observedAt": "2020-08-01T12:07:00Z"}],
                 "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [116.40, 39.90]},
                              "observedAt": "2020-08-01T12:07:00Z"}}""");
        createTemporal("""
                {"id": "urn:ngsi-ld:Vehicle:bus-2", "type": "Vehicle",
                 "speed": [{"type": "Property", "value": 95, "observedAt": "2020-08-01T12:05:00Z"}],
                 "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [121.47, 31.23]},
                              "observedAt": "2020-08-01T12:05:00Z"}}""");
        // An older reading added later does not replace the latest one.
        api.post("/ngsi-ld/v1/temporal/entities/urn:ngsi-ld:Vehicle:bus-2/attrs",
                "{\"speed\": {\"type\": \"Property\", \"value\": 10, \"observedAt\": \"2020-08-01T11:00:00Z\"}}").tenant(tenant).send();

        assertThat(ids("/ngsi-ld/v1/temporal/entities?type=Vehicle&q=speed%3E90")).containsExactly("urn:ngsi-ld:Vehicle:bus-2");
        assertThat(ids("/ngsi-ld/v1/temporal/entities?type=Vehicle&georel=near%3BmaxDistance%3D%3D2000&geometry=Point&coordinates=%5B116.401%2C39.901%5D"))
                .containsExactly("urn:ngsi-ld:Vehicle:bus-1");
        JsonNode bus2 = api.get("/ngsi-ld/v1/temporal/entities?type=Vehicle&q=speed%3E90&attrs=speed").tenant(tenant).send().json().get(0);
        assertThat(bus2.path("speed")).as("the whole history of what matched").extracting(i -> i.path("value").asInt()).containsExactly(10, 95);
    }

    private java.util.List<String> ids(String path) {
        Api.Response response = api.get(path).tenant(tenant).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        java.util.List<String> ids = new java.util.ArrayList<>();
        response.json().forEach(entity -> ids.add(entity.path("id").asText()));
        return ids;
    }

    @Test
    void anObservationSentAgainReplacesTheOneStored() {
        createTemporal(THREE_READINGS);
        Api.Response again = createTemporal("""
                {"id": "%s", "type": "NoiseLevelObserved",
                 "LAeq": [{"type": "Property", "value": 61.5, "observedAt": "2024-05-01T08:00:00Z"},
                          {"type": "Property", "value": 50.0, "observedAt": "2024-05-01T09:00:00Z"},
                          {"type": "Property", "value": 52.0, "observedAt": "2024-05-01T09:00:00Z"},
                          {"type": "Property", "value": 59.0, "observedAt": "2024-05-01T08:00:00Z", "datasetId": "urn:ngsi-ld:Dataset:b"}]}"""
                .formatted(ID));
        assertThat(again.status()).as(again.toString()).isEqualTo(204);

        JsonNode history = history("?attrs=LAeq");
        assertThat(history.path("LAeq")).as("re-imported: not doubled; the last of a request wins; another datasetId is its own")
                .extracting(i -> i.path("value").asDouble()).containsExactlyInAnyOrder(61.5, 52.0, 58.25, 59.0);
        JsonNode hourly = history("?attrs=LAeq&options=aggregatedValues&aggrMethods=max,totalCount&aggrPeriodDuration=PT1H"
                + "&timerel=between&timeAt=2024-05-01T08:00:00Z&endTimeAt=2024-05-01T11:00:00Z").path("LAeq");
        assertThat(hourly.path("max")).as("the hourly roll-up follows").extracting(b -> b.get(0).asDouble()).containsExactly(61.5, 52.0, 58.25);
        assertThat(hourly.path("totalCount")).extracting(b -> b.get(0).asInt()).containsExactly(2, 1, 1);
    }

    @Test
    void anAnswerCutAtTheInstanceLimitShowsAttributesLeftWithoutInstances() {
        // One more instance than MERIDIAN_TEMPORAL_MAX_INSTANCES (10,000) before the only LAmax reading.
        StringBuilder readings = new StringBuilder();
        for (int i = 0; i <= 10_000; i++) {
            readings.append(i == 0 ? "" : ",").append("{\"type\":\"Property\",\"value\":").append(i % 90)
                    .append(",\"observedAt\":\"").append(java.time.Instant.parse("2024-05-01T00:00:00Z").plusSeconds(i)).append("\"}");
        }
        assertThat(createTemporal("{\"id\": \"" + ID + "\", \"type\": \"NoiseLevelObserved\", \"LAeq\": [" + readings
                + "], \"LAmax\": [{\"type\": \"Property\", \"value\": 95, \"observedAt\": \"2024-05-02T00:00:00Z\"}]}").status())
                .isEqualTo(201);

        Api.Response cut = api.get("/ngsi-ld/v1/temporal/entities/" + ID).tenant(tenant).send();
        assertThat(cut.status()).isEqualTo(206);
        assertThat(cut.header("Content-Range")).startsWith("date-time 2024-05-01T00:00:00Z-2024-05-01T02:46:39Z");
        assertThat(cut.json().path("LAeq")).hasSize(10_000);
        assertThat(cut.json().path("LAmax").isArray()).as(cut.json().path("LAmax").toString()).isTrue();
        assertThat(cut.json().path("LAmax")).isEmpty();
    }

    @Test
    void badTemporalWritesStoreNothing() {
        assertThat(createTemporal("{\"id\": \"" + ID + "\", \"LAeq\": [{\"value\": 1}]}").errorType()).as("no type").isEqualTo("BadRequestData");
        assertThat(createTemporal("{\"id\": \"" + ID + "\", \"type\": \"T\", \"LAeq\": []}").errorType()).isEqualTo("BadRequestData");
        assertThat(createTemporal("{\"id\": \"" + ID + "\", \"type\": \"T\", \"LAeq\": [{\"value\": 1, \"observedAt\": \"noon\"}]}").status())
                .isEqualTo(400);
        assertThat(createTemporal("{\"id\": \"" + ID + "\", \"type\": \"T\", \"LAeq\": [{\"value\": 1}, 7]}").status()).isEqualTo(400);
        assertThat(api.get("/ngsi-ld/v1/temporal/entities/" + ID).tenant(tenant).send().status()).isIn(404);
        assertThat(api.post("/ngsi-ld/v1/temporal/entities/" + ID + "/attrs", "{\"LAeq\": {\"value\": 1}}").tenant(tenant).send().status())
                .isEqualTo(404);
    }
}
