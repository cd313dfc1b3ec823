package org.meridian.ingest.mqtt;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.mqtt.MqttServer;
import io.vertx.mqtt.MqttServerOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import io.vertx.mqtt.messages.codes.MqttPubAckReasonCode;
import io.vertx.mqtt.messages.codes.MqttSubAckReasonCode;
import java.time.Clock;
import java.util.Collections;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.meridian.core.ingest.MeasurementRejected;
import org.meridian.ingest.Ingest;
import org.meridian.ingest.IngestPipeline;
import org.meridian.ingest.Principal;
import org.meridian.ingest.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT endpoint devices publish to (MQTT 3.1.1 and 5), built on Vert.x MQTT. It is an ingest endpoint, not a
 * general broker: devices sign in, publish their measurements and get a QoS 1 acknowledgement only once the
 * measurement is stored (PUBACK waits for the database commit, so an acknowledged measurement is never lost and a slow
 * database slows publishers down instead of filling memory). MQTT 5 clients learn why a measurement was refused from
 * the PUBACK reason code; MQTT 3.1.1 has no such code, so they see it in the device's counters. Subscriptions are
 * refused (commands to devices are not supported yet).
 */
public final class EmbeddedMqttBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMqttBroker.class);
    /** Packets up to this size are read so that oversized measurements can be counted against their device. */
    private static final int MAX_PACKET_BYTES = 1024 * 1024;

    private final Vertx vertx;
    private final MqttServer server;
    private final Ingest ingest;
    private final Clock clock;

    private EmbeddedMqttBroker(Vertx vertx, MqttServer server, Ingest ingest, Clock clock) {
        this.vertx = vertx;
        this.server = server;
        this.ingest = ingest;
        this.clock = clock;
    }

    public static EmbeddedMqttBroker start(Ingest ingest, String host, int port, Clock clock) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(4));
        MqttServer server = MqttServer.create(vertx, new MqttServerOptions().setHost(host).setPort(port)
                .setMaxMessageSize(MAX_PACKET_BYTES).setAutoClientId(true).setTimeoutOnConnect(30));
        EmbeddedMqttBroker broker = new EmbeddedMqttBroker(vertx, server, ingest, clock);
        server.endpointHandler(broker::connected).exceptionHandler(e -> LOG.debug("MQTT connection failed: {}", e.toString()));
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("The MQTT server could not listen on " + host + ":" + port + " ("
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()) + "); set MERIDIAN_MQTT_PORT", e);
        }
        LOG.info("MQTT endpoint for devices on {}:{} (MQTT 3.1.1 and 5)", host, server.actualPort());
        return broker;
    }

    public int port() {
        return server.actualPort();
    }

    private void connected(MqttEndpoint endpoint) {
        boolean v5 = endpoint.protocolVersion() == 5;
        if (endpoint.auth() == null) {
            endpoint.reject(v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USERNAME_OR_PASSWORD
                    : MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
            return;
        }
        String username = endpoint.auth().getUsername();
        String password = endpoint.auth().getPassword();
        // Checking credentials reads the database: off the event loop.
        vertx.<Optional<Principal>>executeBlocking(() -> ingest.authenticate(username, password)).onComplete(result -> {
            if (result.failed()) {
                LOG.warn("MQTT sign-in of {} could not be checked: {}", username, result.cause().toString());
                endpoint.reject(v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE_5
                        : MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE);
            } else if (result.result().isEmpty()) {
                endpoint.reject(v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USERNAME_OR_PASSWORD
                        : MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
            } else {
                serve(endpoint, result.result().get(), v5);
            }
        });
    }

    private void serve(MqttEndpoint endpoint, Principal principal, boolean v5) {
        Context context = vertx.getOrCreateContext();
        endpoint.publishAutoAck(false);
        endpoint.publishHandler(message -> published(endpoint, context, principal, v5, message));
        endpoint.publishReleaseHandler(endpoint::publishComplete);
        endpoint.subscribeHandler(subscribe -> {
            if (v5) {
                endpoint.subscribeAcknowledge(subscribe.messageId(), Collections.nCopies(subscribe.topicSubscriptions().size(),
                        MqttSubAckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR), MqttProperties.NO_PROPERTIES);
            } else {
                endpoint.subscribeAcknowledge(subscribe.messageId(), Collections.nCopies(subscribe.topicSubscriptions().size(),
                        MqttQoS.FAILURE));
            }
        });
        endpoint.unsubscribeHandler(unsubscribe -> endpoint.unsubscribeAcknowledge(unsubscribe.messageId()));
        endpoint.exceptionHandler(e -> LOG.debug("MQTT client {} failed: {}", endpoint.clientIdentifier(), e.toString()));
        endpoint.accept(false);
    }

    private void published(MqttEndpoint endpoint, Context context, Principal principal, boolean v5, MqttPublishMessage message) {
        Optional<Topics.Target> target = Topics.parse(message.topicName());
        if (target.isEmpty()) {
            acknowledge(endpoint, v5, message, MqttPubAckReasonCode.TOPIC_NAME_INVALID);
            return;
        }
        if (!principal.mayPublish(target.get().apiKey(), target.get().deviceId())) {
            LOG.debug("MQTT client {} may not publish on {}", endpoint.clientIdentifier(), message.topicName());
            if (v5) {
                acknowledge(endpoint, true, message, MqttPubAckReasonCode.NOT_AUTHORIZED);
            } else {
                // MQTT 3.1.1 cannot refuse a publication except by closing the connection (clause 3.3.5).
                endpoint.close();
            }
            return;
        }
        IngestPipeline.Raw raw = new IngestPipeline.Raw("mqtt", target.get().apiKey(), target.get().deviceId(), target.get().key(),
                message.payload().getBytes(), clock.instant());
        ingest.pipeline().submit(raw).whenComplete((outcome, failure) -> context.runOnContext(ignored -> {
            if (failure != null || outcome instanceof IngestPipeline.Outcome.Rejected r
                    && r.reason() == MeasurementRejected.Reason.OVERLOADED) {
                // Not stored, through no fault of the device: no acknowledgement. Closing makes the client send it
                // again after it reconnects, instead of waiting for an acknowledgement that never comes.
                endpoint.close();
            } else if (outcome instanceof IngestPipeline.Outcome.Rejected rejected) {
                acknowledge(endpoint, v5, message, reasonCode(rejected.reason()));
            } else {
                acknowledge(endpoint, v5, message, MqttPubAckReasonCode.SUCCESS);
            }
        }));
    }

    private static void acknowledge(MqttEndpoint endpoint, boolean v5, MqttPublishMessage message, MqttPubAckReasonCode code) {
        if (!endpoint.isConnected()) {
            return;
        }
        switch (message.qosLevel()) {
            case AT_LEAST_ONCE -> {
                if (v5) {
                    endpoint.publishAcknowledge(message.messageId(), code, MqttProperties.NO_PROPERTIES);
                } else {
                    endpoint.publishAcknowledge(message.messageId());
                }
            }
            case EXACTLY_ONCE -> endpoint.publishReceived(message.messageId());
            default -> {
                // QoS 0 has no acknowledgement.
            }
        }
    }

    private static MqttPubAckReasonCode reasonCode(MeasurementRejected.Reason reason) {
        return switch (reason) {
            case UNKNOWN_DEVICE, NOT_AUTHORIZED -> MqttPubAckReasonCode.NOT_AUTHORIZED;
            case MALFORMED, WRONG_TYPE, UNKNOWN_KEY -> MqttPubAckReasonCode.PAYLOAD_FORMAT_INVALID;
            case TOO_LARGE, OVERLOADED -> MqttPubAckReasonCode.QUOTA_EXCEEDED;
        };
    }

    @Override
    public void close() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("MQTT server did not stop cleanly: {}", e.toString());
        }
    }
}
