package org.meridian.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;

/** Provisions a service group and devices for a test, through the public API. */
public final class Devices {
    public final Api api;
    public final String tenant;
    public final String apiKey = "key" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    public Devices(Api api, String tenant) {
        this.api = api;
        this.tenant = tenant;
    }

    /** A group of air-quality sensors: t (Number, CEL), no2 (Number), status (Text), position (geo:point). */
    public Devices group(String extra) {
        Api.Response response = api.post("/iot/services", """
                {"services": [{"apikey": "%s", "entity_type": "AirQualityObserved", %s
                  "attributes": [{"object_id": "t", "name": "temperature", "type": "Number", "unitCode": "CEL"},
                                 {"object_id": "no2", "name": "NO2", "type": "Number", "unitCode": "GQ"},
                                 {"object_id": "s", "name": "status", "type": "Text"},
                                 {"object_id": "p", "name": "location", "type": "geo:point"}],
                  "static_attributes": {"dataProvider": "Environment Bureau"}}]}""".formatted(apiKey, extra))
                .tenant(tenant).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return this;
    }

    public Devices device(String deviceId, String extra) {
        Api.Response response = api.post("/iot/devices", """
                {"devices": [{"device_id": "%s", "apikey": "%s", %s
                  "static_attributes": {"location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [120.15, 30.28]}}}}]}"""
                .formatted(deviceId, apiKey, extra)).tenant(tenant).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return this;
    }

    public static String entityId(String deviceId) {
        return "urn:ngsi-ld:AirQualityObserved:" + deviceId;
    }

    public JsonNode entity(String deviceId) {
        Api.Response response = api.get("/ngsi-ld/v1/entities/" + entityId(deviceId)).tenant(tenant).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    public JsonNode deviceInfo(String deviceId) {
        Api.Response response = api.get("/iot/devices/" + deviceId).tenant(tenant).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    /** A measurement over HTTP, sent as the device itself (its id, and the group's API key as its password). */
    public Api.Response measure(String deviceId, String body) {
        return measureAs(deviceId, apiKey, deviceId, body);
    }

    /** A measurement over HTTP for the device, with HTTP Basic credentials (a device's or a gateway's). */
    public Api.Response measureAs(String username, String password, String deviceId, String body) {
        String basic = java.util.Base64.getEncoder().encodeToString((username + ":" + password)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return api.anonymous().post("/iot/json?k=" + apiKey + "&i=" + deviceId, body).header("Authorization", "Basic " + basic).send();
    }
}
