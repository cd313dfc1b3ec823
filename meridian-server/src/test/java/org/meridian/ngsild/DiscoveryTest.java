package org.meridian.ngsild;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** Clause 5.7.5–5.7.10 type and attribute discovery. */
@Tag("clause-5.7")
class DiscoveryTest {
    private static final Api API = TestServer.api();
    private static final String TENANT = TestServer.newTenant();

    @BeforeAll
    static void entities() {
        API.post("/ngsi-ld/v1/entityOperations/create", """
                [{"id": "urn:ngsi-ld:WeatherObserved:1", "type": "WeatherObserved", "temperature": 20, "precipitation": 3},
                 {"id": "urn:ngsi-ld:WeatherObserved:2", "type": "WeatherObserved", "temperature": 21},
                 {"id": "urn:ngsi-ld:NoiseLevelObserved:1", "type": "NoiseLevelObserved", "LAeq": 55,
                  "refDevice": {"type": "Relationship", "object": "urn:ngsi-ld:Device:1"}}]""").tenant(TENANT).send();
    }

    @Test
    void typesListsEveryEntityType() {
        JsonNode list = API.get("/ngsi-ld/v1/types").tenant(TENANT).send().json();

        assertThat(list.path("type").asText()).isEqualTo("EntityTypeList");
        assertThat(list.path("typeList").toString()).isEqualTo("[\"NoiseLevelObserved\",\"WeatherObserved\"]");
    }

    @Test
    void typeDetailsCountEntitiesAndNameAttributes() {
        JsonNode info = API.get("/ngsi-ld/v1/types/WeatherObserved").tenant(TENANT).send().json();

        assertThat(info.path("type").asText()).isEqualTo("EntityTypeInfo");
        assertThat(info.path("entityCount").asInt()).isEqualTo(2);
        assertThat(info.path("attributeDetails").findValuesAsText("attributeName")).containsExactlyInAnyOrder("temperature", "precipitation");
        assertThat(API.get("/ngsi-ld/v1/types/Unknown").tenant(TENANT).send().status()).isEqualTo(404);
    }

    @Test
    void attributesListAndDetails() {
        JsonNode list = API.get("/ngsi-ld/v1/attributes").tenant(TENANT).send().json();
        assertThat(list.path("attributeList").toString()).contains("temperature", "LAeq", "refDevice");

        JsonNode attribute = API.get("/ngsi-ld/v1/attributes/refDevice").tenant(TENANT).send().json();
        assertThat(attribute.path("attributeCount").asInt()).isEqualTo(1);
        assertThat(attribute.path("attributeTypes").toString()).isEqualTo("[\"Relationship\"]");
        assertThat(attribute.path("typeNames").toString()).isEqualTo("[\"NoiseLevelObserved\"]");

        JsonNode details = API.get("/ngsi-ld/v1/types?details=true").tenant(TENANT).send().json();
        assertThat(details).hasSize(2);
        assertThat(details.get(1).path("attributeNames")).hasSize(2);
    }
}
