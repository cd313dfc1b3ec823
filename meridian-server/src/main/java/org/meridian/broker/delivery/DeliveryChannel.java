package org.meridian.broker.delivery;

import org.meridian.core.subscription.Subscription;

/**
 * A way notifications reach their receivers. The sender pushes each queued notification through the channel that
 * serves its endpoint: {@link HttpChannel} ({@code http}, {@code https}) and {@link MqttChannel} ({@code mqtt},
 * {@code mqtts}). Server-sent-event streams ({@code sse:name}) are the one channel the receiver pulls: their queues are
 * never pushed, the stream's client collects them (NotificationStream). A new channel (a message queue, a
 * federation peer) implements this and is added to {@link DeliveryChannels}.
 */
public interface DeliveryChannel extends AutoCloseable {

    /** Whether this channel delivers to the endpoint. */
    boolean serves(Subscription.Endpoint endpoint);

    /**
     * Delivers one notification, within the channel's timeout; returns whether the receiver took it (a notification
     * not taken is tried again later, and nothing behind it in its queue overtakes it).
     */
    boolean push(Notification notification);

    @Override
    default void close() {
    }
}
