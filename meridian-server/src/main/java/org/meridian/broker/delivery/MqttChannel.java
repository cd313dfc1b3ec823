package org.meridian.broker.delivery;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.meridian.core.json.Json;
import org.meridian.core.subscription.Subscription;

/** Notifications published to MQTT brokers, as the NGSI-LD MQTT binding has them: {"metadata": {headers}, "body": …}. */
public final class MqttChannel implements DeliveryChannel {
    private final MqttPublisher publisher;

    public MqttChannel(Duration timeout) {
        this.publisher = new MqttPublisher((int) Math.max(1, timeout.toSeconds()));
    }

    @Override
    public boolean serves(Subscription.Endpoint endpoint) {
        return endpoint.isMqtt();
    }

    @Override
    public boolean push(Notification notification) {
        ObjectNode message = JsonNodeFactory.instance.objectNode();
        ObjectNode metadata = message.putObject("metadata");
        notification.headers().forEach(metadata::put);
        message.set("body", Json.parseTrusted(notification.payload()));
        Subscription.Endpoint endpoint = notification.endpoint();
        return publisher.publish(endpoint.uri(), endpoint.mqttQualityOfService(),
                Json.write(message).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        publisher.close();
    }
}
