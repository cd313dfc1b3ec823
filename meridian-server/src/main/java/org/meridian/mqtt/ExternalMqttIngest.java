package org.meridian.mqtt;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.meridian.core.ingest.MeasurementRejected;
import org.meridian.ingest.Ingest;
import org.meridian.ingest.IngestPipeline;
import org.meridian.ingest.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes measurements from an external broker (Mosquitto, EMQX…) instead of the embedded one. Meridian subscribes with a
 * persistent session (MQTT 3.1.1, QoS 1) and acknowledges each message only after it is stored, so what arrives while
 * Meridian is down or busy waits in the broker. Which device may publish on which topic is the broker's access control.
 *
 * <p>A thin client on Netty's MQTT codec rather than Paho: profiled at 8,000 measurements a second, Paho's three
 * threads per connection and their hand-offs cost a third of the server's CPU. Here one event loop decodes, queues and
 * acknowledges. When the ingest queue is full the client stops reading its socket until there is room, so the broker,
 * not this process, holds the excess; a measurement the pipeline could not store is never acknowledged, and the
 * client reconnects so that the broker sends it again.
 */
public final class ExternalMqttIngest implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExternalMqttIngest.class);
    private static final int KEEP_ALIVE_SECONDS = 30;
    private static final int MAX_MESSAGE_BYTES = 1024 * 1024;

    public record Options(String url, String clientId, String username, String password) {
    }

    private final Ingest ingest;
    private final Options options;
    private final Clock clock;
    private final String host;
    private final int port;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private volatile Channel channel;
    private volatile boolean closed;
    private long reconnectDelayMillis = 500;

    private ExternalMqttIngest(Ingest ingest, Options options, Clock clock) {
        this.ingest = ingest;
        this.options = options;
        this.clock = clock;
        URI uri = URI.create(options.url());
        if (!"tcp".equals(uri.getScheme()) && !"mqtt".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalStateException("MERIDIAN_MQTT_BROKER_URL must look like tcp://host:1883, not " + options.url());
        }
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : 1883;
    }

    /** Connects and subscribes; fails when the broker cannot be reached or refuses the session. */
    public static ExternalMqttIngest start(Ingest ingest, Options options, Clock clock) {
        ExternalMqttIngest subscriber = new ExternalMqttIngest(ingest, options, clock);
        try {
            subscriber.connect().get(15, TimeUnit.SECONDS);
            return subscriber;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            subscriber.close();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("Cannot connect to the MQTT broker " + options.url() + " (" + cause.getMessage()
                    + "); check MERIDIAN_MQTT_BROKER_URL", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            subscriber.close();
            throw new IllegalStateException("Interrupted while connecting to the MQTT broker " + options.url(), e);
        }
    }

    /** Completes when the broker accepted the session and the subscriptions. */
    private CompletableFuture<Void> connect() {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Session session = new Session(ready);
        new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel socket) {
                        socket.pipeline().addLast(new FlushConsolidationHandler(256, true), new MqttDecoder(MAX_MESSAGE_BYTES),
                                MqttEncoder.INSTANCE, new IdleStateHandler(0, KEEP_ALIVE_SECONDS / 2, 0), session);
                    }
                })
                .connect(host, port).addListener(connected -> {
                    if (!connected.isSuccess()) {
                        ready.completeExceptionally(connected.cause());
                        reconnectLater();
                    }
                });
        return ready;
    }

    private void reconnectLater() {
        if (closed || group.isShuttingDown()) {
            return;
        }
        long delay = reconnectDelayMillis;
        reconnectDelayMillis = Math.min(30_000, reconnectDelayMillis * 2);
        group.schedule(() -> {
            if (!closed) {
                connect();
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** One connection's conversation with the broker; all on the event loop. */
    private final class Session extends SimpleChannelInboundHandler<MqttMessage> {
        private final CompletableFuture<Void> ready;
        /** Measurements read while the ingest queue was full, in order; reading stops until they are queued. */
        private final ArrayDeque<Held> held = new ArrayDeque<>();
        private boolean retryScheduled;

        private record Held(int packetId, IngestPipeline.Raw raw) {
        }

        Session(CompletableFuture<Void> ready) {
            this.ready = ready;
        }

        @Override
        public void channelActive(ChannelHandlerContext context) {
            MqttMessageBuilders.ConnectBuilder connect = MqttMessageBuilders.connect().clientId(options.clientId())
                    .protocolVersion(MqttVersion.MQTT_3_1_1).cleanSession(false).keepAlive(KEEP_ALIVE_SECONDS);
            if (options.username() != null) {
                connect.hasUser(true).username(options.username());
                if (options.password() != null) {
                    connect.hasPassword(true).password(options.password().getBytes(StandardCharsets.UTF_8));
                }
            }
            context.writeAndFlush(connect.build());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext context, MqttMessage message) {
            if (message.decoderResult().isFailure()) {
                LOG.warn("unreadable packet from the MQTT broker ({}); reconnecting", message.decoderResult().cause().toString());
                context.close();
                return;
            }
            switch (message.fixedHeader().messageType()) {
                case CONNACK -> connected(context, (MqttConnAckMessage) message);
                case SUBACK -> {
                    channel = context.channel();
                    reconnectDelayMillis = 500;
                    LOG.info("taking measurements from the MQTT broker {}", options.url());
                    ready.complete(null);
                }
                case PUBLISH -> published(context, (MqttPublishMessage) message);
                default -> {
                    // PINGRESP, and acknowledgements of nothing this client sends
                }
            }
        }

        private void connected(ChannelHandlerContext context, MqttConnAckMessage connAck) {
            MqttConnectReturnCode code = connAck.variableHeader().connectReturnCode();
            if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                ready.completeExceptionally(new IllegalStateException("the broker refused the connection: " + code));
                LOG.error("the MQTT broker {} refused the connection: {}", options.url(), code);
                context.close();
                return;
            }
            // The persistent session keeps the subscriptions; subscribing again covers a broker that lost them.
            MqttMessageBuilders.SubscribeBuilder subscribe = MqttMessageBuilders.subscribe().messageId(1);
            for (String topic : Topics.SUBSCRIPTIONS) {
                subscribe.addSubscription(MqttQoS.AT_LEAST_ONCE, topic);
            }
            context.writeAndFlush(subscribe.build());
        }

        private void published(ChannelHandlerContext context, MqttPublishMessage publish) {
            // QoS 0 publications have no packet id and get no acknowledgement.
            int packetId = publish.fixedHeader().qosLevel() == MqttQoS.AT_MOST_ONCE ? -1 : publish.variableHeader().packetId();
            String topic = publish.variableHeader().topicName();
            Optional<Topics.Target> target = Topics.parse(topic);
            if (target.isEmpty()) {
                acknowledge(context.channel(), packetId);
                return;
            }
            IngestPipeline.Raw raw = new IngestPipeline.Raw("mqtt", target.get().apiKey(), target.get().deviceId(),
                    target.get().key(), ByteBufUtil.getBytes(publish.payload()), clock.instant());
            if (!held.isEmpty() || !queue(context.channel(), packetId, raw)) {
                held.add(new Held(packetId, raw));
                holdBack(context);
            }
        }

        /** Hands a measurement to the pipeline; false when its queue is full. Acknowledged once stored. */
        private boolean queue(Channel connection, int packetId, IngestPipeline.Raw raw) {
            Optional<CompletableFuture<IngestPipeline.Outcome>> queued = ingest.pipeline().offer(raw);
            if (queued.isEmpty()) {
                return false;
            }
            queued.get().whenComplete((outcome, failure) -> {
                if (failure != null || outcome instanceof IngestPipeline.Outcome.Rejected rejected
                        && rejected.reason() == MeasurementRejected.Reason.OVERLOADED) {
                    // Not stored, not acknowledged: a new connection makes the broker send it again, and the rest.
                    if (connection.isActive()) {
                        LOG.warn("a measurement on {}/{} was not stored; reconnecting so the broker sends it again",
                                raw.apiKey(), raw.deviceId());
                        connection.close();
                    }
                } else {
                    acknowledge(connection, packetId);
                }
            });
            return true;
        }

        /** Stops reading and tries the held measurements again shortly. */
        private void holdBack(ChannelHandlerContext context) {
            context.channel().config().setAutoRead(false);
            if (!retryScheduled) {
                retryScheduled = true;
                context.executor().schedule(() -> retryHeld(context), 10, TimeUnit.MILLISECONDS);
            }
        }

        private void retryHeld(ChannelHandlerContext context) {
            retryScheduled = false;
            if (!context.channel().isActive()) {
                held.clear(); // unacknowledged: the broker sends them again on the next connection
                return;
            }
            while (!held.isEmpty()) {
                Held next = held.peek();
                if (!queue(context.channel(), next.packetId(), next.raw())) {
                    holdBack(context);
                    return;
                }
                held.poll();
            }
            context.channel().config().setAutoRead(true);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext context, Object event) {
            if (event instanceof IdleStateEvent idle && idle.state() == IdleState.WRITER_IDLE) {
                context.writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGREQ, false, MqttQoS.AT_MOST_ONCE, false, 0)));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            held.clear();
            if (!closed) {
                if (ready.isDone()) {
                    LOG.warn("lost the MQTT broker {}; reconnecting", options.url());
                }
                ready.completeExceptionally(new IllegalStateException("the broker closed the connection"));
                reconnectLater();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            LOG.debug("MQTT broker connection: {}", cause.toString());
            context.close();
        }
    }

    private static void acknowledge(Channel connection, int packetId) {
        if (packetId < 0) {
            return;
        }
        connection.writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBACK, false, MqttQoS.AT_MOST_ONCE, false, 2),
                MqttMessageIdVariableHeader.from(packetId)));
    }

    @Override
    public void close() {
        closed = true;
        Channel current = channel;
        if (current != null && current.isActive()) {
            current.writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE, false, 0)))
                    .awaitUninterruptibly(2, TimeUnit.SECONDS);
            current.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
