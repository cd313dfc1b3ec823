package org.meridian.broker.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.time.Instant;
import java.util.List;
import org.meridian.broker.ContextService;
import org.meridian.broker.NotificationStream;
import org.meridian.broker.SubscriptionService;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.security.Caller;
import org.meridian.core.security.Redaction;
import org.meridian.core.subscription.StoredSubscription;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.Callers;
import org.meridian.platform.http.MediaTypes;
import org.meridian.platform.http.NgsiLdExchange;
import org.meridian.platform.http.Parameters;
import org.meridian.platform.http.EventStreams;
import org.meridian.platform.http.PathSegment;
import org.meridian.platform.http.Routes;

/** Subscriptions: /ngsi-ld/v1/subscriptions (clause 6.10–6.11). */
public final class SubscriptionRoutes implements Routes {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> PRODUCIBLE = List.of(MediaTypes.JSON, MediaTypes.JSON_LD);

    private final SubscriptionService subscriptions;
    private final NotificationStream stream;
    private final ContextService contexts;
    private final EntityRoutes.Limits limits;

    public SubscriptionRoutes(SubscriptionService subscriptions, NotificationStream stream, ContextService contexts,
                       EntityRoutes.Limits limits) {
        this.subscriptions = subscriptions;
        this.stream = stream;
        this.contexts = contexts;
        this.limits = limits;
    }

    @Override
    public void register(RoutesConfig routes) {
        String base = EntityRoutes.BASE + "/subscriptions";
        routes.post(base, this::create, Access.READ_DATA);
        routes.get(base, this::list, Access.READ_DATA);
        routes.get(base + "/{subscriptionId}", this::retrieve, Access.READ_DATA);
        routes.patch(base + "/{subscriptionId}", this::update, Access.READ_DATA);
        routes.delete(base + "/{subscriptionId}", this::delete, Access.READ_DATA);
        routes.beforeMatched(base + "/{subscriptionId}/stream", this::checkStream);
        routes.sse(base + "/{subscriptionId}/stream", this::stream, Access.READ_DATA);
    }

    private static String streamTenant(Context http) {
        return NgsiLdExchange.streamTenantOf(http);
    }

    /** Refuses, in problem details, a stream of a missing or non-stream subscription before the stream opens. */
    private void checkStream(Context http) {
        stream.require(Callers.of(http, streamTenant(http)), http.pathParam("subscriptionId"));
        lastEventId(http);
        // Without this Accept, Javalin answers an empty 200 and no stream: say what to send instead.
        if (!NgsiLdExchange.wantsStream(http)) {
            throw new MeridianException(ErrorType.NOT_ACCEPTABLE, "A stream is sent as server-sent events: send"
                    + " Accept: text/event-stream (browsers' EventSource does; with curl, -N -H 'Accept: text/event-stream')");
        }
    }

    /**
     * Server-sent events: each notification is an event named {@code notification} whose id is its queue position, so
     * a client reconnecting with {@code Last-Event-ID} resumes where it was; an event named {@code missed} says that
     * notifications up to its id were dropped before this client read them. A comment every 15 s keeps proxies from
     * closing an idle stream.
     */
    private void stream(SseClient client) {
        Caller caller = Callers.of(client.ctx(), streamTenant(client.ctx()));
        String id = client.ctx().pathParam("subscriptionId");
        long[] position = {lastEventId(client.ctx())};
        NotificationStream.Sink sink = new NotificationStream.Sink() {
            @Override
            public boolean send(long sequence, String notification) {
                client.sendEvent("notification", notification, String.valueOf(sequence));
                return !client.terminated();
            }

            @Override
            public boolean missed(long through) {
                client.sendEvent("missed", "{\"missedThrough\": " + through + "}", String.valueOf(through));
                return !client.terminated();
            }
        };
        EventStreams.serve(client, () -> {
            long next = stream.drain(caller, id, position[0], sink);
            if (next < 0) {
                return EventStreams.Found.END;
            }
            boolean sent = next != position[0];
            position[0] = next;
            return sent ? EventStreams.Found.SENT : EventStreams.Found.NOTHING;
        });
    }

    private static long lastEventId(Context http) {
        String header = http.header("Last-Event-ID");
        try {
            return header == null ? 0 : Math.max(0, Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            throw MeridianException.badData("Last-Event-ID must be the id of an event this stream sent, not '" + header + "'");
        }
    }

    private void create(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        JsonNode body = exchange.body(false);
        checkJsonLdContext(body);
        String id = subscriptions.create(exchange.caller(), body, exchange.contextValue(), exchange.context());
        http.header("Location", EntityRoutes.BASE + "/subscriptions/" + PathSegment.encode(id)).status(201);
    }

    private void list(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        String mediaType = exchange.accept(PRODUCIBLE);
        int limit = Parameters.integer(http, "limit", limits.defaultLimit(), 1);
        if (limit > limits.maxLimit()) {
            throw new MeridianException(ErrorType.TOO_MANY_RESULTS, "limit may be at most " + limits.maxLimit());
        }
        int offset = Parameters.integer(http, "offset", 0, 0);
        ArrayNode list = NODES.arrayNode();
        // One more than the page says whether there is a next page (clause 5.5.9).
        List<StoredSubscription> rows = subscriptions.list(exchange.caller(), limit + 1, offset);
        JsonLdContext shownWith = exchange.context();
        rows.stream().limit(limit).forEach(row -> list.add(present(row, shownWith)));
        exchange.respond(200, list, mediaType);
        PageLinks.add(http, mediaType, limit, offset, rows.size() > limit);
    }

    private void retrieve(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        String mediaType = exchange.accept(PRODUCIBLE);
        exchange.respond(200, present(subscriptions.retrieve(exchange.caller(), subscriptionId(http)), exchange.context()),
                mediaType);
    }

    private void update(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        JsonNode body = exchange.body(true);
        subscriptions.update(exchange.caller(), subscriptionId(http), body, exchange.context());
        http.status(204);
    }

    private void delete(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        subscriptions.delete(exchange.caller(), subscriptionId(http));
        http.status(204);
    }

    /**
     * The context notifications are compacted with (jsonldContext) must be a URI the broker can resolve now: a
     * subscription that could never notify is refused at once (400, or 503 LdContextNotAvailable).
     */
    private void checkJsonLdContext(JsonNode body) {
        JsonNode jsonldContext = body.get("jsonldContext");
        if (jsonldContext == null || jsonldContext.isNull()) {
            return;
        }
        if (!jsonldContext.isTextual()) {
            throw MeridianException.badData("jsonldContext must be the URI of an @context");
        }
        org.meridian.core.ngsild.EntityParser.requireUri(jsonldContext.asText(), "jsonldContext");
        contexts.resolve(jsonldContext);
    }

    /** A subscription id is a URI; anything else is a malformed request, not a missing subscription (clause 6.3.2). */
    private static String subscriptionId(Context http) {
        return org.meridian.core.ngsild.EntityParser.requireUri(http.pathParam("subscriptionId"), "The subscription id");
    }

    /**
     * The subscription as sent, with its state and delivery statistics (clause 5.2.12, 5.2.14); its entity types and
     * attribute names in the terms of the reader's @context (the full IRIs, without one).
     */
    private ObjectNode present(StoredSubscription row, JsonLdContext shownWith) {
        ObjectNode out = (ObjectNode) row.body().deepCopy();
        recompact(out, contexts.resolve(row.context()), shownWith);
        out.put("id", row.id());
        out.put("type", "Subscription");
        // isActive is shown as the client set it, and whenever the subscription is paused; true is its default.
        if (out.has("isActive") || !row.active()) {
            out.put("isActive", row.active());
        }
        if (!out.has("notificationTrigger")) {
            // What a subscription without triggers is notified of (clause 5.2.12): attributes created or updated.
            out.putArray("notificationTrigger").add("attributeCreated").add("attributeUpdated");
        }
        boolean expired = row.expiresAt() != null && !row.expiresAt().isAfter(Instant.now());
        out.put("status", expired ? "expired" : !row.active() ? "paused" : row.status().equals("failed") ? "failed" : "active");
        ObjectNode notification = out.withObjectProperty("notification");
        if (notification.get("endpoint") instanceof ObjectNode endpoint) {
            Redaction.endpoint(endpoint);
        }
        // Counters appear once there is something to count.
        if (row.timesSent() > 0) {
            notification.put("timesSent", row.timesSent());
        }
        if (row.timesFailed() > 0) {
            notification.put("timesFailed", row.timesFailed());
        }
        putTime(notification, "lastNotification", row.lastNotification());
        putTime(notification, "lastSuccess", row.lastSuccess());
        putTime(notification, "lastFailure", row.lastFailure());
        if (row.lastNotification() != null || row.status().equals("failed")) {
            // How the last attempt went; before any attempt there is nothing to say.
            notification.put("status", row.status().equals("failed") || row.consecutiveFailures() > 0 ? "failed" : "ok");
        }
        return out;
    }

    /** Type names and attribute names, expanded as the subscriber meant them and compacted for the reader. */
    static void recompact(ObjectNode subscription, JsonLdContext sentWith, JsonLdContext shownWith) {
        if (subscription.get("entities") instanceof ArrayNode entities) {
            for (JsonNode selector : entities) {
                JsonNode type = selector.get("type");
                // A type expression (A,B or (A;B)|C) is left as written.
                if (selector instanceof ObjectNode object && type != null && type.isTextual() && SIMPLE_NAME.matcher(type.asText()).matches()) {
                    object.put("type", shownWith.compactIri(sentWith.expandTerm(type.asText())));
                }
            }
        }
        recompactNames(subscription.get("watchedAttributes"), sentWith, shownWith);
        recompactNames(subscription.path("notification").get("attributes"), sentWith, shownWith);
    }

    private static final java.util.regex.Pattern SIMPLE_NAME = java.util.regex.Pattern.compile("[^,;|()\\s]+");

    private static void recompactNames(JsonNode names, JsonLdContext sentWith, JsonLdContext shownWith) {
        if (names instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, shownWith.compactIri(sentWith.expandTerm(array.get(i).asText())));
                }
            }
        }
    }

    private static void putTime(ObjectNode node, String member, Instant time) {
        if (time != null) {
            node.put(member, time.toString());
        }
    }
}
