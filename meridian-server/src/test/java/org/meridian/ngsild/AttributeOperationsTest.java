package org.meridian.ngsild;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** Clause 5.6.2 update, 5.6.3 append, 5.6.4 partial update, 5.6.5 delete attribute; multi-attributes by datasetId. */
@Tag("clause-5.6")
class AttributeOperationsTest {
    private static final String ID = "urn:ngsi-ld:AirQualityObserved:1";
    private final Api api = TestServer.api();
    private String tenant;

    @BeforeEach
    void createEntity() {
        tenant = TestServer.newTenant();
        Api.Response created = api.post("/ngsi-ld/v1/entities", """
                {"id": "urn:ngsi-ld:AirQualityObserved:1", "type": "AirQualityObserved",
                 "NO2": {"type": "Property", "value": 22, "unitCode": "GQ"},
                 "PM25": [{"type": "Property", "value": 11, "datasetId": "urn:ngsi-ld:Dataset:sensorA"},
                          {"type": "Property", "value": 13, "datasetId": "urn:ngsi-ld:Dataset:sensorB"}]}""")
                .tenant(tenant).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    private JsonNode entity() {
        return api.get("/ngsi-ld/v1/entities/" + ID).tenant(tenant).send().json();
    }

    @Test
    void appendAddsNewAndOverwritesExistingAttributes() {
        Api.Response response = api.post("/ngsi-ld/v1/entities/" + ID + "/attrs",
                "{\"NO2\": {\"type\": \"Property\", \"value\": 30}, \"O3\": {\"type\": \"Property\", \"value\": 40}}")
                .tenant(tenant).send();

        assertThat(response.status()).isEqualTo(204);
        assertThat(entity().path("NO2").path("value").asInt()).isEqualTo(30);
        assertThat(entity().path("O3").path("value").asInt()).isEqualTo(40);
    }

    @Test
    void appendWithNoOverwriteKeepsExistingAndReportsThem() {
        Api.Response response = api.post("/ngsi-ld/v1/entities/" + ID + "/attrs?options=noOverwrite",
                "{\"NO2\": {\"type\": \"Property\", \"value\": 30}, \"O3\": {\"type\": \"Property\", \"value\": 40}}")
                .tenant(tenant).send();

        assertThat(response.status()).isEqualTo(207);
        assertThat(response.json().path("updated")).containsExactly(Api.parse("\"O3\""));
        assertThat(response.json().path("notUpdated").get(0).path("attributeName").asText()).isEqualTo("NO2");
        assertThat(entity().path("NO2").path("value").asInt()).isEqualTo(22);
    }

    @Test
    void updateReplacesExistingAttributesAndAppendsNewOnes() {
        // NGSI-LD v1.8 clause 5.6.2 (and the ETSI suite's 011_01_03): attributes the entity lacks are appended.
        Api.Response response = api.patch("/ngsi-ld/v1/entities/" + ID + "/attrs",
                "{\"NO2\": {\"type\": \"Property\", \"value\": 25}, \"CO\": {\"type\": \"Property\", \"value\": 1}}")
                .tenant(tenant).send();

        assertThat(response.status()).as(response.toString()).isEqualTo(204);
        assertThat(entity().path("NO2").path("value").asInt()).isEqualTo(25);
        assertThat(entity().path("CO").path("value").asInt()).isEqualTo(1);
        Api.Response deleteMissing = api.patch("/ngsi-ld/v1/entities/" + ID + "/attrs",
                "{\"SO2\": {\"type\": \"Property\", \"value\": \"urn:ngsi-ld:null\"}}").tenant(tenant).send();
        assertThat(deleteMissing.status()).as("deleting what is not there is not updated").isEqualTo(207);
        assertThat(deleteMissing.json().path("notUpdated").get(0).path("attributeName").asText()).isEqualTo("SO2");
    }

    @Test
    void partialAttributeUpdateKeepsMembersNotGiven() {
        Api.Response response = api.patch("/ngsi-ld/v1/entities/" + ID + "/attrs/NO2", "{\"value\": 31}")
                .tenant(tenant).send();

        assertThat(response.status()).as(response.toString()).isEqualTo(204);
        assertThat(entity().path("NO2")).isEqualTo(Api.parse("{\"type\": \"Property\", \"value\": 31, \"unitCode\": \"GQ\"}"));
    }

    @Test
    void aPartialUpdateKeepsTheKindOfAttributeAndTakesMergePatch() {
        Api.Response relationship = api.patch("/ngsi-ld/v1/entities/" + ID + "/attrs/NO2",
                "{\"type\": \"Relationship\", \"object\": \"urn:ngsi-ld:Device:1\"}").tenant(tenant).send();
        assertThat(relationship.status()).as(relationship.toString()).isEqualTo(400);
        assertThat(entity().path("NO2").path("type").asText()).isEqualTo("Property");

        Api.Response mergePatch = api.patch("/ngsi-ld/v1/entities/" + ID + "/attrs/NO2", "{\"value\": 33}")
                .contentType("application/merge-patch+json").tenant(tenant).send();
        assertThat(mergePatch.status()).as(mergePatch.toString()).isEqualTo(204);
        assertThat(entity().path("NO2").path("value").asInt()).isEqualTo(33);
    }

    @Test
    void namesThatJsonLdKeepsForKeywordsAreRefused() {
        Api.Response attribute = api.put("/ngsi-ld/v1/entities/" + ID + "/attrs/@invalid",
                "{\"type\": \"Property\", \"value\": 1}").tenant(tenant).send();
        assertThat(attribute.status()).as(attribute.toString()).isEqualTo(400);
        Api.Response type = api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:X:keyword\", \"type\": \"type\"}")
                .tenant(tenant).send();
        assertThat(type.status()).as("\"type\" expands to @type: %s", type).isEqualTo(400);
    }

    @Test
    void partialUpdateOfAMissingAttributeIsNotFound() {
        Api.Response response = api.patch("/ngsi-ld/v1/entities/" + ID + "/attrs/SO2", "{\"value\": 1}")
                .tenant(tenant).send();

        assertThat(response.status()).isEqualTo(404);
    }

    @Test
    void replaceAttributeReplacesItWhole() {
        Api.Response response = api.put("/ngsi-ld/v1/entities/" + ID + "/attrs/NO2",
                "{\"type\": \"Property\", \"value\": 5}").tenant(tenant).send();

        assertThat(response.status()).as(response.toString()).isEqualTo(204);
        assertThat(entity().path("NO2")).isEqualTo(Api.parse("{\"type\": \"Property\", \"value\": 5}"));
    }

    @Test
    void replacingOneDatasetIdKeepsTheOtherInstancesAndTheCreationTime() {
        String createdAt = api.get("/ngsi-ld/v1/entities/" + ID + "?options=sysAttrs").tenant(tenant).send().json()
                .path("PM25").get(1).path("createdAt").asText();

        Api.Response response = api.put("/ngsi-ld/v1/entities/" + ID + "/attrs/PM25",
                "{\"type\": \"Property\", \"value\": 40, \"datasetId\": \"urn:ngsi-ld:Dataset:sensorB\"}").tenant(tenant).send();

        assertThat(response.status()).as(response.toString()).isEqualTo(204);
        JsonNode instances = api.get("/ngsi-ld/v1/entities/" + ID + "?options=sysAttrs").tenant(tenant).send().json().path("PM25");
        assertThat(instances).extracting(i -> i.path("value").asInt()).containsExactly(11, 40);
        assertThat(instances.get(1).path("createdAt").asText()).isEqualTo(createdAt);
    }

    @Test
    void aPartialUpdateWithOnlySubAttributesKeepsTheAttributesTypeAndValue() {
        api.post("/ngsi-ld/v1/entities/" + ID + "/attrs",
                "{\"refDevice\": {\"type\": \"Relationship\", \"object\": \"urn:ngsi-ld:Device:d1\"}}").tenant(tenant).send();

        Api.Response response = api.patch("/ngsi-ld/v1/entities/" + ID + "/attrs/refDevice",
                "{\"providedBy\": {\"type\": \"Relationship\", \"object\": \"urn:ngsi-ld:Person:inspector-4\"}}").tenant(tenant).send();

        assertThat(response.status()).as(response.toString()).isEqualTo(204);
        JsonNode device = entity().path("refDevice");
        assertThat(device.path("type").asText()).isEqualTo("Relationship");
        assertThat(device.path("object").asText()).isEqualTo("urn:ngsi-ld:Device:d1");
        assertThat(device.path("providedBy").path("object").asText()).isEqualTo("urn:ngsi-ld:Person:inspector-4");
    }

    @Test
    void instancesAreUpdatedByDatasetId() {
        api.patch("/ngsi-ld/v1/entities/" + ID + "/attrs/PM25",
                "{\"value\": 99, \"datasetId\": \"urn:ngsi-ld:Dataset:sensorB\"}").tenant(tenant).send();

        JsonNode instances = entity().path("PM25");
        assertThat(instances).hasSize(2);
        assertThat(instances.get(0).path("value").asInt()).isEqualTo(11);
        assertThat(instances.get(1).path("value").asInt()).isEqualTo(99);
    }

    @Test
    void deleteOneDatasetKeepsTheOthers() {
        Api.Response response = api.delete("/ngsi-ld/v1/entities/" + ID
                + "/attrs/PM25?datasetId=urn:ngsi-ld:Dataset:sensorA").tenant(tenant).send();

        assertThat(response.status()).isEqualTo(204);
        assertThat(entity().path("PM25").path("datasetId").asText()).isEqualTo("urn:ngsi-ld:Dataset:sensorB");
    }

    @Test
    void deleteAllRemovesEveryInstance() {
        assertThat(api.delete("/ngsi-ld/v1/entities/" + ID + "/attrs/PM25?deleteAll=true").tenant(tenant).send().status())
                .isEqualTo(204);
        assertThat(entity().has("PM25")).isFalse();
    }

    @Test
    void deletingTheDefaultInstanceWhenThereIsNoneIsNotFound() {
        Api.Response response = api.delete("/ngsi-ld/v1/entities/" + ID + "/attrs/PM25").tenant(tenant).send();

        assertThat(response.status()).isEqualTo(404);
        assertThat(entity().path("PM25")).hasSize(2);
    }

    @Test
    void twoInstancesWithTheSameDatasetIdAreRefused() {
        Api.Response response = api.post("/ngsi-ld/v1/entities/" + ID + "/attrs", """
                {"noise": [{"type": "Property", "value": 1}, {"type": "Property", "value": 2}]}""").tenant(tenant).send();

        assertThat(response.status()).isEqualTo(400);
        assertThat(entity().has("noise")).isFalse();
    }

    @Test
    void subAttributesAreKeptAndReturned() {
        api.post("/ngsi-ld/v1/entities/" + ID + "/attrs", """
                {"temperature": {"type": "Property", "value": 21.5,
                   "accuracy": {"type": "Property", "value": 0.2},
                   "measuredBy": {"type": "Relationship", "object": "urn:ngsi-ld:Device:t1"}}}""").tenant(tenant).send();

        JsonNode temperature = entity().path("temperature");
        assertThat(temperature.path("accuracy").path("value").asDouble()).isEqualTo(0.2);
        assertThat(temperature.path("measuredBy").path("object").asText()).isEqualTo("urn:ngsi-ld:Device:t1");
    }
}
