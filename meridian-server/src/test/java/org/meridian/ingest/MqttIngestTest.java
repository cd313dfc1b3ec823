package org.meridian.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.Devices;
import org.meridian.testing.TestServer;

/**
 * Devices publishing to the embedded MQTT endpoint. A QoS 1 publication returns once the endpoint acknowledged it, and
 * the endpoint acknowledges only stored measurements: so the entity is read right after publishing, without waiting.
 */
class MqttIngestTest {
    private final Api api = TestServer.api();
    private Devices devices;

    @BeforeEach
    void provision() {
        devices = new Devices(api, TestServer.newTenant()).group("\"gateway_secret\": \"gateway-secret-77\",")
                .device("aq-1", "").device("aq-2", "\"password\": \"aq-2-password\",");
    }

    private static MqttClient connect(String username, String password) throws MqttException {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + TestServer.mqttPort(), MqttClient.generateClientId(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName(username);
        options.setPassword(password.toCharArray());
        options.setConnectionTimeout(10);
        client.connect(options);
        return client;
    }

    private static void publish(MqttClient client, String topic, String payload) throws MqttException {
        MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        client.publish(topic, message);
    }

    @Test
    void anAcknowledgedMeasurementIsAlreadyStored() throws Exception {
        MqttClient device = connect("aq-1", devices.apiKey);
        try {
            publish(device, "/" + devices.apiKey + "/aq-1/attrs", "{\"t\": 18.5, \"no2\": 41}");
            assertThat(devices.entity("aq-1").path("temperature").path("value").asDouble()).isEqualTo(18.5);
            publish(device, devices.apiKey + "/aq-1/attrs/t", "19.25");
            assertThat(devices.entity("aq-1").path("temperature").path("value").asDouble()).isEqualTo(19.25);
        } finally {
            device.disconnect();
        }
    }

    @Test
    void wrongCredentialsAreRefusedAtConnect() {
        assertThatThrownBy(() -> connect("aq-1", "not-the-key")).isInstanceOf(MqttException.class)
                .extracting(e -> ((MqttException) e).getReasonCode()).isEqualTo((int) MqttException.REASON_CODE_FAILED_AUTHENTICATION);
        assertThatThrownBy(() -> connect("aq-2", devices.apiKey)).as("a device with its own password needs it")
                .isInstanceOf(MqttException.class);
    }

    @Test
    void aDeviceMayNotPublishForAnother() throws Exception {
        MqttClient device = connect("aq-2", "aq-2-password");
        assertThatThrownBy(() -> publish(device, "/" + devices.apiKey + "/aq-1/attrs", "{\"t\": 99}"))
                .isInstanceOf(MqttException.class);
        assertThat(devices.entity("aq-1").has("temperature")).isFalse();
    }

    @Test
    void aGatewayPublishesForEveryDeviceOfItsGroup() throws Exception {
        MqttClient gateway = connect(devices.apiKey, "gateway-secret-77");
        try {
            publish(gateway, "/" + devices.apiKey + "/aq-1/attrs", "{\"t\": 11}");
            publish(gateway, "/" + devices.apiKey + "/aq-2/attrs", "{\"t\": 12}");
        } finally {
            gateway.disconnect();
        }
        assertThat(devices.entity("aq-1").path("temperature").path("value").asInt()).isEqualTo(11);
        assertThat(devices.entity("aq-2").path("temperature").path("value").asInt()).isEqualTo(12);
    }

    @Test
    void mqtt5ClientsLearnWhyAMeasurementWasRefused() throws Exception {
        var client = new MqttAsyncClient("tcp://127.0.0.1:" + TestServer.mqttPort(), "aq-1-v5",
                new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName("aq-1");
        options.setPassword(devices.apiKey.getBytes(StandardCharsets.UTF_8));
        client.connect(options).waitForCompletion(10_000);
        try {
            assertThat(publish5(client, "/" + devices.apiKey + "/aq-1/attrs", "{\"t\": 7}")).containsExactly(0x00);
            assertThat(devices.entity("aq-1").path("temperature").path("value").asInt()).isEqualTo(7);
            assertThat(publish5(client, "/" + devices.apiKey + "/aq-1/attrs", "{\"t\": \"seven\"}"))
                    .as("payload format invalid").containsExactly(0x99);
            assertThat(publish5(client, "/" + devices.apiKey + "/aq-2/attrs", "{\"t\": 1}"))
                    .as("not authorized").containsExactly(0x87);
            assertThat(publish5(client, "/" + devices.apiKey + "/aq-1/status", "{}"))
                    .as("topic name invalid").containsExactly(0x90);
        } finally {
            client.disconnect().waitForCompletion(10_000);
            client.close();
        }
        assertThat(devices.entity("aq-1").path("temperature").path("value").asInt()).isEqualTo(7);
        TestServer.flushIngestCounters();
        JsonNode counts = devices.deviceInfo("aq-1").path("measurements");
        assertThat(counts.path("accepted").asLong()).isEqualTo(1);
        assertThat(counts.path("rejected").asLong()).isEqualTo(1);
        assertThat(counts.path("lastRejectionReason").asText()).isEqualTo("wrong-type");
    }

    @Test
    void measurementsOfManyDevicesPublishedAtOnceAreEachStoredOrRefused() throws Exception {
        // Published without waiting, so the ingest takes them in batches of several devices, none of them cached yet.
        for (int i = 3; i <= 30; i++) {
            devices.device("aq-" + i, "");
        }
        var gateway = new MqttAsyncClient("tcp://127.0.0.1:" + TestServer.mqttPort(), "gateway-at-once",
                new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(devices.apiKey);
        options.setPassword("gateway-secret-77".getBytes(StandardCharsets.UTF_8));
        gateway.connect(options).waitForCompletion(10_000);
        java.util.Map<String, IMqttToken> tokens = new java.util.LinkedHashMap<>();
        try {
            for (int i = 1; i <= 33; i++) {
                String device = i <= 30 ? "aq-" + i : "aq-missing-" + i;
                var message = new org.eclipse.paho.mqttv5.common.MqttMessage(("{\"t\": " + i + "}").getBytes(StandardCharsets.UTF_8));
                message.setQos(1);
                tokens.put(device, gateway.publish("/" + devices.apiKey + "/" + device + "/attrs", message));
            }
            for (IMqttToken token : tokens.values()) {
                token.waitForCompletion(10_000);
            }
        } finally {
            gateway.disconnect().waitForCompletion(10_000);
            gateway.close();
        }
        for (int i = 1; i <= 30; i++) {
            assertThat(tokens.get("aq-" + i).getReasonCodes()).as("aq-" + i).containsExactly(0x00);
            assertThat(devices.entity("aq-" + i).path("temperature").path("value").asInt()).as("aq-" + i).isEqualTo(i);
        }
        for (int i = 31; i <= 33; i++) {
            assertThat(tokens.get("aq-missing-" + i).getReasonCodes()).as("an unknown device").doesNotContain(0x00);
        }
        TestServer.flushIngestCounters();
        JsonNode unknown = api.get("/iot/rejections").tenant(devices.tenant).send().json().path("unknownDevices");
        assertThat(unknown.findValuesAsText("device_id")).contains("aq-missing-31", "aq-missing-32", "aq-missing-33");
    }

    private static int[] publish5(MqttAsyncClient client, String topic, String payload) throws Exception {
        org.eclipse.paho.mqttv5.common.MqttMessage message = new org.eclipse.paho.mqttv5.common.MqttMessage(
                payload.getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        IMqttToken token = client.publish(topic, message);
        token.waitForCompletion(10_000);
        return token.getReasonCodes();
    }
}
