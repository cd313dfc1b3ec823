package org.meridian.ingest.mqtt;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.meridian.core.ingest.MeasurementRejected;
import org.meridian.core.security.Redaction;
import org.meridian.ingest.Ingest;
import org.meridian.ingest.IngestPipeline;
import org.meridian.ingest.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes measurements from an external broker (Mosquitto, EMQX…) instead of the embedded one. Meridian subscribes with a
 * persistent session and acknowledges each QoS 1 message only after it is stored, so what arrives while Meridian is
 * down or busy waits in the broker. Which device may publish on which topic is the broker's access control there.
 */
public final class ExternalMqttIngest implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExternalMqttIngest.class);

    private final MqttClient client;

    private ExternalMqttIngest(MqttClient client) {
        this.client = client;
    }

    /** Clients being reconnected: one reconnection at a time, never on Paho's callback thread (Paho refuses that). */
    private static final java.util.Set<MqttClient> RECONNECTING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public record Options(String url, String clientId, String username, String password) {
    }

    public static ExternalMqttIngest start(Ingest ingest, Options options, Clock clock) {
        try {
            MqttClient client = new MqttClient(options.url(), options.clientId(), new MemoryPersistence());
            client.setManualAcks(true);
            MqttConnectOptions connect = new MqttConnectOptions();
            connect.setCleanSession(false);
            connect.setAutomaticReconnect(true);
            connect.setMaxInflight(1000);
            connect.setKeepAliveInterval(30);
            if (options.username() != null) {
                connect.setUserName(options.username());
                connect.setPassword(options.password() == null ? new char[0] : options.password().toCharArray());
            }
            client.setCallback(new MqttCallbackExtended() {
                @Override
                public void connectComplete(boolean reconnect, String serverUri) {
                    if (reconnect) {
                        // Never block the callback thread: the broker may be sending queued messages to it right now.
                        Thread.ofVirtual().start(() -> subscribe(client, serverUri));
                    }
                }

                @Override
                public void connectionLost(Throwable cause) {
                    LOG.warn("lost the MQTT broker ({}); reconnecting", cause.toString());
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    received(ingest, client, clock, topic, message);
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                    // Meridian publishes nothing on this connection.
                }
            });
            client.connect(connect);
            subscribe(client, options.url());
            return new ExternalMqttIngest(client);
        } catch (MqttException e) {
            throw new IllegalStateException("Cannot connect to the MQTT broker " + Redaction.url(options.url()) + " (" + e.getMessage()
                    + "); check MERIDIAN_MQTT_BROKER_URL", e);
        }
    }

    /** The persistent session keeps the subscriptions; subscribing again is harmless and covers a broker that lost it. */
    private static void subscribe(MqttClient client, String url) {
        try {
            client.subscribe(Topics.SUBSCRIPTIONS, new int[] {1, 1, 1, 1});
            LOG.info("taking measurements from the MQTT broker {}", Redaction.url(url));
        } catch (MqttException e) {
            LOG.error("subscribing to measurements on {} failed: {}", Redaction.url(url), e.toString());
        }
    }

    private static void received(Ingest ingest, MqttClient client, Clock clock, String topic, MqttMessage message) {
        Optional<Topics.Target> target = Topics.parse(topic);
        if (target.isEmpty()) {
            acknowledge(client, message);
            return;
        }
        IngestPipeline.Raw raw = new IngestPipeline.Raw("mqtt", target.get().apiKey(), target.get().deviceId(),
                target.get().key(), message.getPayload(), clock.instant());
        // Waiting for room blocks this client's reader: back-pressure onto the broker, which keeps the messages.
        ingest.pipeline().submit(raw, Duration.ofSeconds(30)).whenComplete((outcome, failure) -> {
            if (failure != null || outcome instanceof IngestPipeline.Outcome.Rejected r
                    && r.reason() == MeasurementRejected.Reason.OVERLOADED) {
                // Unacknowledged: after a reconnection the broker sends it again (and all others not acknowledged).
                if (RECONNECTING.add(client)) {
                    LOG.warn("a measurement on {} was not stored; reconnecting so the broker sends it again", topic);
                    Thread.ofVirtual().name("meridian-mqtt-reconnect").start(() -> {
                        try {
                            reconnect(client);
                        } finally {
                            RECONNECTING.remove(client);
                        }
                    });
                }
            } else {
                acknowledge(client, message);
            }
        });
    }

    private static void acknowledge(MqttClient client, MqttMessage message) {
        try {
            client.messageArrivedComplete(message.getId(), message.getQos());
        } catch (MqttException e) {
            LOG.debug("acknowledging message {} failed: {}", message.getId(), e.toString());
        }
    }

    private static void reconnect(MqttClient client) {
        try {
            if (client.isConnected()) {
                client.disconnect();
            }
        } catch (MqttException e) {
            LOG.debug("disconnecting from the MQTT broker: {}", e.toString());
        }
        long delay = 500;
        for (int attempt = 0; attempt < 200 && !client.isConnected(); attempt++) {
            try {
                client.reconnect();
            } catch (MqttException e) {
                if (e.getReasonCode() == MqttException.REASON_CODE_CLIENT_CLOSED) {
                    return;
                }
                LOG.debug("reconnecting to the MQTT broker: {}", e.toString());
            }
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            delay = Math.min(30_000, delay * 2);
        }
    }

    @Override
    public void close() {
        try {
            client.disconnect(5_000);
            client.close();
        } catch (MqttException e) {
            LOG.debug("closing the MQTT connection: {}", e.toString());
        }
    }
}
