package org.meridian.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.meridian.testing.Api;
import org.meridian.testing.Devices;
import org.meridian.testing.TestServer;

/** Service groups and devices (the IoT Agent provisioning API) and the entities they bring. */
class ProvisioningTest {
    private final Api api = TestServer.api();
    private Devices devices;

    @BeforeEach
    void tenant() {
        devices = new Devices(api, TestServer.newTenant());
    }

    @Test
    void aProvisionedDeviceIsOnTheMapBeforeItsFirstMeasurement() {
        devices.group("").device("aq-1", "");

        JsonNode entity = devices.entity("aq-1");
        assertThat(entity.path("type").asText()).isEqualTo("AirQualityObserved");
        assertThat(entity.path("location").path("value").path("coordinates").get(0).asDouble()).isEqualTo(120.15);
        assertThat(entity.path("dataProvider").path("value").asText()).isEqualTo("Environment Bureau");

        JsonNode device = devices.deviceInfo("aq-1");
        assertThat(device.path("entity_name").asText()).isEqualTo(Devices.entityId("aq-1"));
        assertThat(device.path("apikey").asText()).as("an API key is a credential: shown in part")
                .isEqualTo(devices.apiKey.substring(0, 4) + "********");
        assertThat(device.path("measurements").path("accepted").asLong()).isZero();
        JsonNode group = api.get("/iot/services/" + devices.apiKey).tenant(devices.tenant).send().json();
        assertThat(group.path("attributes")).extracting(a -> a.path("name").asText())
                .containsExactly("temperature", "NO2", "status", "location");
        assertThat(group.path("gateway").asBoolean()).isFalse();
        assertThat(api.get("/iot/services").tenant(devices.tenant).send().body()).doesNotContain(devices.apiKey);
        assertThat(api.get("/iot/devices").tenant(devices.tenant).send().json().path("count").asInt()).isEqualTo(1);
    }

    @Test
    void devicesNameTheirOwnEntityAndTypeAndNeverShowTheirPassword() {
        devices.group("\"gateway_secret\": \"gateway-secret-1\",")
                .device("river-3", "\"entity_name\": \"urn:ngsi-ld:WaterLevel:river-3\", \"entity_type\": \"WaterLevel\", \"password\": \"pa55word-river\",");

        assertThat(api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:WaterLevel:river-3").tenant(devices.tenant).send().json()
                .path("type").asText()).isEqualTo("WaterLevel");
        String shown = api.get("/iot/devices/river-3").tenant(devices.tenant).send().body();
        assertThat(shown).doesNotContain("pa55word").contains("\"ownPassword\":true");
        assertThat(api.get("/iot/services").tenant(devices.tenant).send().body()).doesNotContain("gateway-secret-1");
    }

    @Test
    void takenKeysAndDeviceIdsAreConflictsAndNothingIsHalfCreated() {
        devices.group("").device("aq-1", "");

        Api.Response group = api.post("/iot/services", "{\"apikey\": \"" + devices.apiKey + "\", \"entity_type\": \"X\"}")
                .tenant(TestServer.newTenant()).send();
        assertThat(group.status()).as("an API key is unique across tenants").isEqualTo(409);
        Api.Response batch = api.post("/iot/devices", """
                {"devices": [{"device_id": "aq-2", "apikey": "%s"}, {"device_id": "aq-1", "apikey": "%s"}]}"""
                .formatted(devices.apiKey, devices.apiKey)).tenant(devices.tenant).send();
        assertThat(batch.status()).isEqualTo(409);
        assertThat(batch.errorType()).isEqualTo("AlreadyExists");
        assertThat(api.get("/iot/devices/aq-2").tenant(devices.tenant).send().status()).as("all or nothing").isEqualTo(404);
    }

    @Test
    void deletingDevicesKeepsTheirDataAndAGroupGoesOnlyWhenEmpty() {
        devices.group("").device("aq-1", "");

        assertThat(api.delete("/iot/services/" + devices.apiKey).tenant(devices.tenant).send().status()).isEqualTo(400);
        assertThat(api.delete("/iot/devices/aq-1").tenant(devices.tenant).send().status()).isEqualTo(204);
        assertThat(api.get("/iot/devices/aq-1").tenant(devices.tenant).send().status()).isEqualTo(404);
        assertThat(devices.entity("aq-1").path("type").asText()).isEqualTo("AirQualityObserved");
        assertThat(api.delete("/iot/services/" + devices.apiKey).tenant(devices.tenant).send().status()).isEqualTo(204);
        assertThat(devices.measure("aq-1", "{\"t\": 20}").status()).as("its credentials went with it").isEqualTo(401);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"apikey\": \"a/b+c\", \"entity_type\": \"T\"}",
            "{\"apikey\": \"key-12345\"}",
            "{\"apikey\": \"key-12345\", \"entity_type\": \"T\", \"attributes\": [{\"object_id\": \"t\", \"name\": \"temperature\", \"type\": \"Float\"}]}",
            "{\"apikey\": \"key-12345\", \"entity_type\": \"T\", \"attributes\": [{\"object_id\": \"t\", \"name\": \"a\", \"type\": \"Number\"}, {\"object_id\": \"t\", \"name\": \"b\", \"type\": \"Number\"}]}",
            "{\"apikey\": \"key-12345\", \"entity_type\": \"T\", \"attributes\": [{\"object_id\": \"TimeInstant\", \"name\": \"a\", \"type\": \"Number\"}]}",
            "{\"apikey\": \"key-12345\", \"entity_type\": \"T\", \"gateway_secret\": \"short\"}",
            "{\"apikey\": \"key-12345\", \"entity_type\": \"T\", \"protocol\": \"UL\"}",
            "{\"services\": []}"})
    void invalidGroupsAreBadRequestData(String body) {
        Api.Response response = api.post("/iot/services", body).tenant(devices.tenant).send();

        assertThat(response.status()).as(body + " -> " + response).isEqualTo(400);
        assertThat(response.errorType()).isEqualTo("BadRequestData");
    }

    @Test
    void aDeviceNeedsAGroupOfItsTenant() {
        devices.group("");
        Api.Response response = api.post("/iot/devices", "{\"device_id\": \"x-1\", \"apikey\": \"" + devices.apiKey + "\"}")
                .tenant(TestServer.newTenant()).send();

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorType()).isEqualTo("BadRequestData");
    }
}
