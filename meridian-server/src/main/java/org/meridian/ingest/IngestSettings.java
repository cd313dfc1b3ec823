package org.meridian.ingest;

import java.util.ArrayList;
import java.util.List;
import org.meridian.platform.capability.Environment;

/**
 * Device ingest's settings: the embedded MQTT endpoint (or an external broker), and the measurement pipeline.
 *
 * @param mqttPort the embedded MQTT endpoint's port; -1 turns it off
 * @param brokerUrl an external broker to take measurements from instead (tcp://host:1883); null: embedded
 */
public record IngestSettings(int mqttPort, String brokerUrl, String brokerUsername, String brokerPassword,
                             String brokerClientId, int writers, int queueCapacity, int maxBatch, int maxPayloadBytes) {

    public static final String MQTT_PORT = "MERIDIAN_MQTT_PORT";
    public static final String MQTT_BROKER_URL = "MERIDIAN_MQTT_BROKER_URL";
    public static final String MQTT_BROKER_USERNAME = "MERIDIAN_MQTT_BROKER_USERNAME";
    public static final String MQTT_BROKER_PASSWORD = "MERIDIAN_MQTT_BROKER_PASSWORD";
    public static final String MQTT_BROKER_CLIENT_ID = "MERIDIAN_MQTT_BROKER_CLIENT_ID";
    public static final String INGEST_WRITERS = "MERIDIAN_INGEST_WRITERS";
    public static final String INGEST_QUEUE = "MERIDIAN_INGEST_QUEUE";
    public static final String INGEST_MAX_BATCH = "MERIDIAN_INGEST_MAX_BATCH";
    public static final String INGEST_MAX_PAYLOAD_BYTES = "MERIDIAN_INGEST_MAX_PAYLOAD_BYTES";

    public static IngestSettings from(Environment environment) {
        return new IngestSettings(environment.integer(MQTT_PORT, 1883), environment.text(MQTT_BROKER_URL, null),
                environment.text(MQTT_BROKER_USERNAME, null), environment.text(MQTT_BROKER_PASSWORD, null),
                environment.text(MQTT_BROKER_CLIENT_ID, "meridian-ingest"), environment.integer(INGEST_WRITERS, 2),
                environment.integer(INGEST_QUEUE, 20_000), environment.integer(INGEST_MAX_BATCH, 1000),
                environment.integer(INGEST_MAX_PAYLOAD_BYTES, 64 * 1024));
    }

    /** Impossible values, each with the setting to change. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (mqttPort < -1 || mqttPort > 65_535) {
            problems.add(MQTT_PORT + " must be 0..65535 (0 picks a free port) or -1 (off), not " + mqttPort);
        }
        if (brokerUrl != null && !brokerUrl.matches("(tcp|ssl)://[^/]+")) {
            problems.add(MQTT_BROKER_URL + " must look like tcp://host:1883 or ssl://host:8883, not " + brokerUrl);
        }
        if (writers < 1 || writers > 16) {
            problems.add(INGEST_WRITERS + " must be 1..16, not " + writers);
        }
        if (queueCapacity < 100) {
            problems.add(INGEST_QUEUE + " must be at least 100, not " + queueCapacity);
        }
        if (maxBatch < 1 || maxBatch > 10_000) {
            problems.add(INGEST_MAX_BATCH + " must be 1..10000, not " + maxBatch);
        }
        if (maxPayloadBytes < 64 || maxPayloadBytes > 1024 * 1024) {
            problems.add(INGEST_MAX_PAYLOAD_BYTES + " must be 64..1048576, not " + maxPayloadBytes);
        }
        return problems;
    }
}
