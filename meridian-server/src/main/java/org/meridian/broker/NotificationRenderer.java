package org.meridian.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.UUID;
import org.meridian.core.jsonld.JsonLdContext;
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
        ObjectNode notification = NODES.objectNode();
        if (subscription.endpoint().accept().equals("application/ld+json")) {
            notification.set("@context", contextValue == null ? NODES.textNode(NgsiLd.CORE_CONTEXT_V1_8) : contextValue);
        }
        notification.put("id", "urn:ngsi-ld:Notification:" + UUID.randomUUID());
        notification.put("type", "Notification");
        notification.put("subscriptionId", subscription.id());
        notification.put("notifiedAt", now.toString());
        ArrayNode data = notification.putArray("data");
        if (change.kind() == EntityChange.Kind.DELETED) {
            ObjectNode deleted = data.addObject();
            deleted.put("id", change.entity().id());
            deleted.set("type", EntityRenderer.compactTypes(change.entity().types(), context));
            deleted.put("deletedAt", now.toString());
        } else {
            RenderOptions options = new RenderOptions(subscription.format(), subscription.systemAttributes(),
                    subscription.notifiedAttributes().isEmpty() ? null : subscription.notifiedAttributes(), null,
                    subscription.language());
            data.add(EntityRenderer.render(change.entity(), context, options));
        }
        return notification;
    }
}
