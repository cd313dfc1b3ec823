package org.meridian.broker.delivery;

import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The channels notifications are pushed through; the first that serves an endpoint delivers to it. */
public final class DeliveryChannels implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryChannels.class);

    private final List<DeliveryChannel> channels;

    public DeliveryChannels(List<DeliveryChannel> channels) {
        this.channels = List.copyOf(channels);
    }

    /** HTTP and MQTT, each delivery bounded by the timeout. */
    public static DeliveryChannels standard(Duration timeout) {
        return new DeliveryChannels(List.of(new HttpChannel(timeout), new MqttChannel(timeout)));
    }

    /** Pushes the notification through its channel; false when it was not taken, or no channel serves its endpoint. */
    public boolean push(Notification notification) {
        for (DeliveryChannel channel : channels) {
            if (channel.serves(notification.endpoint())) {
                return channel.push(notification);
            }
        }
        LOG.warn("no delivery channel serves {}", notification.endpoint().uri().getScheme());
        return false;
    }

    @Override
    public void close() {
        for (DeliveryChannel channel : channels) {
            try {
                channel.close();
            } catch (Exception e) {
                LOG.warn("{} did not stop cleanly: {}", channel.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
