package org.meridian.ngsild;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** Clause 5.6.7 batch create, 5.6.8 upsert, 5.6.9 update, 5.6.10 delete, 5.6.20 merge; result format 5.2.16. */
@Tag("clause-5.6")
class BatchOperationsTest {
    private final Api api = TestServer.api();
    private String tenant;

    @BeforeEach
    void tenant() {
        tenant = TestServer.newTenant();
    }

    private Api.Response batch(String operation, String body) {
        return api.post("/ngsi-ld/v1/entityOperations/" + operation, body).tenant(tenant).send();
    }

    private Api.Response get(String id) {
        return api.get("/ngsi-ld/v1/entities/" + id).tenant(tenant).send();
    }

    private static String parking(int n, int free) {
        return "{\"id\": \"urn:ngsi-ld:OffStreetParking:" + n + "\", \"type\": \"OffStreetParking\", "
                + "\"availableSpotNumber\": {\"type\": \"Property\", \"value\": " + free + "}}";
    }

    @Test
    void createAllReturns201WithTheIds() {
        Api.Response response = batch("create", "[" + parking(1, 10) + "," + parking(2, 20) + "]");

        assertThat(response.status()).isEqualTo(201);
        assertThat(response.json()).containsExactly(Api.parse("\"urn:ngsi-ld:OffStreetParking:1\""),
                Api.parse("\"urn:ngsi-ld:OffStreetParking:2\""));
        assertThat(get("urn:ngsi-ld:OffStreetParking:2").status()).isEqualTo(200);
    }

    @Test
    void partlyFailingCreateSaysExactlyWhichEntitiesWereWritten() {
        batch("create", "[" + parking(1, 10) + "]");
        Api.Response response = batch("create", "[" + parking(1, 10) + "," + parking(2, 20)
                + ", {\"id\": \"urn:ngsi-ld:OffStreetParking:3\"}," + parking(2, 30) + "]");

        assertThat(response.status()).isEqualTo(207);
        JsonNode result = response.json();
        assertThat(result.path("success")).containsExactly(Api.parse("\"urn:ngsi-ld:OffStreetParking:2\""));
        assertThat(result.path("errors")).hasSize(3);
        assertThat(result.path("errors").findValuesAsText("entityId")).containsExactlyInAnyOrder(
                "urn:ngsi-ld:OffStreetParking:1", "urn:ngsi-ld:OffStreetParking:3", "urn:ngsi-ld:OffStreetParking:2");
        assertThat(result.path("errors").get(0).path("error").path("type").asText()).startsWith("https://uri.etsi.org/ngsi-ld/errors/");
        assertThat(get("urn:ngsi-ld:OffStreetParking:3").status()).isEqualTo(404);
        assertThat(get("urn:ngsi-ld:OffStreetParking:2").json().path("availableSpotNumber").path("value").asInt()).isEqualTo(20);
    }

    @Test
    void upsertCreatesThen204sOnReplace() {
        Api.Response first = batch("upsert", "[" + parking(1, 10) + "]");
        Api.Response second = batch("upsert", "[" + parking(1, 7) + "]");

        assertThat(first.status()).isEqualTo(201);
        assertThat(first.json()).containsExactly(Api.parse("\"urn:ngsi-ld:OffStreetParking:1\""));
        assertThat(second.status()).isEqualTo(204);
        assertThat(get("urn:ngsi-ld:OffStreetParking:1").json().path("availableSpotNumber").path("value").asInt()).isEqualTo(7);
    }

    @Test
    void upsertReplaceDropsAttributesNotGivenButUpdateKeepsThem() {
        batch("create", "[{\"id\": \"urn:ngsi-ld:P:1\", \"type\": \"P\", \"a\": 1, \"b\": 2}]");

        batch("upsert?options=update", "[{\"id\": \"urn:ngsi-ld:P:1\", \"type\": \"P\", \"a\": 5}]");
        assertThat(get("urn:ngsi-ld:P:1").json().has("b")).isTrue();

        batch("upsert", "[{\"id\": \"urn:ngsi-ld:P:1\", \"type\": \"P\", \"a\": 6}]");
        JsonNode replaced = get("urn:ngsi-ld:P:1").json();
        assertThat(replaced.has("b")).isFalse();
        assertThat(replaced.path("a").path("value").asInt()).isEqualTo(6);
    }

    @Test
    void updateWithNoOverwriteOnlyAddsAndMissingEntitiesAreReported() {
        batch("create", "[" + parking(1, 10) + "]");
        Api.Response response = batch("update?options=noOverwrite", """
                [{"id": "urn:ngsi-ld:OffStreetParking:1", "type": "OffStreetParking",
                  "availableSpotNumber": {"type": "Property", "value": 0}, "totalSpotNumber": {"type": "Property", "value": 50}},
                 {"id": "urn:ngsi-ld:OffStreetParking:9", "totalSpotNumber": {"type": "Property", "value": 5}}]""");

        assertThat(response.status()).isEqualTo(207);
        assertThat(response.json().path("success")).as("an entity whose attribute was kept is not updated as asked").isEmpty();
        JsonNode errors = response.json().path("errors");
        assertThat(errors).extracting(e -> e.path("entityId").asText())
                .containsExactlyInAnyOrder("urn:ngsi-ld:OffStreetParking:1", "urn:ngsi-ld:OffStreetParking:9");
        for (JsonNode error : errors) {
            if (error.path("entityId").asText().endsWith(":1")) {
                assertThat(error.path("error").path("status").asInt()).isEqualTo(400);
                assertThat(error.path("error").path("detail").asText()).contains("availableSpotNumber").doesNotContain("totalSpotNumber");
            } else {
                assertThat(error.path("error").path("status").asInt()).isEqualTo(404);
            }
        }
        JsonNode parking = get("urn:ngsi-ld:OffStreetParking:1").json();
        assertThat(parking.path("availableSpotNumber").path("value").asInt()).isEqualTo(10);
        assertThat(parking.path("totalSpotNumber").path("value").asInt()).isEqualTo(50);
    }

    @Test
    void mergeAppliesMergePatchToEachEntity() {
        batch("create", "[{\"id\": \"urn:ngsi-ld:P:1\", \"type\": \"P\", \"a\": 1, \"b\": 2}]");
        Api.Response response = batch("merge", "[{\"id\": \"urn:ngsi-ld:P:1\", \"a\": 3, \"b\": \"urn:ngsi-ld:null\"}]");

        assertThat(response.status()).as(response.toString()).isEqualTo(204);
        JsonNode merged = get("urn:ngsi-ld:P:1").json();
        assertThat(merged.path("a").path("value").asInt()).isEqualTo(3);
        assertThat(merged.has("b")).isFalse();
    }

    @Test
    void deleteReportsIdsThatDoNotExist() {
        batch("create", "[" + parking(1, 10) + "," + parking(2, 20) + "]");

        Api.Response response = batch("delete", "[\"urn:ngsi-ld:OffStreetParking:1\", \"urn:ngsi-ld:OffStreetParking:5\"]");

        assertThat(response.status()).isEqualTo(207);
        assertThat(response.json().path("success")).containsExactly(Api.parse("\"urn:ngsi-ld:OffStreetParking:1\""));
        assertThat(get("urn:ngsi-ld:OffStreetParking:1").status()).isEqualTo(404);
        assertThat(batch("delete", "[\"urn:ngsi-ld:OffStreetParking:2\"]").status()).isEqualTo(204);
    }

    @Test
    void anIdGivenTwiceToDeleteIsDeletedOnceAndReportedOnce() {
        batch("create", "[" + parking(1, 10) + "]");

        Api.Response response = batch("delete", "[\"urn:ngsi-ld:OffStreetParking:1\", \"urn:ngsi-ld:OffStreetParking:1\"]");

        assertThat(response.status()).isEqualTo(207);
        assertThat(response.json().path("success")).containsExactly(Api.parse("\"urn:ngsi-ld:OffStreetParking:1\""));
        assertThat(response.json().path("errors").get(0).path("error").path("status").asInt()).isEqualTo(404);
    }

    @Test
    void aMistakeInOneElementsContextFailsThatElementAlone() {
        String suite = "\"@context\": \"https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld\"";
        Api.Response mixed = api.post("/ngsi-ld/v1/entityOperations/create", "[" + parking(1, 1).replaceFirst("\\{", "{" + suite + ", ")
                + ", " + parking(2, 2) + "]").header("Content-Type", "application/ld+json").tenant(tenant).send();
        assertThat(mixed.status()).as(mixed.toString()).isEqualTo(207);
        assertThat(mixed.json().path("success")).containsExactly(Api.parse("\"urn:ngsi-ld:OffStreetParking:1\""));
        assertThat(mixed.json().path("errors").get(0).path("entityId").asText()).isEqualTo("urn:ngsi-ld:OffStreetParking:2");
        assertThat(mixed.json().path("errors").get(0).path("error").path("type").asText()).endsWith("/BadRequestData");

        Api.Response json = batch("create", "[" + parking(3, 3).replaceFirst("\\{", "{" + suite + ", ") + ", " + parking(4, 4) + "]");
        assertThat(json.status()).isEqualTo(207);
        assertThat(json.json().path("success")).containsExactly(Api.parse("\"urn:ngsi-ld:OffStreetParking:4\""));
        assertThat(get("urn:ngsi-ld:OffStreetParking:3").status()).isEqualTo(404);

        Api.Response unknown = api.post("/ngsi-ld/v1/entityOperations/upsert", "[" + parking(5, 5).replaceFirst("\\{",
                "{\"@context\": \"urn:example:no-such-context\", ") + "]").header("Content-Type", "application/ld+json").tenant(tenant).send();
        assertThat(unknown.status()).isEqualTo(207);
        assertThat(unknown.json().path("errors").get(0).path("error").path("status").asInt()).isIn(400, 503);
    }

    @Test
    void aBatchThatIsNotAnArrayIsBadRequestData() {
        Api.Response response = batch("create", parking(1, 1));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorType()).isEqualTo("BadRequestData");
    }
}
