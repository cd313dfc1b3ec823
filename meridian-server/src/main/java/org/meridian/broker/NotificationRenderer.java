package org.meridian.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.AttributeType;
import org.meridian.core.ngsild.Entity;
import org.meridian.core.ngsild.EntityChange;
import org.meridian.core.ngsild.EntityRenderer;
import org.meridian.core.ngsild.NgsiLd;
import org.meridian.core.ngsild.RenderOptions;
import org.meridian.core.subscription.Subscription;

/** Builds the Notification body (clause 5.3.1) for one change, in the subscription's terms and format. */
final class NotificationRenderer {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private NotificationRenderer() {
    }

    static ObjectNode render(Subscription subscription, JsonNode contextValue, JsonLdContext context, EntityChange change,
                             Instant now) {
        ObjectNode notification = header(subscription, contextValue, now);
        ArrayNode data = notification.putArray("data");
        RenderOptions options = options(subscription);
        if (change.kind() == EntityChange.Kind.DELETED) {
            ObjectNode deleted = data.addObject();
            deleted.put("id", change.entity().id());
            deleted.set("type", EntityRenderer.compactTypes(change.entity().types(), context));
            deleted.put("deletedAt", now.toString());
            addDeleted(deleted, change.entity().attributes(), subscription, context, options, true);
        } else {
            ObjectNode entity = EntityRenderer.render(change.entity(), context, options);
            if (subscription.showChanges() && subscription.format() != RenderOptions.Format.KEY_VALUES) {
                addPreviousValues(entity, change, context, options);
            }
            ObjectNode gone = NODES.objectNode();
            change.previous().properties().forEach(attribute -> {
                if (!change.entity().attributes().has(attribute.getKey())) {
                    gone.set(attribute.getKey(), attribute.getValue());
                }
            });
            addDeleted(entity, gone, subscription, context, options, false);
            data.add(entity);
        }
        return notification;
    }

    /**
     * Attributes that are gone (deleted, or with their entity) appear with the NGSI-LD null as their value (clause
     * 5.2.14), so a receiver learns of the deletion; with showChanges, beside the value they had.
     */
    private static void addDeleted(ObjectNode entity, JsonNode gone, Subscription subscription, JsonLdContext context,
                                   RenderOptions options, boolean entityDeleted) {
        for (var attribute : gone.properties()) {
            if (!options.keeps(attribute.getKey())) {
                continue;
            }
            ArrayNode instances = NODES.arrayNode();
            for (JsonNode previous : attribute.getValue()) {
                AttributeType type = AttributeType.ofStored(previous.path("type").asText());
                JsonNode marker = type == AttributeType.LANGUAGE_PROPERTY && !entityDeleted
                        ? NODES.objectNode().put("@none", NgsiLd.NULL_URI) : NODES.textNode(NgsiLd.NULL_URI);
                if (subscription.format() == RenderOptions.Format.KEY_VALUES) {
                    instances.add(marker);
                    continue;
                }
                ObjectNode instance = instances.addObject();
                instance.put("type", type.typeName());
                instance.set(type.valueMember(), marker);
                if (previous.has("datasetId")) {
                    instance.set("datasetId", previous.get("datasetId"));
                }
                if (subscription.showChanges()) {
                    JsonNode old = EntityRenderer.renderInstance(previous, context,
                            new RenderOptions(RenderOptions.Format.NORMALIZED, false, null, null, options.language()));
                    String member = type.valueMember();
                    if (old.has(member)) {
                        instance.set("previous" + Character.toUpperCase(member.charAt(0)) + member.substring(1), old.get(member));
                    }
                }
            }
            if (!instances.isEmpty()) {
                entity.set(context.compactIri(attribute.getKey()), instances.size() == 1 ? instances.get(0) : instances);
            }
        }
    }

    /** A periodic notification (timeInterval): the current state of the selected entities. */
    static ObjectNode renderCurrent(Subscription subscription, JsonNode contextValue, JsonLdContext context,
                                    List<Entity> entities, Instant now) {
        ObjectNode notification = header(subscription, contextValue, now);
        ArrayNode data = notification.putArray("data");
        RenderOptions options = options(subscription);
        entities.forEach(entity -> data.add(EntityRenderer.render(entity, context, options)));
        return notification;
    }

    private static RenderOptions options(Subscription subscription) {
        return new RenderOptions(subscription.format(), subscription.systemAttributes(),
                subscription.notifiedAttributes().isEmpty() ? null : subscription.notifiedAttributes(), null,
                subscription.language());
    }

    /**
     * showChanges (clause 5.2.14): each changed instance also carries the value it had before, as previousValue,
     * previousObject, previousLanguageMap, previousVocab, previousJson, previousValueList or previousObjectList.
     */
    private static void addPreviousValues(ObjectNode entity, EntityChange change, JsonLdContext context, RenderOptions options) {
        for (var attribute : change.previous().properties()) {
            String name = context.compactIri(attribute.getKey());
            JsonNode rendered = entity.get(name);
            if (rendered == null) {
                continue;
            }
            if (rendered.isArray()) {
                ArrayNode instances = (ArrayNode) rendered;
                for (int i = 0; i < instances.size(); i++) {
                    instances.set(i, withPrevious(instances.get(i), attribute.getValue(), context, options));
                }
            } else {
                entity.set(name, withPrevious(rendered, attribute.getValue(), context, options));
            }
        }
    }

    private static JsonNode withPrevious(JsonNode rendered, JsonNode previousInstances, JsonLdContext context, RenderOptions options) {
        // A concise instance without metadata is the bare value: give it its object form to hold the previous one.
        ObjectNode instance = rendered.isObject() ? (ObjectNode) rendered : NODES.objectNode().set("value", rendered);
        String datasetId = instance.path("datasetId").asText("");
        for (JsonNode previous : previousInstances) {
            if (previous.path("datasetId").asText("").equals(datasetId)) {
                AttributeType type = AttributeType.ofStored(previous.path("type").asText());
                JsonNode old = EntityRenderer.renderInstance(previous, context,
                        new RenderOptions(RenderOptions.Format.NORMALIZED, false, null, null, options.language()));
                JsonNode value = old.get(type.valueMember());
                if (value != null) {
                    String member = type.valueMember();
                    instance.set("previous" + Character.toUpperCase(member.charAt(0)) + member.substring(1), value);
                }
            }
        }
        return instance;
    }

    private static ObjectNode header(Subscription subscription, JsonNode contextValue, Instant now) {
        ObjectNode notification = NODES.objectNode();
        if (subscription.endpoint().accept().equals("application/ld+json")) {
            notification.set("@context", contextValue == null ? NODES.textNode(NgsiLd.CORE_CONTEXT_V1_8) : contextValue);
        }
        notification.put("id", "urn:ngsi-ld:Notification:" + UUID.randomUUID());
        notification.put("type", "Notification");
        notification.put("subscriptionId", subscription.id());
        notification.put("notifiedAt", now.toString());
        return notification;
    }
}
