package org.meridian.broker.delivery;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes notifications to MQTT brokers named by subscription endpoints ({@code mqtt://user:pass@host:port/topic},
 * {@code mqtts://…}). One connection per broker and credentials, reused; a publish with QoS 1 or 2 returns only when the
 * broker acknowledged it, so the notification is removed from its queue only then.
 */
public final class MqttPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttPublisher.class);

    private final Map<String, MqttClient> clients = new ConcurrentHashMap<>();
    private final int timeoutSeconds;

    public MqttPublisher(int timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }

    /** @return true when the broker took the message (for QoS 0: when it was written to the connection) */
    public boolean publish(URI endpoint, int qos, byte[] payload) {
        String key = endpoint.getScheme() + "://" + (endpoint.getRawUserInfo() == null ? "" : endpoint.getRawUserInfo() + "@")
                + endpoint.getHost() + ":" + port(endpoint);
        try {
            MqttClient client = clients.computeIfAbsent(key, k -> connect(endpoint));
            if (client == null || !client.isConnected()) {
                clients.remove(key);
                client = connect(endpoint);
                if (client == null) {
                    return false;
                }
                clients.put(key, client);
            }
            client.publish(topic(endpoint), payload, qos, false);
            return true;
        } catch (MqttException | RuntimeException e) {
            LOG.debug("MQTT publish to {} failed: {}", endpoint, e.toString());
            MqttClient broken = clients.remove(key);
            closeQuietly(broken);
            return false;
        }
    }

    public static String topic(URI endpoint) {
        String path = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
        return URLDecoder.decode(path.startsWith("/") ? path.substring(1) : path, StandardCharsets.UTF_8);
    }

    private static int port(URI endpoint) {
        if (endpoint.getPort() > 0) {
            return endpoint.getPort();
        }
        return endpoint.getScheme().equalsIgnoreCase("mqtts") ? 8883 : 1883;
    }

    private MqttClient connect(URI endpoint) {
        String scheme = endpoint.getScheme().equalsIgnoreCase("mqtts") ? "ssl" : "tcp";
        try {
            MqttClient client = new MqttClient(scheme + "://" + endpoint.getHost() + ":" + port(endpoint),
                    "meridian-" + UUID.randomUUID(), new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            options.setConnectionTimeout(timeoutSeconds);
            options.setMaxInflight(1_000);
            options.setAutomaticReconnect(false);
            if (endpoint.getUserInfo() != null) {
                String[] credentials = endpoint.getUserInfo().split(":", 2);
                options.setUserName(credentials[0]);
                if (credentials.length > 1) {
                    options.setPassword(credentials[1].toCharArray());
                }
            }
            client.setTimeToWait(timeoutSeconds * 1000L);
            client.connect(options);
            return client;
        } catch (MqttException e) {
            LOG.debug("MQTT connection to {}:{} failed: {}", endpoint.getHost(), port(endpoint), e.toString());
            return null;
        }
    }

    private static void closeQuietly(MqttClient client) {
        if (client == null) {
            return;
        }
        try {
            if (client.isConnected()) {
                client.disconnect(1_000);
            }
            client.close();
        } catch (MqttException ignored) {
            // the connection is being dropped anyway
        }
    }

    @Override
    public void close() {
        clients.values().forEach(MqttPublisher::closeQuietly);
        clients.clear();
    }
}
