package org.meridian.ngsild;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** Clause 5.6.1 create, 5.7.1 retrieve, 5.6.6 delete, 5.6.17 merge, 5.6.18 replace. */
@Tag("clause-5.6")
@Tag("clause-5.7")
class EntityLifecycleTest {
    private final Api api = TestServer.api();
    private String tenant;

    private static final String STREETLIGHT = """
            {"id": "urn:ngsi-ld:Streetlight:1", "type": "Streetlight",
             "status": {"type": "Property", "value": "on", "observedAt": "2024-05-01T20:00:00Z"},
             "powerConsumption": {"type": "Property", "value": 52.5, "unitCode": "WTT"},
             "refStreetlightGroup": {"type": "Relationship", "object": "urn:ngsi-ld:StreetlightGroup:7"},
             "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [116.39, 39.91]}}}""";

    @BeforeEach
    void tenant() {
        tenant = TestServer.newTenant();
    }

    private Api.Response create(String body) {
        return api.post("/ngsi-ld/v1/entities", body).tenant(tenant).send();
    }

    private JsonNode retrieve(String id, String query) {
        Api.Response response = api.get("/ngsi-ld/v1/entities/" + id + query).tenant(tenant).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    @Test
    void createdEntityIsRetrievedUnchangedWithLocation() {
        Api.Response created = create(STREETLIGHT);

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:1");
        assertThat(retrieve("urn:ngsi-ld:Streetlight:1", "")).isEqualTo(Api.parse(STREETLIGHT));
    }

    @Test
    void typesAndScopesComeBackExactlyWithTheDelimitersTheyHold() {
        // Rows travel to PostgreSQL as array literals: a comma in a type (the one delimiter types may hold) stays in
        // it; a scope may hold quotes, backslashes, braces and commas.
        String body = """
                {"id": "urn:ngsi-ld:Road:quoted", "type": ["https://example.org/types/Road,Segment", "Road"],
                 "scope": ["/Zhejiang/Hangzhou", "/Zhejiang/Hangzhou/Xihu", "/a\\"b\\\\c,{d}", "/NULL"],
                 "name": {"type": "Property", "value": "say \\"hi\\" {x}, \\\\ y"}}""";
        Api.Response created = create(body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);

        JsonNode entity = retrieve("urn:ngsi-ld:Road:quoted", "");
        assertThat(entity.get("type")).isEqualTo(Api.parse(body).get("type"));
        assertThat(entity.get("scope")).isEqualTo(Api.parse(body).get("scope"));
        assertThat(entity.get("name")).isEqualTo(Api.parse(body).get("name"));
        assertThat(api.get("/ngsi-ld/v1/entities?type=Road&scopeQ=/Zhejiang/Hangzhou/Xihu").tenant(tenant).send().json())
                .extracting(found -> found.get("id").asText()).containsExactly("urn:ngsi-ld:Road:quoted");
    }

    @Test
    void responseNamesTheCoreContextInALinkHeader() {
        create(STREETLIGHT);
        Api.Response response = api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:1").tenant(tenant).send();

        assertThat(response.header("Content-Type")).startsWith("application/json");
        assertThat(response.header("Link")).contains(Api.CORE).contains("rel=\"http://www.w3.org/ns/json-ld#context\"");
    }

    @Test
    void creatingTheSameIdTwiceIsAlreadyExists() {
        create(STREETLIGHT);
        Api.Response second = create(STREETLIGHT);

        assertThat(second.status()).isEqualTo(409);
        assertThat(second.errorType()).isEqualTo("AlreadyExists");
        assertThat(second.json().path("detail").asText()).contains("urn:ngsi-ld:Streetlight:1");
    }

    @Test
    void anEntityWithoutTypeIsRefusedAndNothingIsStored() {
        Api.Response response = create("{\"id\": \"urn:ngsi-ld:X:1\", \"a\": {\"type\": \"Property\", \"value\": 1}}");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorType()).isEqualTo("BadRequestData");
        assertThat(api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:X:1").tenant(tenant).send().status()).isEqualTo(404);
    }

    @Test
    void anInvalidAttributeRefusesTheWholeEntity() {
        Api.Response response = create("""
                {"id": "urn:ngsi-ld:X:2", "type": "T", "good": 1,
                 "where": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [200, 10]}}}""");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("detail").asText()).contains("outside longitude");
        assertThat(api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:X:2").tenant(tenant).send().status()).isIn(404);
    }

    @Test
    void malformedJsonIsInvalidRequest() {
        Api.Response response = create("{\"id\": \"urn:ngsi-ld:X:3\", ");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorType()).isEqualTo("InvalidRequest");
        assertThat(response.body()).doesNotContain("at com.").doesNotContain("Exception");
    }

    @Test
    void idThatIsNotAUriIsBadRequestData() {
        Api.Response response = create("{\"id\": \"not a uri\", \"type\": \"T\"}");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorType()).isEqualTo("BadRequestData");
    }

    @Test
    void unknownEntityIsResourceNotFound() {
        create(STREETLIGHT);
        Api.Response response = api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:404").tenant(tenant).send();

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.errorType()).isEqualTo("ResourceNotFound");
    }

    @Test
    void deletedEntityIsGone() {
        create(STREETLIGHT);

        assertThat(api.delete("/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:1").tenant(tenant).send().status()).isEqualTo(204);
        assertThat(api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:1").tenant(tenant).send().status()).isEqualTo(404);
        assertThat(api.delete("/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:1").tenant(tenant).send().status()).isEqualTo(404);
    }

    @Test
    void keyValuesGivesPlainValues() {
        create(STREETLIGHT);
        JsonNode simplified = retrieve("urn:ngsi-ld:Streetlight:1", "?options=keyValues");

        assertThat(simplified.path("status").asText()).isEqualTo("on");
        assertThat(simplified.path("powerConsumption").decimalValue()).isEqualByComparingTo("52.5");
        assertThat(simplified.path("refStreetlightGroup").asText()).isEqualTo("urn:ngsi-ld:StreetlightGroup:7");
        assertThat(simplified.path("location").path("type").asText()).isEqualTo("Point");
    }

    @Test
    void conciseDropsTypesButKeepsMetadata() {
        create(STREETLIGHT);
        JsonNode concise = retrieve("urn:ngsi-ld:Streetlight:1", "?format=concise");

        assertThat(concise.path("status")).isEqualTo(Api.parse("{\"value\": \"on\", \"observedAt\": \"2024-05-01T20:00:00Z\"}"));
        assertThat(concise.path("refStreetlightGroup")).isEqualTo(Api.parse("{\"object\": \"urn:ngsi-ld:StreetlightGroup:7\"}"));
        assertThat(concise.path("location")).isEqualTo(Api.parse("{\"type\": \"Point\", \"coordinates\": [116.39, 39.91]}"));
    }

    @Test
    void conciseInputIsUnderstood() {
        Api.Response response = create("""
                {"id": "urn:ngsi-ld:Streetlight:c", "type": "Streetlight", "status": "off",
                 "refGroup": {"object": "urn:ngsi-ld:StreetlightGroup:1"},
                 "name": {"languageMap": {"en": "North gate", "zh": "北门"}},
                 "location": {"type": "Point", "coordinates": [116.4, 39.9]}}""");
        assertThat(response.status()).as(response.toString()).isEqualTo(201);

        JsonNode stored = retrieve("urn:ngsi-ld:Streetlight:c", "");
        assertThat(stored.path("status").path("type").asText()).isEqualTo("Property");
        assertThat(stored.path("refGroup").path("type").asText()).isEqualTo("Relationship");
        assertThat(stored.path("name").path("type").asText()).isEqualTo("LanguageProperty");
        assertThat(stored.path("location").path("type").asText()).isEqualTo("GeoProperty");
    }

    @Test
    void langPicksOneLanguage() {
        create("""
                {"id": "urn:ngsi-ld:Park:1", "type": "Park",
                 "name": {"type": "LanguageProperty", "languageMap": {"en": "People's Park", "zh": "人民公园"}}}""");
        JsonNode chinese = retrieve("urn:ngsi-ld:Park:1", "?lang=zh");

        assertThat(chinese.path("name")).isEqualTo(Api.parse("{\"type\": \"Property\", \"value\": \"人民公园\", \"lang\": \"zh\"}"));
    }

    @Test
    void sysAttrsShowsCreationAndModificationTimes() {
        create(STREETLIGHT);
        JsonNode entity = retrieve("urn:ngsi-ld:Streetlight:1", "?options=sysAttrs");

        assertThat(entity.path("createdAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(entity.path("modifiedAt").asText()).isNotEmpty();
        assertThat(entity.path("status").path("createdAt").asText()).isNotEmpty();
    }

    @Test
    void mergePatchUpdatesAddsAndDeletesAttributes() {
        create(STREETLIGHT);
        Api.Response response = api.patch("/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:1", """
                {"status": {"type": "Property", "value": "off"}, "lanternHeight": 8,
                 "powerConsumption": "urn:ngsi-ld:null"}""").tenant(tenant).send();

        assertThat(response.status()).as(response.toString()).isEqualTo(204);
        JsonNode entity = retrieve("urn:ngsi-ld:Streetlight:1", "");
        assertThat(entity.path("status")).isEqualTo(Api.parse(
                "{\"type\": \"Property\", \"value\": \"off\", \"observedAt\": \"2024-05-01T20:00:00Z\"}"));
        assertThat(entity.path("lanternHeight").path("value").asInt()).isEqualTo(8);
        assertThat(entity.has("powerConsumption")).isFalse();
        assertThat(entity.has("refStreetlightGroup")).isTrue();
    }

    @Test
    void replaceKeepsOnlyTheNewAttributesAndTheCreationTime() {
        create(STREETLIGHT);
        String createdAt = retrieve("urn:ngsi-ld:Streetlight:1", "?options=sysAttrs").path("createdAt").asText();
        Api.Response response = api.put("/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:1",
                "{\"type\": \"Streetlight\", \"status\": \"broken\"}").tenant(tenant).send();

        assertThat(response.status()).as(response.toString()).isEqualTo(204);
        JsonNode entity = retrieve("urn:ngsi-ld:Streetlight:1", "?options=sysAttrs");
        assertThat(entity.path("status").path("value").asText()).isEqualTo("broken");
        assertThat(entity.has("location")).isFalse();
        assertThat(entity.path("createdAt").asText()).isEqualTo(createdAt);
    }

    @Test
    void mergeOfAMissingEntityIsNotFound() {
        create(STREETLIGHT);
        Api.Response response = api.patch("/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:9", "{\"status\": \"on\"}")
                .tenant(tenant).send();

        assertThat(response.status()).isEqualTo(404);
    }

    @Test
    void geoJsonRepresentationIsAFeature() {
        create(STREETLIGHT);
        Api.Response response = api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:1").tenant(tenant)
                .accept("application/geo+json").send();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).startsWith("application/geo+json");
        JsonNode feature = response.json();
        assertThat(feature.path("type").asText()).isEqualTo("Feature");
        assertThat(feature.path("geometry")).isEqualTo(Api.parse("{\"type\": \"Point\", \"coordinates\": [116.39, 39.91]}"));
        assertThat(feature.path("properties").path("type").asText()).isEqualTo("Streetlight");
        assertThat(feature.path("properties").path("status").path("value").asText()).isEqualTo("on");
    }
}
