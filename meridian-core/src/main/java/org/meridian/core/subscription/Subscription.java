package org.meridian.core.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.locationtech.jts.geom.Geometry;
import org.meridian.core.geo.GeoJson;
import org.meridian.core.geo.GeoQuery;
import org.meridian.core.ngsild.Entity;
import org.meridian.core.ngsild.EntityChange;
import org.meridian.core.ngsild.RenderOptions;
import org.meridian.core.query.QueryEvaluator;
import org.meridian.core.query.QueryExpression;
import org.meridian.core.query.ScopeQuery;

/**
 * A checked NGSI-LD subscription (clause 5.2.12) in expanded form: what it selects and where notifications go.
 * Built by {@link SubscriptionParser}; {@link #matches} decides whether a change is notified.
 */
public record Subscription(
        String id,
        List<EntitySelector> entities,
        Set<String> watchedAttributes,
        Set<Trigger> triggers,
        QueryExpression query,
        ScopeQuery scopeQuery,
        GeoQuery geoQuery,
        Set<String> notifiedAttributes,
        RenderOptions.Format format,
        boolean systemAttributes,
        String language,
        Endpoint endpoint,
        Instant expiresAt,
        boolean active,
        Double throttlingSeconds,
        boolean showChanges,
        Double timeIntervalSeconds) {

    /** A periodic subscription (timeInterval) notifies the current state on a schedule, not changes. */
    public boolean isPeriodic() {
        return timeIntervalSeconds != null;
    }

    /** One element of {@code entities}: a type (expanded) and optionally an id or an id pattern. */
    public record EntitySelector(String type, String id, Pattern idPattern) {
        boolean matches(Entity entity) {
            return entity.types().contains(type)
                    && (id == null || id.equals(entity.id()))
                    && (idPattern == null || idPattern.matcher(entity.id()).matches());
        }
    }

    /**
     * Where and how to deliver.
     *
     * @param receiverInfo sent to the receiver (HTTP headers, or the metadata of an MQTT message)
     * @param mqttQualityOfService 0, 1 or 2 for MQTT endpoints (notifierInfo {@code MQTT-QoS})
     */
    public record Endpoint(URI uri, String accept, Map<String, String> receiverInfo, int mqttQualityOfService) {
        /** A Meridian extension: {@code sse:name} keeps notifications for a server-sent-events stream to collect. */
        public boolean isStream() {
            return uri.getScheme().equalsIgnoreCase("sse");
        }

        public boolean isMqtt() {
            return uri.getScheme().equalsIgnoreCase("mqtt") || uri.getScheme().equalsIgnoreCase("mqtts");
        }
    }

    /** The notification triggers of NGSI-LD v1.8 that Meridian supports. */
    public enum Trigger {
        ENTITY_CREATED("entityCreated"), ENTITY_UPDATED("entityUpdated"), ENTITY_DELETED("entityDeleted"),
        ATTRIBUTE_CREATED("attributeCreated"), ATTRIBUTE_UPDATED("attributeUpdated"), ATTRIBUTE_DELETED("attributeDeleted");

        private final String wireName;

        Trigger(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Trigger fromWireName(String name) {
            for (Trigger trigger : values()) {
                if (trigger.wireName.equals(name)) {
                    return trigger;
                }
            }
            return null;
        }
    }

    public boolean isExpired(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }

    /** Does this change concern this subscription? The entity must match every condition given. */
    public boolean matches(EntityChange change) {
        if (isPeriodic() || !triggered(change)) {
            return false;
        }
        if (!watchedAttributes.isEmpty() && change.changedAttributes().stream().noneMatch(watchedAttributes::contains)) {
            return false;
        }
        Entity entity = change.entity();
        if (change.kind() == EntityChange.Kind.DELETED) {
            return selectsIgnoringContent(entity);
        }
        return selects(entity);
    }

    /** Does the entity, as it is, fall under entities, q, geoQ and scopeQ? */
    public boolean selects(Entity entity) {
        if (!selectsIgnoringContent(entity)) {
            return false;
        }
        if (query != null && !QueryEvaluator.matches(query, entity.attributes())) {
            return false;
        }
        return geoQuery == null || geoMatches(entity.attributes().get(geoQuery.geoProperty()));
    }

    private boolean selectsIgnoringContent(Entity entity) {
        if (!entities.isEmpty() && entities.stream().noneMatch(selector -> selector.matches(entity))) {
            return false;
        }
        return scopeQuery == null || scopeQuery.matches(entity.scopes());
    }

    private boolean triggered(EntityChange change) {
        return switch (change.kind()) {
            case CREATED -> triggers.contains(Trigger.ENTITY_CREATED) || triggers.contains(Trigger.ATTRIBUTE_CREATED);
            case UPDATED -> triggers.contains(Trigger.ENTITY_UPDATED) || triggers.contains(Trigger.ATTRIBUTE_UPDATED)
                    || triggers.contains(Trigger.ATTRIBUTE_CREATED) || triggers.contains(Trigger.ATTRIBUTE_DELETED);
            // Deleting an entity deletes its attributes too.
            case DELETED -> triggers.contains(Trigger.ENTITY_DELETED) || triggers.contains(Trigger.ATTRIBUTE_DELETED);
        };
    }

    private boolean geoMatches(JsonNode instances) {
        if (instances == null) {
            return false;
        }
        for (JsonNode instance : instances) {
            if ("GeoProperty".equals(instance.path("type").asText())) {
                Geometry geometry = GeoJson.parse(instance.get("value"));
                if (geoQuery.matches(geometry)) {
                    return true;
                }
            }
        }
        return false;
    }
}
