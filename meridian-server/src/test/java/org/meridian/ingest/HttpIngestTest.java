package org.meridian.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.Devices;
import org.meridian.testing.TestServer;

/** POST /iot/json: a measurement becomes an update of the device's entity, or is rejected whole and counted. */
class HttpIngestTest {
    private static final String GATEWAY_SECRET = "http-gateway-secret";
    private final Api api = TestServer.api();
    private Devices devices;

    @BeforeEach
    void provision() {
        devices = new Devices(api, TestServer.newTenant()).group("\"gateway_secret\": \"" + GATEWAY_SECRET + "\",")
                .device("aq-1", "").device("aq-2", "");
    }

    @Test
    void aMeasurementUpdatesTheEntityWithItsTimeAndLandsInTheHistory() {
        Api.Response first = devices.measure("aq-1", "{\"t\": 21.5, \"no2\": 38, \"s\": \"ok\", \"TimeInstant\": \"2026-11-24T08:00:00Z\"}");
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(devices.measure("aq-1", "{\"t\": 22.0, \"TimeInstant\": \"2026-11-24T09:00:00Z\"}").status()).isEqualTo(200);

        JsonNode entity = devices.entity("aq-1");
        assertThat(entity.path("temperature").path("value").asDouble()).isEqualTo(22.0);
        assertThat(entity.path("temperature").path("unitCode").asText()).isEqualTo("CEL");
        assertThat(entity.path("temperature").path("observedAt").asText()).isEqualTo("2026-11-24T09:00:00Z");
        assertThat(entity.path("NO2").path("value").asInt()).isEqualTo(38);
        assertThat(entity.path("status").path("value").asText()).isEqualTo("ok");
        JsonNode history = api.get("/ngsi-ld/v1/temporal/entities/" + Devices.entityId("aq-1") + "?attrs=temperature")
                .tenant(devices.tenant).send().json();
        assertThat(history.path("temperature")).extracting(i -> i.path("value").asDouble()).containsExactly(21.5, 22.0);
    }

    @Test
    void aMeasurementRecreatesADeletedEntityWithTheStaticAttributes() {
        assertThat(api.delete("/ngsi-ld/v1/entities/" + Devices.entityId("aq-1")).tenant(devices.tenant).send().status()).isEqualTo(204);

        assertThat(devices.measure("aq-1", "{\"t\": 19.5}").status()).isEqualTo(200);

        JsonNode entity = devices.entity("aq-1");
        assertThat(entity.path("temperature").path("value").asDouble()).isEqualTo(19.5);
        assertThat(entity.path("dataProvider").path("value").asText()).as("the group's").isEqualTo("Environment Bureau");
        assertThat(entity.path("location").path("value").path("coordinates").toString()).as("the device's").isEqualTo("[120.15,30.28]");
    }

    @Test
    void unmappedKeysPassThroughAndPointsBecomeGeoProperties() {
        assertThat(devices.measure("aq-1", "{\"p\": \"30.29, 120.16\", \"battery\": 87}").status()).isEqualTo(200);

        JsonNode entity = devices.entity("aq-1");
        assertThat(entity.path("location").path("type").asText()).isEqualTo("GeoProperty");
        assertThat(entity.path("location").path("value").path("coordinates").toString()).isEqualTo("[120.16,30.29]");
        assertThat(entity.path("battery").path("value").asInt()).isEqualTo(87);
        JsonNode near = api.get("/ngsi-ld/v1/entities?type=AirQualityObserved&georel=near;maxDistance==100"
                + "&geometry=Point&coordinates=[120.16,30.29]").tenant(devices.tenant).send().json();
        assertThat(near).hasSize(1);
    }

    @Test
    void badMeasurementsAreRejectedWholeAndCountedPerDevice() {
        assertThat(devices.measure("aq-1", "{\"t\": 20}").status()).isEqualTo(200);

        Api.Response wrongType = devices.measure("aq-1", "{\"t\": \"warm\", \"no2\": 40}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.errorType()).isEqualTo("BadRequestData");
        assertThat(wrongType.json().path("detail").asText()).contains("'t'").contains("Number");
        assertThat(devices.measure("aq-1", "{not json").status()).isEqualTo(400);
        assertThat(devices.measure("aq-1", "[1, 2]").status()).isEqualTo(400);
        assertThat(devices.measure("aq-1", "{\"t\": 21, \"TimeInstant\": \"yesterday\"}").status()).isEqualTo(400);
        assertThat(devices.measure("aq-1", "{\"p\": \"200, 10\"}").status()).isEqualTo(400);
        assertThat(devices.measure("aq-1", "{\"t\": 1, \"x\": \"" + "y".repeat(70 * 1024) + "\"}").status()).isEqualTo(413);

        JsonNode entity = devices.entity("aq-1");
        assertThat(entity.path("temperature").path("value").asInt()).as("nothing partial was written").isEqualTo(20);
        assertThat(entity.has("NO2")).isFalse();
        TestServer.flushIngestCounters();
        JsonNode counts = devices.deviceInfo("aq-1").path("measurements");
        assertThat(counts.path("accepted").asLong()).isEqualTo(1);
        assertThat(counts.path("rejected").asLong()).isEqualTo(6);
        assertThat(counts.path("lastRejectionReason").asText()).isEqualTo("too-large");
        assertThat(api.get("/metrics").send().body()).contains("meridian_ingest_rejected_total{reason=\"wrong-type\"}");
    }

    @Test
    void unknownDevicesAndKeysAreNotFoundAndCountedUnderTheirGroup() {
        assertThat(devices.measureAs(devices.apiKey, GATEWAY_SECRET, "aq-404", "{\"t\": 20}").status())
                .as("the group's gateway sends for a device nobody provisioned").isEqualTo(404);
        assertThat(devices.measure("aq-404", "{\"t\": 20}").status()).as("no such device to sign in as").isEqualTo(401);
        assertThat(api.anonymous().post("/iot/json?k=no-such-key&i=aq-1", "{\"t\": 20}").send().status()).isEqualTo(401);
        assertThat(devices.measure("aq-1", "{\"t\": 20}").status()).isEqualTo(200);
        assertThat(api.anonymous().post("/iot/json?i=aq-1", "{\"t\": 20}").send().status()).isEqualTo(400);

        TestServer.flushIngestCounters();
        JsonNode unknown = api.get("/iot/rejections").tenant(devices.tenant).send().json().path("unknownDevices");
        assertThat(unknown).hasSize(1);
        assertThat(unknown.get(0).path("device_id").asText()).isEqualTo("aq-404");
        assertThat(unknown.get(0).path("reason").asText()).isEqualTo("unknown-device");
    }

    @Test
    void onlyTheDeviceItselfOrItsGatewaySendsForIt() {
        Api.Response anonymous = api.anonymous().post("/iot/json?k=" + devices.apiKey + "&i=aq-1", "{\"t\": 21}").send();
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).startsWith("Basic");
        assertThat(anonymous.json().path("code").asText()).isEqualTo("ingest.DEVICE_NOT_AUTHENTICATED");
        assertThat(devices.measureAs("aq-1", "wrong", "aq-1", "{\"t\": 21}").status()).isEqualTo(401);
        Api.Response foreign = devices.measureAs("aq-2", devices.apiKey, "aq-1", "{\"t\": 21}");
        assertThat(foreign.status()).as("aq-2 sending for aq-1: %s", foreign).isEqualTo(403);
        assertThat(foreign.json().path("code").asText()).isEqualTo("ingest.NOT_YOUR_DEVICE");
        Devices other = new Devices(api, devices.tenant).group("\"gateway_secret\": \"other-gateway-secret\",");
        assertThat(devices.measureAs(other.apiKey, "other-gateway-secret", "aq-1", "{\"t\": 21}").status())
                .as("another group's gateway").isEqualTo(403);
        assertThat(devices.entity("aq-1").has("temperature")).as("none of them changed the device's entity").isFalse();
        assertThat(devices.measureAs(devices.apiKey, GATEWAY_SECRET, "aq-1", "{\"t\": 21}").status()).isEqualTo(200);
        assertThat(devices.measure("aq-1", "{\"t\": 22}").status()).isEqualTo(200);
    }

    @Test
    void explicitAttributesRejectKeysWithoutAMapping() {
        Devices strict = new Devices(api, TestServer.newTenant()).group("\"explicitAttrs\": true,").device("aq-9", "");

        Api.Response response = strict.measure("aq-9", "{\"t\": 20, \"battery\": 80}");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("detail").asText()).contains("battery");
        assertThat(strict.measure("aq-9", "{\"t\": 20}").status()).isEqualTo(200);
    }

    @Test
    void measurementsNotifySubscribersLikeAnyOtherUpdate() {
        try (org.meridian.testing.NotificationReceiver receiver = new org.meridian.testing.NotificationReceiver()) {
            assertThat(api.post("/ngsi-ld/v1/subscriptions", """
                    {"type": "Subscription", "entities": [{"type": "AirQualityObserved"}], "watchedAttributes": ["temperature"],
                     "notification": {"showChanges": true, "attributes": ["temperature"], "endpoint": {"uri": "%s"}}}"""
                    .formatted(receiver.url())).tenant(devices.tenant).send().status()).isEqualTo(201);
            assertThat(devices.measure("aq-1", "{\"t\": 20}").status()).isEqualTo(200);
            assertThat(devices.measure("aq-1", "{\"t\": 23, \"no2\": 40}").status()).isEqualTo(200);

            var received = receiver.await(2, java.time.Duration.ofSeconds(15));
            JsonNode second = received.get(1).body().path("data").get(0);
            assertThat(second.path("temperature").path("value").asInt()).isEqualTo(23);
            assertThat(second.path("temperature").path("previousValue").asInt()).isEqualTo(20);
        }
    }

    @Test
    void aDeletedEntityComesBackWithTheNextMeasurement() {
        assertThat(api.delete("/ngsi-ld/v1/entities/" + Devices.entityId("aq-1")).tenant(devices.tenant).send().status()).isEqualTo(204);

        assertThat(devices.measure("aq-1", "{\"t\": 19}").status()).isEqualTo(200);
        JsonNode entity = devices.entity("aq-1");
        assertThat(entity.path("temperature").path("value").asInt()).isEqualTo(19);
        assertThat(entity.path("location").path("type").asText()).as("static attributes come back too").isEqualTo("GeoProperty");
    }

    @Test
    void poisonValuesAreRejectedAndCountedWhileOtherMeasurementsAreStored() {
        Api.Response nul = devices.measure("aq-1", "{\"t\": 20, \"s\": \"o\\u0000k\"}");
        assertThat(nul.status()).as(nul.toString()).isEqualTo(400);
        assertThat(nul.json().path("detail").asText()).contains("U+0000");
        Api.Response farFuture = devices.measure("aq-1", "{\"t\": 20, \"TimeInstant\": \"+20000-01-01T00:00:00Z\"}");
        assertThat(farFuture.status()).as(farFuture.toString()).isEqualTo(400);
        assertThat(farFuture.json().path("detail").asText()).contains("years 0001 to 9999");
        Api.Response huge = devices.measure("aq-1", "{\"battery\": 1e999999}");
        assertThat(huge.status()).as(huge.toString()).isEqualTo(400);

        Api.Response beyondAggregation = devices.measure("aq-1", "{\"t\": 1e200}");
        assertThat(beyondAggregation.status()).as("stored, not aggregated: " + beyondAggregation).isEqualTo(200);

        assertThat(devices.measure("aq-1", "{\"t\": 24.5}").status()).isEqualTo(200);
        assertThat(devices.entity("aq-1").path("temperature").path("value").asDouble()).isEqualTo(24.5);
        TestServer.flushIngestCounters();
        JsonNode counts = devices.deviceInfo("aq-1").path("measurements");
        assertThat(counts.path("rejected").asLong()).isEqualTo(3);
        assertThat(counts.path("accepted").asLong()).isEqualTo(2);
    }
}
