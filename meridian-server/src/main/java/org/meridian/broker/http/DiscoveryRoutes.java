package org.meridian.broker.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.UUID;
import org.meridian.broker.ContextService;
import org.meridian.broker.DiscoveryService;
import org.meridian.broker.DistributedDiscovery;
import org.meridian.core.error.MeridianException;
import org.meridian.broker.BrokerError;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.AttributeSummary;
import org.meridian.core.ngsild.TypeSummary;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.MediaTypes;
import org.meridian.platform.http.NgsiLdExchange;
import org.meridian.platform.http.Parameters;
import org.meridian.platform.http.Routes;

/** Type and attribute discovery: /ngsi-ld/v1/types and /ngsi-ld/v1/attributes (clause 5.7.5–5.7.10). */
public final class DiscoveryRoutes implements Routes {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> PRODUCIBLE = List.of(MediaTypes.JSON, MediaTypes.JSON_LD);

    private final DiscoveryService discovery;
    private final ContextService contexts;
    private final DistributedDiscovery distributed;

    /** @param distributed discovery across context sources, or null for this broker's own only */
    public DiscoveryRoutes(DiscoveryService discovery, ContextService contexts, DistributedDiscovery distributed) {
        this.discovery = discovery;
        this.contexts = contexts;
        this.distributed = distributed;
    }

    /**
     * This broker's types (one, or all), merged with the sources' unless local=true; a tenant this broker does not
     * hold has none of its own, but its sources may.
     */
    private List<TypeSummary> types(Context http, NgsiLdExchange exchange, String type) {
        List<TypeSummary> local = localOrNone(() -> discovery.types(exchange.caller(), type));
        if (distributed == null || Parameters.flag(http, "local")) {
            return local;
        }
        DistributedDiscovery.Found<TypeSummary> found = distributed.types(exchange.caller(), local, type, http.header("Via"));
        if (found == null) {
            return local;
        }
        EntityRoutes.warn(http, found.failures());
        return found.items();
    }

    private List<AttributeSummary> attributes(Context http, NgsiLdExchange exchange, String attribute) {
        List<AttributeSummary> local = localOrNone(() -> discovery.attributes(exchange.caller(), attribute));
        if (distributed == null || Parameters.flag(http, "local")) {
            return local;
        }
        DistributedDiscovery.Found<AttributeSummary> found = distributed.attributes(exchange.caller(), local, attribute, http.header("Via"));
        if (found == null) {
            return local;
        }
        EntityRoutes.warn(http, found.failures());
        return found.items();
    }

    private <T> List<T> localOrNone(java.util.function.Supplier<List<T>> local) {
        try {
            return local.get();
        } catch (MeridianException e) {
            if (distributed != null && e.code() == org.meridian.platform.PlatformError.TENANT_NOT_FOUND) {
                return List.of();
            }
            throw e;
        }
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(EntityRoutes.BASE + "/types", this::types, Access.READ_DATA);
        routes.get(EntityRoutes.BASE + "/types/{type}", this::type, Access.READ_DATA);
        routes.get(EntityRoutes.BASE + "/attributes", this::attributes, Access.READ_DATA);
        routes.get(EntityRoutes.BASE + "/attributes/{attrId}", this::attribute, Access.READ_DATA);
    }

    private void types(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        String mediaType = exchange.accept(PRODUCIBLE);
        JsonLdContext context = exchange.context();
        List<TypeSummary> types = types(http, exchange, null);
        if (Parameters.flag(http, "details")) {
            ArrayNode list = NODES.arrayNode();
            for (TypeSummary type : types) {
                ObjectNode item = list.addObject();
                item.put("id", type.type());
                item.put("type", "EntityType");
                item.put("typeName", context.compactIri(type.type()));
                ArrayNode names = item.putArray("attributeNames");
                type.attributeTypes().keySet().forEach(name -> names.add(context.compactIri(name)));
            }
            exchange.respond(200, list, mediaType);
            return;
        }
        ObjectNode list = NODES.objectNode();
        list.put("id", "urn:ngsi-ld:EntityTypeList:" + UUID.randomUUID());
        list.put("type", "EntityTypeList");
        ArrayNode names = list.putArray("typeList");
        types.forEach(type -> names.add(context.compactIri(type.type())));
        exchange.respond(200, list, mediaType);
    }

    private void type(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        String mediaType = exchange.accept(PRODUCIBLE);
        JsonLdContext context = exchange.context();
        String iri = context.expandTerm(http.pathParam("type"));
        List<TypeSummary> found = types(http, exchange, iri);
        if (found.isEmpty()) {
            throw new MeridianException(BrokerError.ENTITY_NOT_FOUND, "No entity of type " + http.pathParam("type"));
        }
        TypeSummary type = found.getFirst();
        ObjectNode info = NODES.objectNode();
        info.put("id", type.type());
        info.put("type", "EntityTypeInfo");
        info.put("typeName", context.compactIri(type.type()));
        info.put("entityCount", type.entityCount());
        ArrayNode details = info.putArray("attributeDetails");
        type.attributeTypes().forEach((attribute, attributeTypes) -> {
            ObjectNode detail = details.addObject();
            detail.put("id", attribute);
            detail.put("type", "Attribute");
            detail.put("attributeName", context.compactIri(attribute));
            ArrayNode typesArray = detail.putArray("attributeTypes");
            attributeTypes.forEach(typesArray::add);
        });
        exchange.respond(200, info, mediaType);
    }

    private void attributes(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        String mediaType = exchange.accept(PRODUCIBLE);
        JsonLdContext context = exchange.context();
        List<AttributeSummary> attributes = attributes(http, exchange, null);
        if (Parameters.flag(http, "details")) {
            ArrayNode list = NODES.arrayNode();
            attributes.forEach(attribute -> list.add(attributeObject(attribute, context, false)));
            exchange.respond(200, list, mediaType);
            return;
        }
        ObjectNode list = NODES.objectNode();
        list.put("id", "urn:ngsi-ld:AttributeList:" + UUID.randomUUID());
        list.put("type", "AttributeList");
        ArrayNode names = list.putArray("attributeList");
        attributes.forEach(attribute -> names.add(context.compactIri(attribute.attribute())));
        exchange.respond(200, list, mediaType);
    }

    private void attribute(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        String mediaType = exchange.accept(PRODUCIBLE);
        JsonLdContext context = exchange.context();
        String iri = context.expandTerm(exchange.attributeName());
        List<AttributeSummary> found = attributes(http, exchange, iri);
        if (found.isEmpty()) {
            throw new MeridianException(BrokerError.ENTITY_NOT_FOUND, "No entity has the attribute " + exchange.attributeName());
        }
        exchange.respond(200, attributeObject(found.getFirst(), context, true), mediaType);
    }

    private static ObjectNode attributeObject(AttributeSummary attribute, JsonLdContext context, boolean withCount) {
        ObjectNode item = NODES.objectNode();
        item.put("id", attribute.attribute());
        item.put("type", "Attribute");
        item.put("attributeName", context.compactIri(attribute.attribute()));
        if (withCount) {
            item.put("attributeCount", attribute.entityCount());
        }
        ArrayNode attributeTypes = item.putArray("attributeTypes");
        attribute.attributeTypes().forEach(attributeTypes::add);
        ArrayNode typeNames = item.putArray("typeNames");
        attribute.entityTypes().forEach(type -> typeNames.add(context.compactIri(type)));
        return item;
    }
}
