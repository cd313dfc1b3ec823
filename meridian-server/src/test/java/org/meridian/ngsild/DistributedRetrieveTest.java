package org.meridian.ngsild;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;

/**
 * Clause 4.3.6 with 5.7.1: a city node retrieves an entity a district node holds, through a registration, between two
 * real servers with their own databases. The district asks for credentials, which the registration carries.
 */
@Tag("clause-5.9")
class DistributedRetrieveTest extends CityAndDistrict {
    @BeforeEach
    void tenant() {
        assertThat(districtApi.post("/ngsi-ld/v1/entities", """
                {"id": "urn:ngsi-ld:AirQualityObserved:dc-1", "type": "AirQualityObserved",
                 "pm25": {"type": "Property", "value": 35, "observedAt": "2026-12-06T08:00:00Z"},
                 "no2": {"type": "Property", "value": 20, "observedAt": "2026-12-06T08:00:00Z"}}""").tenant(tenant).send().status())
                .isEqualTo(201);
    }

    private void registerDistrict(String endpoint, String management) {
        register(endpoint, districtApi.authorization(), management);
    }

    private void register(String endpoint, String authorization, String management) {
        Api.Response registered = city.post("/ngsi-ld/v1/csourceRegistrations", """
                {"type": "ContextSourceRegistration",
                 "information": [{"entities": [{"type": "AirQualityObserved"}]}],
                 "endpoint": "%s", "contextSourceInfo": [{"key": "Authorization", "value": "%s"}]%s}"""
                .formatted(endpoint, authorization, management)).tenant(tenant).send();
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
    }

    private Api.Response retrieve(String query) {
        return city.get("/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:dc-1" + query).tenant(tenant).send();
    }

    @Test
    void theCityReadsWhatTheDistrictHoldsMergedWithItsOwn() {
        registerDistrict(districtApi.base() + "/ngsi-ld/v1", "");
        // Another district's sensors, by id pattern: not asked for dc-1.
        assertThat(city.post("/ngsi-ld/v1/csourceRegistrations", """
                {"type": "ContextSourceRegistration", "endpoint": "http://127.0.0.1:9/nowhere",
                 "information": [{"entities": [{"type": "AirQualityObserved", "idPattern": "^urn:ngsi-ld:AirQualityObserved:xc-"}]}]}""")
                .tenant(tenant).send().status()).isEqualTo(201);

        Api.Response remote = retrieve("");
        assertThat(remote.status()).as(remote.toString()).isEqualTo(200);
        assertThat(remote.json().path("pm25").path("value").asInt()).isEqualTo(35);
        assertThat(remote.header("Warning")).isNull();

        // The city holds the entity too, with a newer reading of one attribute and one of its own.
        assertThat(city.post("/ngsi-ld/v1/entities", """
                {"id": "urn:ngsi-ld:AirQualityObserved:dc-1", "type": "AirQualityObserved",
                 "pm25": {"type": "Property", "value": 40, "observedAt": "2026-12-06T09:00:00Z"},
                 "note": {"type": "Property", "value": "checked by the city"}}""").tenant(tenant).send().status()).isEqualTo(201);
        JsonNode merged = retrieve("").json();
        assertThat(merged.path("pm25").path("value").asInt()).as("the later observation").isEqualTo(40);
        assertThat(merged.path("no2").path("value").asInt()).as("only the district has it").isEqualTo(20);
        assertThat(merged.path("note").path("value").asText()).isEqualTo("checked by the city");
        assertThat(retrieve("?local=true").json().has("no2")).as("local=true asks no source").isFalse();
        assertThat(retrieve("?options=keyValues").json().path("no2").asInt()).isEqualTo(20);
        Api.Response nowhere = city.get("/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:nowhere").tenant(tenant).send();
        assertThat(nowhere.status()).isEqualTo(404);
        assertThat(nowhere.header("Warning")).as("a source's 404 is an answer, not a failure").isNull();
        Api.Response after = retrieve("");
        assertThat(after.header("Warning")).as("so the district does not rest for it").isNull();
        assertThat(after.json().path("no2").path("value").asInt()).isEqualTo(20);
    }

    @Test
    void aDeadSourceCostsOneTimeoutThenRestsAndIsReported() throws Exception {
        int unused;
        try (ServerSocket socket = new ServerSocket(0)) {
            unused = socket.getLocalPort();
        }
        registerDistrict("http://127.0.0.1:" + unused, ", \"management\": {\"timeout\": 500, \"cooldown\": 60000}");
        registerDistrict(districtApi.base(), "");

        Api.Response partial = retrieve("");
        assertThat(partial.status()).as(partial.toString()).isEqualTo(200);
        assertThat(partial.json().path("pm25").path("value").asInt()).as("the living source still answers").isEqualTo(35);
        assertThat(partial.header("Warning")).startsWith("199 - ").contains("unreachable");
        assertThat(retrieve("").header("Warning")).as("then it rests, and says so").contains("resting after a failure");
    }

    @Test
    void aRequestThatComesBackThroughTheCityEndsThere() {
        // The city registered as a source of itself: the Via header stops the loop at the second visit, which answers
        // (404, it holds nothing) instead of asking itself again until a timeout.
        register(city.base(), city.authorization(), "");

        Api.Response answer = retrieve("");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(404);
        assertThat(answer.header("Warning")).as("no source failed: the loop was cut, not timed out").isNull();
    }
}
