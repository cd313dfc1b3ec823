package org.meridian.ngsild;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.Mosquitto;
import org.meridian.testing.TestServer;

/** Notifications over MQTT (NGSI-LD MQTT binding) to a real Mosquitto. */
@Tag("clause-5.8")
class MqttNotificationTest {
    private final Api api = TestServer.api();

    @Test
    void notificationsArePublishedWithMetadataAndBody() throws Exception {
        String tenant = TestServer.newTenant();
        try (Mosquitto mosquitto = new Mosquitto()) {
            MqttClient listener = new MqttClient("tcp://127.0.0.1:" + mosquitto.port(), "test-listener", new MemoryPersistence());
            BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
            listener.connect();
            listener.subscribe("city/notifications", 1, (topic, message) ->
                    messages.add(Api.parse(new String(message.getPayload(), StandardCharsets.UTF_8))));
            try {
                Api.Response created = api.post("/ngsi-ld/v1/subscriptions", """
                        {"type": "Subscription", "entities": [{"type": "FloodSensor"}],
                         "notification": {"endpoint": {"uri": "mqtt://127.0.0.1:%d/city/notifications",
                             "notifierInfo": [{"key": "MQTT-QoS", "value": "1"}, {"key": "MQTT-Version", "value": "mqtt3.1.1"}],
                             "receiverInfo": [{"key": "X-Department", "value": "water"}]}}}""".formatted(mosquitto.port()))
                        .tenant(tenant).send();
                assertThat(created.status()).as(created.toString()).isEqualTo(201);
                api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:FloodSensor:u1\", \"type\": \"FloodSensor\", \"waterLevel\": 0.42}")
                        .tenant(tenant).send();

                JsonNode message = messages.poll(15, TimeUnit.SECONDS);
                assertThat(message).as("an MQTT message").isNotNull();
                assertThat(message.path("metadata").path("Content-Type").asText()).isEqualTo("application/json");
                assertThat(message.path("metadata").path("X-Department").asText()).isEqualTo("water");
                assertThat(message.path("metadata").path("NGSILD-Tenant").asText()).isEqualTo(tenant);
                JsonNode entity = message.path("body").path("data").get(0);
                assertThat(entity.path("id").asText()).isEqualTo("urn:ngsi-ld:FloodSensor:u1");
                assertThat(entity.path("waterLevel").path("value").asDouble()).isEqualTo(0.42);
            } finally {
                listener.disconnect();
                listener.close();
            }
        }
    }
}
