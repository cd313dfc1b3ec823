package org.meridian.broker.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.meridian.core.ngsild.NgsiLd;
import org.meridian.core.subscription.Subscription;

/**
 * One notification on its way to a receiver.
 *
 * @param contextValue the subscription's {@code @context} (a URL, or null for the core context)
 * @param payload the rendered notification, as queued
 */
public record Notification(Subscription.Endpoint endpoint, String tenant, JsonNode contextValue, String payload) {

    /**
     * The @context a subscription's notifications name (clause 5.2.12): its jsonldContext when it has one, else the
     * context it was created with (one URL as itself).
     */
    public static JsonNode presentedContext(JsonNode subscriptionBody, JsonNode contextValue) {
        JsonNode jsonldContext = subscriptionBody == null ? null : subscriptionBody.get("jsonldContext");
        if (jsonldContext != null && jsonldContext.isTextual()) {
            return jsonldContext;
        }
        if (contextValue != null && contextValue.isArray() && contextValue.size() == 1 && contextValue.get(0).isTextual()) {
            return contextValue.get(0);
        }
        return contextValue;
    }

    /** Its headers: HTTP request headers, or an MQTT message's metadata. */
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", endpoint.accept());
        if (endpoint.accept().equals("application/json")) {
            String url = contextValue != null && contextValue.isTextual() ? contextValue.asText() : NgsiLd.CORE_CONTEXT_V1_8;
            headers.put("Link", "<" + url + ">; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\"");
        }
        if (!tenant.isEmpty()) {
            headers.put("NGSILD-Tenant", tenant);
        }
        headers.putAll(endpoint.receiverInfo());
        return headers;
    }
}
