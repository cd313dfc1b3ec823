package org.meridian.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.app.MeridianServer;
import org.meridian.app.Settings;
import org.meridian.testing.Api;
import org.meridian.testing.Devices;
import org.meridian.testing.Mosquitto;
import org.meridian.testing.TestServer;

/**
 * Measurements through an external Mosquitto: Meridian subscribes with a persistent session and acknowledges only what
 * it stored, so what devices publish while Meridian is down is delivered when it is back.
 */
class ExternalBrokerIngestTest {
    @TempDir
    Path data;

    private MeridianServer start(int brokerPort) {
        Map<String, String> environment = new HashMap<>();
        environment.put(Settings.PORT, "0");
        environment.put(Settings.DATA, data.toString());
        environment.put(org.meridian.identity.IdentitySettings.ADMIN_PASSWORD, TestServer.ADMIN_PASSWORD);
        environment.put(IngestSettings.MQTT_BROKER_URL, "tcp://127.0.0.1:" + brokerPort);
        environment.put(IngestSettings.MQTT_BROKER_CLIENT_ID, "meridian-test-ingest");
        return MeridianServer.start(Settings.fromEnvironment(environment));
    }

    @Test
    void nothingPublishedWhileMeridianIsDownIsLost() throws Exception {
        try (Mosquitto mosquitto = new Mosquitto()) {
            String apiKey;
            String tenant = TestServer.newTenant();
            try (MeridianServer server = start(mosquitto.port())) {
                assertThat(server.mqttPort()).as("no embedded endpoint next to an external broker").isEqualTo(-1);
                Devices devices = new Devices(TestServer.client("http://127.0.0.1:" + server.port()), tenant).group("").device("aq-1", "");
                apiKey = devices.apiKey;
                publish(mosquitto, apiKey, 0, 1);
                awaitHistory(devices, 1);
            }
            publish(mosquitto, apiKey, 1, 51);
            try (MeridianServer server = start(mosquitto.port())) {
                Api api = TestServer.client("http://127.0.0.1:" + server.port());
                Devices devices = new Devices(api, tenant);
                JsonNode history = awaitHistory(devices, 51);
                assertThat(history).extracting(i -> i.path("value").asInt()).containsExactlyElementsOf(
                        java.util.stream.IntStream.range(0, 51).boxed().toList());
            }
        }
    }

    private static void publish(Mosquitto mosquitto, String apiKey, int from, int to) throws Exception {
        MqttClient device = new MqttClient("tcp://127.0.0.1:" + mosquitto.port(), "aq-1", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMaxInflight(100);
        device.connect(options);
        for (int i = from; i < to; i++) {
            MqttMessage message = new MqttMessage(("{\"t\": " + i + ", \"TimeInstant\": \"2026-11-24T08:00:" + String.format("%02d", i)
                    + "Z\"}").getBytes(StandardCharsets.UTF_8));
            message.setQos(1);
            device.publish("/" + apiKey + "/aq-1/attrs", message);
        }
        device.disconnect();
        device.close();
    }

    private static JsonNode awaitHistory(Devices devices, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode instances = null;
        while (System.nanoTime() < deadline) {
            Api.Response response = devices.api.get("/ngsi-ld/v1/temporal/entities/" + Devices.entityId("aq-1") + "?attrs=temperature")
                    .tenant(devices.tenant).send();
            instances = response.json().path("temperature");
            if (instances.size() >= count) {
                return instances;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("expected " + count + " instances, got " + (instances == null ? 0 : instances.size()) + ": "
                + (instances == null ? "" : java.util.stream.StreamSupport.stream(instances.spliterator(), false)
                        .map(i -> i.path("value").asText()).toList()));
    }
}
