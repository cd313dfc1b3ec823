package org.meridian.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** Where the specification is clear, the broker is exact: clients compare answers literally. */
class StrictInputTest {
    private static final String ROAD = "urn:ngsi-ld:Road:1";
    private final Api api = TestServer.api();
    private String tenant;

    @BeforeEach
    void road() {
        tenant = TestServer.newTenant();
        Api.Response created = api.post("/ngsi-ld/v1/entities", """
                {"id": "urn:ngsi-ld:Road:1", "type": "Road", "name": "Ring Road", "lanes": 4,
                 "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [120.15, 30.28]}},
                 "refDistrict": {"type": "Relationship", "object": "urn:ngsi-ld:District:1"}}""").tenant(tenant).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.header("Location")).as("the raw id, as clients expect").isEqualTo("/ngsi-ld/v1/entities/" + ROAD);
    }

    private JsonNode road(String query) {
        return api.get("/ngsi-ld/v1/entities/" + ROAD + query).tenant(tenant).send().json();
    }

    @Test
    void anAttributeObjectWithoutItsValueIsRefused() {
        Api.Response response = api.post("/ngsi-ld/v1/entities/" + ROAD + "/attrs", "{\"speed\": {\"type\": \"Property\"}}")
                .tenant(tenant).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.json().path("detail").asText()).contains("value");
        assertThat(road("").has("speed")).isFalse();
    }

    @Test
    void anInvalidIdOrAttributeNameInThePathIsBadRequestData() {
        Api.Response id = api.get("/ngsi-ld/v1/entities/not-a-uri").tenant(tenant).send();
        assertThat(id.status()).isEqualTo(400);
        assertThat(id.errorType()).isEqualTo("BadRequestData");
        Api.Response attribute = api.delete("/ngsi-ld/v1/entities/" + ROAD + "/attrs/a%7Cb").tenant(tenant).send();
        assertThat(attribute.status()).isEqualTo(400);
        assertThat(attribute.errorType()).isEqualTo("BadRequestData");
        assertThat(api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Road:404").tenant(tenant).send().status()).isEqualTo(404);
    }

    @Test
    void attributeNamesAUriCannotCarryAreRefused() {
        for (String name : new String[] {"P?|{{", "a{b}", "x^y", "q?", "w#x"}) {
            Api.Response response = api.post("/ngsi-ld/v1/entities/" + ROAD + "/attrs", "{\"" + name + "\": 1}").tenant(tenant).send();
            assertThat(response.status()).as(name + ": " + response).isEqualTo(400);
        }
        assertThat(api.post("/ngsi-ld/v1/entities/" + ROAD + "/attrs", "{\"https://example.org/vocab#width\": 12}")
                .tenant(tenant).send().status()).as("a full IRI may have a fragment").isEqualTo(204);
    }

    @Test
    void theNgsiLdNullDeletesInUpdateMergeAndPartialUpdate() {
        assertThat(api.patch("/ngsi-ld/v1/entities/" + ROAD + "/attrs", "{\"name\": \"urn:ngsi-ld:null\"}").tenant(tenant).send()
                .status()).isEqualTo(204);
        assertThat(road("").has("name")).as("update").isFalse();

        Api.Response merged = api.patch("/ngsi-ld/v1/entities/" + ROAD,
                "{\"location\": {\"type\": \"GeoProperty\", \"value\": \"urn:ngsi-ld:null\"}}").tenant(tenant).send();
        assertThat(merged.status()).as(merged.toString()).isEqualTo(204);
        assertThat(road("").has("location")).as("merge of a GeoProperty").isFalse();

        Api.Response partial = api.patch("/ngsi-ld/v1/entities/" + ROAD + "/attrs/refDistrict",
                "{\"type\": \"Relationship\", \"object\": \"urn:ngsi-ld:null\"}").tenant(tenant).send();
        assertThat(partial.status()).as(partial.toString()).isEqualTo(204);
        assertThat(road("").has("refDistrict")).as("partial update of a Relationship").isFalse();
        assertThat(road("").path("lanes").path("value").asInt()).isEqualTo(4);
        assertThat(road("").toString()).doesNotContain("urn:ngsi-ld:null");
    }

    @Test
    void anEmptyAppendOrUpdateIsRefused() {
        assertThat(api.post("/ngsi-ld/v1/entities/" + ROAD + "/attrs", "{}").tenant(tenant).send().status()).isEqualTo(400);
        assertThat(api.patch("/ngsi-ld/v1/entities/" + ROAD + "/attrs", "{}").tenant(tenant).send().status()).isEqualTo(400);
    }

    @Test
    void aQueryWithoutAnySelectionIsRefusedUnlessLocalIsAsked() {
        Api.Response everything = api.get("/ngsi-ld/v1/entities").tenant(tenant).send();
        assertThat(everything.status()).isEqualTo(400);
        assertThat(everything.json().path("detail").asText()).contains("local=true");
        assertThat(api.get("/ngsi-ld/v1/entities?local=true").tenant(tenant).send().json()).hasSize(1);
    }

    @Test
    void unknownSubscriptionMembersAreRefused() {
        Api.Response response = api.post("/ngsi-ld/v1/subscriptions", """
                {"type": "Subscription", "entities": [{"type": "Road"}], "expires": "2030-01-01T00:00:00Z",
                 "notification": {"endpoint": {"uri": "http://127.0.0.1:9/notify"}}}""").tenant(tenant).send();
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("detail").asText()).contains("expires").contains("expiresAt");
        Api.Response nested = api.post("/ngsi-ld/v1/subscriptions", """
                {"type": "Subscription", "entities": [{"type": "Road"}],
                 "notification": {"endpoint": {"uri": "http://127.0.0.1:9/notify", "acept": "application/json"}}}""")
                .tenant(tenant).send();
        assertThat(nested.status()).isEqualTo(400);
        assertThat(api.get("/ngsi-ld/v1/subscriptions").tenant(tenant).send().json()).isEmpty();
    }

    @Test
    void aQueryBodyMemberOfTheWrongTypeIsBadRequestData() {
        for (String body : new String[] {
                "{\"type\": \"Query\", \"entities\": {\"type\": \"Road\"}}",
                "{\"type\": \"Query\", \"entities\": [\"Road\"]}",
                "{\"type\": \"Query\", \"entities\": [{\"type\": 7}]}",
                "{\"type\": \"Query\", \"attrs\": \"name\", \"entities\": [{\"type\": \"Road\"}]}",
                "{\"type\": \"Query\", \"q\": 5, \"entities\": [{\"type\": \"Road\"}]}",
                "{\"type\": \"Query\", \"geoQ\": [1], \"entities\": [{\"type\": \"Road\"}]}"}) {
            Api.Response response = api.post("/ngsi-ld/v1/entityOperations/query", body).tenant(tenant).send();
            assertThat(response.status()).as(body + ": " + response).isEqualTo(400);
            assertThat(response.errorType()).isEqualTo("BadRequestData");
        }
    }
}
