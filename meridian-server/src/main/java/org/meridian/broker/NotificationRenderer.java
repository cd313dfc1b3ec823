package org.meridian.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.UUID;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.AttributeType;
import org.meridian.core.ngsild.Entity;
import org.meridian.core.ngsild.EntityChange;
import org.meridian.core.ngsild.EntityRenderer;
import org.meridian.core.ngsild.LinkedEntities;
import org.meridian.core.ngsild.Projections;
import org.meridian.core.query.Projection;
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
        return render(subscription, contextValue, context, change, now, null, null);
    }

    /**
     * @param subscriptionBody the subscription as sent (notification join, joinLevel, pick, omit; datasetId)
     * @param linked reads linked entities as the subscriber may see them, or null when there is nothing to read with
     */
    static ObjectNode render(Subscription subscription, JsonNode contextValue, JsonLdContext context, EntityChange change,
                             Instant now, JsonNode subscriptionBody, Function<Set<String>, Map<String, Entity>> linked) {
        JsonNode notificationMember = subscriptionBody == null ? null : subscriptionBody.path("notification");
        ObjectNode notification = header(subscription, contextValue, now);
        ArrayNode data = notification.putArray("data");
        RenderOptions options = options(subscription, subscriptionBody, context);
        if (change.kind() == EntityChange.Kind.DELETED) {
            ObjectNode deleted = data.addObject();
            deleted.put("id", change.entity().id());
            deleted.set("type", EntityRenderer.compactTypes(change.entity().types(), context));
            deleted.put("deletedAt", now.toString());
            if (options.systemAttributes()) {
                deleted.put("createdAt", change.entity().createdAt().toString());
                deleted.put("modifiedAt", change.entity().modifiedAt().toString());
            }
            // What the entity held is shown (as deleted) for showChanges, and for an attributeDeleted subscription
            // the attributes it watches; an entityDeleted notification is the entity's id, type and deletedAt.
            ObjectNode gone = NODES.objectNode();
            if (subscription.showChanges() || subscription.triggers().contains(Subscription.Trigger.ATTRIBUTE_DELETED)) {
                change.entity().attributes().properties().forEach(attribute -> {
                    if (subscription.showChanges() || subscription.watchedAttributes().isEmpty()
                            || subscription.watchedAttributes().contains(attribute.getKey())) {
                        gone.set(attribute.getKey(), attribute.getValue());
                    }
                });
            }
            addDeleted(deleted, gone, subscription, context, options, true, now);
        } else {
            String join = notificationMember == null ? "@none" : notificationMember.path("join").asText("@none");
            LinkedEntities links = linked == null || !(join.equals("inline") || join.equals("flat")) ? null
                    : LinkedEntities.resolve(List.of(change.entity()), options,
                    Math.max(1, Math.min(LinkedEntities.MAX_LEVEL, notificationMember.path("joinLevel").asInt(1))), linked, 1000);
            ObjectNode entity = links != null && join.equals("inline") ? links.inline(change.entity(), context, options)
                    : EntityRenderer.render(change.entity(), context, options);
            if (subscription.showChanges() && subscription.format() != RenderOptions.Format.KEY_VALUES) {
                addPreviousValues(entity, change, context, options);
            }
            ObjectNode gone = NODES.objectNode();
            change.previous().properties().forEach(attribute -> {
                JsonNode remaining = change.entity().attributes().get(attribute.getKey());
                if (remaining == null) {
                    gone.set(attribute.getKey(), attribute.getValue());
                } else {
                    addDeletedInstances(entity, attribute.getKey(), attribute.getValue(), remaining, subscription, context,
                            options, now);
                }
            });
            addDeleted(entity, gone, subscription, context, options, false, now);
            data.add(entity);
            if (links != null && join.equals("flat")) {
                // The linked entities follow the entity itself (clause 4.5.23).
                List<ObjectNode> flat = links.flat(List.of(change.entity()), context, options);
                flat.subList(1, flat.size()).forEach(data::add);
            }
        }
        withEntityContexts(subscription, contextValue, data);
        return notification;
    }

    /**
     * Attributes that are gone (deleted, or with their entity) appear with the NGSI-LD null as their value (clause
     * 5.2.14), so a receiver learns of the deletion; with showChanges, beside the value they had.
     */
    private static void addDeleted(ObjectNode entity, JsonNode gone, Subscription subscription, JsonLdContext context,
                                   RenderOptions options, boolean entityDeleted, Instant now) {
        for (var attribute : gone.properties()) {
            if (!options.keeps(attribute.getKey())) {
                continue;
            }
            ArrayNode instances = NODES.arrayNode();
            // A whole attribute is deleted as one: one null instance (its default instance's previous value).
            JsonNode all = attribute.getValue();
            JsonNode representative = all.get(0);
            for (JsonNode instance : all) {
                if (!instance.has("datasetId")) {
                    representative = instance;
                }
            }
            JsonNode[] one = all.size() == 1 ? new JsonNode[] {all.get(0)} : new JsonNode[] {withoutDatasetId(representative)};
            for (JsonNode previous : one) {
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
                if (options.systemAttributes()) {
                    for (String time : List.of("createdAt", "modifiedAt")) {
                        if (previous.has(time)) {
                            instance.set(time, previous.get(time));
                        }
                    }
                    instance.put("deletedAt", now.toString());
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

    private static JsonNode withoutDatasetId(JsonNode instance) {
        ObjectNode copy = instance.deepCopy();
        copy.remove("datasetId");
        return copy;
    }

    /** Instances (datasetIds) deleted from an attribute that remains: each shown with the NGSI-LD null beside the rest. */
    private static void addDeletedInstances(ObjectNode entity, String iri, JsonNode before, JsonNode remaining,
                                            Subscription subscription, JsonLdContext context, RenderOptions options, Instant now) {
        java.util.Set<String> left = new java.util.HashSet<>();
        remaining.forEach(instance -> left.add(instance.path("datasetId").asText("")));
        for (JsonNode instance : before) {
            if (!left.contains(instance.path("datasetId").asText(""))) {
                ObjectNode single = NODES.objectNode();
                single.putArray(iri).add(instance);
                ObjectNode shown = NODES.objectNode();
                addDeleted(shown, single, subscription, context, options, false, now);
                String name = context.compactIri(iri);
                JsonNode deleted = shown.get(name);
                JsonNode present = entity.get(name);
                if (deleted == null || present == null) {
                    continue;
                }
                if (subscription.format() == RenderOptions.Format.KEY_VALUES) {
                    // keyValues shows a multi-attribute as its values by datasetId.
                    ObjectNode dataset;
                    if (present.isObject() && present.has("dataset") && present.size() == 1) {
                        dataset = (ObjectNode) present.get("dataset");
                    } else {
                        dataset = NODES.objectNode();
                        dataset.set(remaining.get(0).path("datasetId").asText(RenderOptions.DEFAULT_INSTANCE), present);
                        entity.set(name, NODES.objectNode().set("dataset", dataset));
                    }
                    dataset.set(instance.path("datasetId").asText(RenderOptions.DEFAULT_INSTANCE), deleted);
                    continue;
                }
                ArrayNode instances = present.isArray() ? (ArrayNode) present : NODES.arrayNode().add(present);
                instances.add(deleted);
                entity.set(name, instances);
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
        withEntityContexts(subscription, contextValue, data);
        return notification;
    }

    private static RenderOptions options(Subscription subscription) {
        return new RenderOptions(subscription.format(), subscription.systemAttributes(),
                subscription.notifiedAttributes().isEmpty() ? null : subscription.notifiedAttributes(), null,
                subscription.language());
    }

    /** With the subscription as sent: notification.pick and omit (clause 4.21) and the datasetId filter (5.2.12). */
    private static RenderOptions options(Subscription subscription, JsonNode body, JsonLdContext context) {
        RenderOptions options = options(subscription);
        if (body == null) {
            return options;
        }
        JsonNode notification = body.path("notification");
        Projection pick = projection(notification.get("pick"), "notification.pick");
        Projection omit = projection(notification.get("omit"), "notification.omit");
        if (pick != null || omit != null) {
            options = Projections.options(options.format(), options.systemAttributes(), options.language(),
                    options.attributes(), pick, omit, context);
        }
        JsonNode datasetIds = body.get("datasetId");
        if (datasetIds != null && !datasetIds.isNull()) {
            Set<String> ids = new java.util.HashSet<>();
            (datasetIds.isArray() ? datasetIds : NODES.arrayNode().add(datasetIds)).forEach(id -> ids.add(id.asText()));
            options = new RenderOptions(options.format(), options.systemAttributes(), options.attributes(), options.omitted(),
                    options.language(), options.linked(), ids);
        }
        return options;
    }

    private static Projection projection(JsonNode members, String name) {
        if (members == null || members.isNull()) {
            return null;
        }
        List<String> names = new java.util.ArrayList<>();
        (members.isArray() ? members : NODES.arrayNode().add(members)).forEach(member -> names.add(member.asText()));
        return names.isEmpty() ? null : Projection.parse(name, String.join(",", names));
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

    /** As JSON-LD (endpoint.accept application/ld+json), each entity of the data is a document with its @context. */
    private static void withEntityContexts(Subscription subscription, JsonNode contextValue, ArrayNode data) {
        if (!subscription.endpoint().accept().equals("application/ld+json")) {
            return;
        }
        JsonNode value = contextValue == null ? NODES.textNode(NgsiLd.CORE_CONTEXT_V1_8) : contextValue;
        for (JsonNode element : data) {
            ((ObjectNode) element).set("@context", value);
        }
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
