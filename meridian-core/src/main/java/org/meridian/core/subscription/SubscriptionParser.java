package org.meridian.core.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;
import org.meridian.core.geo.GeoQuery;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.EntityParser;
import org.meridian.core.ngsild.NgsiLd;
import org.meridian.core.ngsild.RenderOptions;
import org.meridian.core.query.ClientRegex;
import org.meridian.core.query.QueryExpression;
import org.meridian.core.query.QueryParser;
import org.meridian.core.query.ScopeQuery;

/** Checks a subscription payload (clause 5.2.12) and builds the {@link Subscription} it describes. */
public final class SubscriptionParser {
    private static final Set<Subscription.Trigger> DEFAULT_TRIGGERS = EnumSet.of(Subscription.Trigger.ENTITY_CREATED,
            Subscription.Trigger.ENTITY_UPDATED, Subscription.Trigger.ATTRIBUTE_CREATED, Subscription.Trigger.ATTRIBUTE_UPDATED);

    /** Shorter periods would turn a subscription into a load generator; the limit is documented. */
    public static final int MIN_TIME_INTERVAL_SECONDS = 1;

    /**
     * The members of clause 5.2.12 and its parts (read-only ones included, so what a GET answered can be sent back).
     * Anything else is refused: a misspelt or outdated member ({@code expires} for {@code expiresAt}) silently ignored
     * leaves a subscription doing something else than its author meant.
     */
    private static final Set<String> SUBSCRIPTION_MEMBERS = Set.of("id", "type", "@context", "subscriptionName", "description",
            "entities", "watchedAttributes", "notificationTrigger", "timeInterval", "q", "geoQ", "csf", "isActive",
            "notification", "expiresAt", "throttling", "temporalQ", "scopeQ", "lang", "datasetId", "jsonldContext",
            "status", "createdAt", "modifiedAt", "expandValues", "localOnly");
    private static final Set<String> NOTIFICATION_MEMBERS = Set.of("attributes", "sysAttrs", "format", "showChanges",
            "endpoint", "join", "joinLevel", "pick", "omit", "status", "timesSent", "timesFailed", "lastNotification",
            "lastFailure", "lastSuccess");
    private static final Set<String> ENDPOINT_MEMBERS = Set.of("uri", "accept", "timeout", "cooldown", "receiverInfo",
            "notifierInfo");

    private SubscriptionParser() {
    }

    private static void requireKnownMembers(JsonNode object, Set<String> known, String what) {
        for (String member : (Iterable<String>) object::fieldNames) {
            if (!known.contains(member)) {
                throw MeridianException.badData("'" + member + "' is not a member of " + what
                        + (member.equals("expires") ? " (the expiry is expiresAt)" : ""));
            }
        }
    }

    public static Subscription parse(String id, JsonNode body, JsonLdContext context, int maxQueryTerms, Instant now) {
        if (!body.isObject()) {
            throw MeridianException.badData("A subscription must be a JSON object");
        }
        if (!"Subscription".equals(body.path("type").asText())) {
            throw MeridianException.badData("A subscription needs \"type\": \"Subscription\"");
        }
        requireKnownMembers(body, SUBSCRIPTION_MEMBERS, "a subscription");
        if (body.get("notification") instanceof com.fasterxml.jackson.databind.node.ObjectNode notificationObject) {
            requireKnownMembers(notificationObject, NOTIFICATION_MEMBERS, "notification");
            if (notificationObject.get("endpoint") instanceof com.fasterxml.jackson.databind.node.ObjectNode endpointObject) {
                requireKnownMembers(endpointObject, ENDPOINT_MEMBERS, "notification.endpoint");
            }
        }
        for (String unsupported : List.of("csf", "temporalQ")) {
            if (body.has(unsupported) || body.path("notification").has(unsupported)) {
                throw new MeridianException(ErrorType.OPERATION_NOT_SUPPORTED,
                        unsupported + " is not supported by this broker yet");
            }
        }
        List<Subscription.EntitySelector> entities = entities(body.get("entities"), context);
        Set<String> watched = names(body.get("watchedAttributes"), "watchedAttributes", context);
        if (entities.isEmpty() && watched.isEmpty()) {
            throw MeridianException.badData("A subscription needs entities or watchedAttributes");
        }
        QueryExpression query = body.hasNonNull("q")
                ? QueryParser.parse(body.get("q").asText(), maxQueryTerms, context::expandTerm) : null;
        ScopeQuery scopeQuery = body.hasNonNull("scopeQ") ? ScopeQuery.parse(body.get("scopeQ").asText()) : null;
        GeoQuery geoQuery = geoQuery(body.get("geoQ"), context);
        JsonNode notification = body.get("notification");
        if (notification == null || !notification.isObject()) {
            throw MeridianException.badData("A subscription needs a notification object with an endpoint");
        }
        Double throttling = positiveSeconds(body.get("throttling"), "throttling");
        Double timeInterval = positiveSeconds(body.get("timeInterval"), "timeInterval");
        if (timeInterval != null) {
            if (timeInterval < MIN_TIME_INTERVAL_SECONDS) {
                throw MeridianException.badData("timeInterval must be at least " + MIN_TIME_INTERVAL_SECONDS + " seconds");
            }
            if (!watched.isEmpty() || throttling != null || body.has("notificationTrigger")) {
                throw MeridianException.badData("A periodic subscription (timeInterval) cannot have watchedAttributes, "
                        + "throttling or notificationTrigger");
            }
            if (entities.isEmpty()) {
                throw MeridianException.badData("A periodic subscription (timeInterval) needs entities");
            }
        }
        checkProjection(notification);
        return new Subscription(id, entities, watched, triggers(body.get("notificationTrigger")), query, scopeQuery, geoQuery,
                names(notification.get("attributes"), "notification.attributes", context), format(notification),
                notification.path("sysAttrs").asBoolean(false), body.hasNonNull("lang") ? body.get("lang").asText() : null,
                endpoint(notification.get("endpoint")), expiresAt(body.get("expiresAt"), now),
                !body.has("isActive") || bool(body.get("isActive"), "isActive"), throttling,
                notification.has("showChanges") && bool(notification.get("showChanges"), "showChanges"), timeInterval);
    }

    /** notification.pick and omit (clause 4.21): not with attributes, and no member in both. */
    private static void checkProjection(JsonNode notification) {
        JsonNode pick = notification.get("pick");
        JsonNode omit = notification.get("omit");
        if ((pick != null || omit != null) && notification.has("attributes")) {
            throw MeridianException.badData("notification.attributes cannot be combined with pick or omit");
        }
        if (pick != null && omit != null) {
            Set<String> picked = new java.util.HashSet<>();
            (pick.isArray() ? pick : List.of(pick)).forEach(member -> picked.add(member.asText()));
            for (JsonNode member : omit.isArray() ? omit : List.of(omit)) {
                if (picked.contains(member.asText())) {
                    throw MeridianException.badData("'" + member.asText() + "' is in both notification.pick and notification.omit");
                }
            }
        }
    }

    private static List<Subscription.EntitySelector> entities(JsonNode node, JsonLdContext context) {
        List<Subscription.EntitySelector> selectors = new ArrayList<>();
        if (node == null) {
            return selectors;
        }
        if (!node.isArray() || node.isEmpty()) {
            throw MeridianException.badData("entities must be a non-empty array of {type, id | idPattern}");
        }
        for (JsonNode selector : node) {
            if (!selector.path("type").isTextual()) {
                throw MeridianException.badData("Every element of entities needs a type");
            }
            String id = selector.hasNonNull("id") ? EntityParser.requireUri(selector.get("id").asText(), "entities.id") : null;
            Pattern pattern = null;
            if (selector.hasNonNull("idPattern")) {
                pattern = ClientRegex.compile(selector.get("idPattern").asText(), "entities.idPattern");
            }
            selectors.add(new Subscription.EntitySelector(context.expandTerm(selector.get("type").asText()), id, pattern));
        }
        return selectors;
    }

    private static Set<String> names(JsonNode node, String member, JsonLdContext context) {
        Set<String> names = new LinkedHashSet<>();
        if (node == null) {
            return names;
        }
        if (!node.isArray() || node.isEmpty()) {
            throw MeridianException.badData(member + " must be a non-empty array of attribute names");
        }
        for (JsonNode name : node) {
            if (!name.isTextual()) {
                throw MeridianException.badData(member + " must contain attribute names");
            }
            EntityParser.checkName(name.asText(), "attribute name");
            names.add(context.expandTerm(name.asText()));
        }
        return names;
    }

    private static Set<Subscription.Trigger> triggers(JsonNode node) {
        if (node == null) {
            return DEFAULT_TRIGGERS;
        }
        if (!node.isArray() || node.isEmpty()) {
            throw MeridianException.badData("notificationTrigger must be a non-empty array");
        }
        Set<Subscription.Trigger> triggers = EnumSet.noneOf(Subscription.Trigger.class);
        for (JsonNode name : node) {
            Subscription.Trigger trigger = Subscription.Trigger.fromWireName(name.asText());
            if (trigger == null) {
                throw MeridianException.badData("Unknown notificationTrigger '" + name.asText() + "'");
            }
            triggers.add(trigger);
        }
        return triggers;
    }

    private static GeoQuery geoQuery(JsonNode node, JsonLdContext context) {
        if (node == null || node.isNull()) {
            return null;
        }
        String geoProperty = node.hasNonNull("geoproperty") ? context.expandTerm(node.get("geoproperty").asText()) : NgsiLd.LOCATION;
        JsonNode coordinates = node.get("coordinates");
        return GeoQuery.parse(text(node, "georel"), text(node, "geometry"),
                coordinates == null ? null : coordinates.isTextual() ? coordinates.asText() : coordinates.toString(), geoProperty);
    }

    private static RenderOptions.Format format(JsonNode notification) {
        String format = notification.path("format").asText("normalized");
        return switch (format) {
            case "normalized" -> RenderOptions.Format.NORMALIZED;
            case "concise" -> RenderOptions.Format.CONCISE;
            case "keyValues", "simplified" -> RenderOptions.Format.KEY_VALUES;
            default -> throw MeridianException.badData("notification.format must be normalized, concise or keyValues, not '" + format + "'");
        };
    }

    private static Subscription.Endpoint endpoint(JsonNode node) {
        if (node == null || !node.path("uri").isTextual()) {
            throw MeridianException.badData("notification.endpoint needs a uri");
        }
        URI uri;
        try {
            uri = new URI(node.get("uri").asText());
        } catch (URISyntaxException e) {
            throw MeridianException.badData("notification.endpoint.uri is not a URI: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        switch (scheme) {
            case "http", "https" -> {
                if (uri.getHost() == null) {
                    throw MeridianException.badData("notification.endpoint.uri needs a host");
                }
            }
            case "mqtt", "mqtts" -> {
                if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
                    throw MeridianException.badData("An MQTT endpoint needs a host and a topic: mqtt://host:1883/topic");
                }
                if (uri.getPath().contains("+") || uri.getPath().contains("#")) {
                    throw MeridianException.badData("An MQTT notification topic cannot contain the wildcards + or #");
                }
            }
            case "sse" -> {
                // Notifications wait in the subscription's queue until a client reads GET /subscriptions/{id}/stream.
            }
            default -> throw MeridianException.badData("notification.endpoint.uri must use http, https, mqtt, mqtts or sse, not '" + scheme + "'");
        }
        String accept = node.path("accept").asText("application/json");
        if (!accept.equals("application/json") && !accept.equals("application/ld+json")) {
            throw MeridianException.badData("notification.endpoint.accept must be application/json or application/ld+json");
        }
        Map<String, String> receiverInfo = new LinkedHashMap<>();
        JsonNode info = node.get("receiverInfo");
        if (info != null) {
            if (!info.isArray()) {
                throw MeridianException.badData("receiverInfo must be an array of {key, value}");
            }
            for (JsonNode pair : info) {
                String key = pair.path("key").asText("");
                if (!key.matches("[A-Za-z0-9-]{1,64}") || !pair.path("value").isTextual()
                        || pair.get("value").asText().chars().anyMatch(c -> c < 0x20)) {
                    throw MeridianException.badData("receiverInfo entries need a header-name key and a text value");
                }
                receiverInfo.put(key, pair.get("value").asText());
            }
        }
        return new Subscription.Endpoint(uri, accept, receiverInfo, mqttQualityOfService(node.get("notifierInfo")));
    }

    /** notifierInfo for MQTT (clause 5.2.22): MQTT-Version mqtt3.1.1 and MQTT-QoS 0, 1 or 2. */
    private static int mqttQualityOfService(JsonNode notifierInfo) {
        int qos = 0;
        if (notifierInfo == null) {
            return qos;
        }
        if (!notifierInfo.isArray()) {
            throw MeridianException.badData("notifierInfo must be an array of {key, value}");
        }
        for (JsonNode pair : notifierInfo) {
            String value = pair.path("value").asText("");
            switch (pair.path("key").asText("")) {
                case "MQTT-QoS" -> {
                    if (!value.matches("[012]")) {
                        throw MeridianException.badData("MQTT-QoS must be 0, 1 or 2, not '" + value + "'");
                    }
                    qos = Integer.parseInt(value);
                }
                case "MQTT-Version" -> {
                    if (value.equals("mqtt5.0")) {
                        throw new MeridianException(ErrorType.OPERATION_NOT_SUPPORTED, "MQTT 5 notifications are not supported yet; use mqtt3.1.1");
                    }
                    if (!value.equals("mqtt3.1.1")) {
                        throw MeridianException.badData("MQTT-Version must be mqtt3.1.1 or mqtt5.0, not '" + value + "'");
                    }
                }
                default -> throw MeridianException.badData("Unknown notifierInfo key '" + pair.path("key").asText("") + "'");
            }
        }
        return qos;
    }

    private static Instant expiresAt(JsonNode node, Instant now) {
        if (node == null || node.isNull()) {
            return null;
        }
        Instant expiresAt = Instant.parse(EntityParser.requireDateTime(node, "expiresAt"));
        if (!expiresAt.isAfter(now)) {
            throw MeridianException.badData("expiresAt " + node.asText() + " is in the past");
        }
        return expiresAt;
    }

    private static Double positiveSeconds(JsonNode node, String member) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber() || node.asDouble() <= 0) {
            throw MeridianException.badData(member + " must be a positive number of seconds");
        }
        return node.asDouble();
    }

    private static boolean bool(JsonNode node, String member) {
        if (!node.isBoolean()) {
            throw MeridianException.badData(member + " must be true or false");
        }
        return node.asBoolean();
    }

    private static String text(JsonNode node, String member) {
        JsonNode value = node.get(member);
        return value == null || value.isNull() ? null : value.asText();
    }
}
