package org.meridian.ngsild;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * Clause 4.5.23 linked entity retrieval (join, joinLevel), 4.21 projections with linked members, the datasetId filter
 * and orderBy: a sensor in a road segment in a district.
 */
@Tag("clause-4.5")
@Tag("clause-4.21")
class LinkedEntityTest {
    private static final Api API = TestServer.api();
    private static final String TENANT = TestServer.newTenant();
    private static final String SENSOR = "urn:ngsi-ld:Device:linked-1";
    private static final String ROAD = "urn:ngsi-ld:RoadSegment:linked-1";
    private static final String DISTRICT = "urn:ngsi-ld:District:linked-1";

    @BeforeAll
    static void city() {
        String batch = """
                [{"id": "%s", "type": "Device", "name": {"type": "Property", "value": "Gauge"},
                  "refRoadSegment": {"type": "Relationship", "object": "%s"},
                  "speed": [{"type": "Property", "value": 40},
                            {"type": "Property", "value": 42, "datasetId": "urn:ngsi-ld:Dataset:radar"}]},
                 {"id": "%s", "type": "RoadSegment", "name": {"type": "Property", "value": "Chang'an Avenue"},
                  "length": {"type": "Property", "value": 1200},
                  "refDistrict": {"type": "Relationship", "object": "%s"}},
                 {"id": "%s", "type": "District", "name": {"type": "Property", "value": "Dongcheng"}},
                 {"id": "urn:ngsi-ld:Device:linked-2", "type": "Device", "name": {"type": "Property", "value": "Anemometer"},
                  "refRoadSegment": {"type": "Relationship", "object": "urn:ngsi-ld:RoadSegment:missing"}}]
                """.formatted(SENSOR, ROAD, ROAD, DISTRICT, DISTRICT);
        Api.Response response = API.post("/ngsi-ld/v1/entityOperations/create", batch).tenant(TENANT).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
    }

    private static JsonNode get(String path) {
        Api.Response response = API.get(path).tenant(TENANT).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    private static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Test
    void inlineEmbedsTheLinkedEntitiesUpToTheJoinLevel() {
        JsonNode one = get("/ngsi-ld/v1/entities/" + SENSOR + "?join=inline");
        JsonNode road = one.path("refRoadSegment").path("entity");
        assertThat(road.path("id").asText()).isEqualTo(ROAD);
        assertThat(road.path("length").path("value").asInt()).isEqualTo(1200);
        assertThat(road.path("refDistrict").has("entity")).as("joinLevel 1 stops at the road").isFalse();

        JsonNode two = get("/ngsi-ld/v1/entities/" + SENSOR + "?join=inline&joinLevel=2");
        assertThat(two.at("/refRoadSegment/entity/refDistrict/entity/name/value").asText()).isEqualTo("Dongcheng");

        JsonNode simplified = get("/ngsi-ld/v1/entities/" + SENSOR + "?join=inline&options=keyValues");
        assertThat(simplified.at("/refRoadSegment/id").asText()).as("keyValues: the relationship is the entity").isEqualTo(ROAD);
    }

    @Test
    void flatListsEachLinkedEntityOnceAfterTheEntities() {
        JsonNode flat = get("/ngsi-ld/v1/entities?type=Device&join=flat&joinLevel=2");
        assertThat(ids(flat)).containsExactly(SENSOR, "urn:ngsi-ld:Device:linked-2", ROAD, DISTRICT);
        assertThat(flat.get(0).path("refRoadSegment").has("entity")).isFalse();

        JsonNode alone = get("/ngsi-ld/v1/entities/urn:ngsi-ld:Device:linked-2?join=flat");
        assertThat(alone.isObject()).as("nothing linked exists: the entity alone").isTrue();
    }

    @Test
    void pickAndOmitReachIntoLinkedEntities() {
        JsonNode picked = get("/ngsi-ld/v1/entities/" + SENSOR + "?join=inline&joinLevel=2&pick="
                + encoded("id,refRoadSegment{name,refDistrict{id}}"));
        assertThat(picked.has("type")).isFalse();
        assertThat(picked.has("name")).isFalse();
        JsonNode road = picked.at("/refRoadSegment/entity");
        assertThat(fieldNames(road)).containsExactlyInAnyOrder("name", "refDistrict");
        assertThat(fieldNames(road.at("/refDistrict/entity"))).containsExactly("id");

        JsonNode omitted = get("/ngsi-ld/v1/entities/" + SENSOR + "?join=inline&omit=" + encoded("speed,refRoadSegment{length}"));
        assertThat(omitted.has("speed")).isFalse();
        assertThat(omitted.at("/refRoadSegment/entity").has("length")).isFalse();
        assertThat(omitted.at("/refRoadSegment/entity/name/value").asText()).isEqualTo("Chang'an Avenue");
    }

    @ParameterizedTest(name = "pick={0} is refused")
    @ValueSource(strings = {"id;name", "id,refRoadSegment{name", "id,refRoadSegment{{name}", "id,,name",
            "id,refRoadSegment{,name}", "id,refRoadSegment{}"})
    void malformedProjectionsAreBadRequestData(String pick) {
        Api.Response response = API.get("/ngsi-ld/v1/entities/" + SENSOR + "?pick=" + encoded(pick)).tenant(TENANT).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.json().path("type").asText()).endsWith("/BadRequestData");
    }

    @Test
    void projectionsThatLeaveNothingFindNothing() {
        assertThat(API.get("/ngsi-ld/v1/entities/" + SENSOR + "?pick=unknown").tenant(TENANT).send().status()).isEqualTo(404);
        assertThat(API.get("/ngsi-ld/v1/entities/" + SENSOR + "?pick=name&attrs=name").tenant(TENANT).send().status())
                .as("attrs with pick").isEqualTo(400);
        assertThat(API.get("/ngsi-ld/v1/entities/" + SENSOR + "?pick=name&omit=name").tenant(TENANT).send().status())
                .as("one member in both").isEqualTo(400);
    }

    @Test
    void theDatasetIdFilterShowsOnlyThoseInstances() {
        JsonNode radar = get("/ngsi-ld/v1/entities/" + SENSOR + "?datasetId=urn:ngsi-ld:Dataset:radar");
        assertThat(radar.path("speed").path("value").asInt()).isEqualTo(42);
        assertThat(radar.has("name")).as("no instance of that dataset").isFalse();
        JsonNode byDefault = get("/ngsi-ld/v1/entities/" + SENSOR + "?datasetId=@none");
        assertThat(byDefault.path("speed").path("value").asInt()).isEqualTo(40);
    }

    @Test
    void orderBySortsByMembersThenId() {
        assertThat(ids(get("/ngsi-ld/v1/entities?type=Device,RoadSegment,District&orderBy=" + encoded("name;desc"))))
                .containsExactly(SENSOR, DISTRICT, ROAD, "urn:ngsi-ld:Device:linked-2");
        assertThat(ids(get("/ngsi-ld/v1/entities?type=Device,RoadSegment,District&orderBy=" + encoded("type,name"))))
                .containsExactly("urn:ngsi-ld:Device:linked-2", SENSOR, DISTRICT, ROAD);
        Api.Response bad = API.get("/ngsi-ld/v1/entities?type=Device&orderBy=name;sideways").tenant(TENANT).send();
        assertThat(bad.status()).isEqualTo(400);
    }

    @Test
    void aQueryNeedsMoreThanIds() {
        Api.Response response = API.get("/ngsi-ld/v1/entities?id=" + SENSOR).tenant(TENANT).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(ids(get("/ngsi-ld/v1/entities?id=" + SENSOR + "&local=true"))).containsExactly(SENSOR);
    }

    private static List<String> ids(JsonNode array) {
        List<String> ids = new ArrayList<>();
        array.forEach(entity -> ids.add(entity.path("id").asText()));
        return ids;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
