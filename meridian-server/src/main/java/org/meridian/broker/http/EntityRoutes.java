package org.meridian.broker.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import org.meridian.broker.BatchService;
import org.meridian.broker.BrokerError;
import org.meridian.broker.ContextService;
import org.meridian.broker.DistributedReads;
import org.meridian.broker.EntityService;
import org.meridian.broker.QueryPlanner;
import org.meridian.broker.QueryRequest;
import org.meridian.core.query.EntitySelection;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.AttributeChanges;
import org.meridian.core.ngsild.Entity;
import org.meridian.core.ngsild.EntityRenderer;
import org.meridian.core.ngsild.LinkedEntities;
import org.meridian.core.ngsild.NgsiLd;
import org.meridian.core.ngsild.RenderOptions;
import org.meridian.core.query.EntityPage;
import org.meridian.core.query.OrderBy;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.MediaTypes;
import org.meridian.platform.http.NgsiLdExchange;
import org.meridian.platform.http.Parameters;
import org.meridian.platform.http.PathSegment;
import org.meridian.platform.http.Routes;

/** Entity and attribute resources: /ngsi-ld/v1/entities (clause 6.4–6.7). */
public final class EntityRoutes implements Routes {
    static final String BASE = "/ngsi-ld/v1";
    static final List<String> ENTITY_TYPES = List.of(MediaTypes.JSON, MediaTypes.JSON_LD, MediaTypes.GEO_JSON);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final EntityService entities;
    private final BatchService batches;
    private final ContextService contexts;
    private final QueryPlanner planner;
    private final Limits limits;
    private final DistributedReads distributed;
    private final ForwardedWrites forwarded;

    /** Paging limits of the query API; the most instances one temporal answer holds before it is cut (206). */
    record Limits(int defaultLimit, int maxLimit, int temporalMaxInstances) {
    }

    public EntityRoutes(EntityService entities, BatchService batches, ContextService contexts, QueryPlanner planner, Limits limits,
                        DistributedReads distributed, org.meridian.broker.DistributedWrites writes) {
        this.distributed = distributed;
        this.forwarded = new ForwardedWrites(writes);
        this.entities = entities;
        this.batches = batches;
        this.contexts = contexts;
        this.planner = planner;
        this.limits = limits;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post(BASE + "/entities", this::create, Access.WRITE_DATA);
        routes.get(BASE + "/entities", this::query, Access.READ_DATA);
        routes.delete(BASE + "/entities", this::purge, Access.ADMINISTER);
        routes.get(BASE + "/entities/{entityId}", this::retrieve, Access.READ_DATA);
        routes.put(BASE + "/entities/{entityId}", this::replace, Access.WRITE_DATA);
        routes.patch(BASE + "/entities/{entityId}", this::merge, Access.WRITE_DATA);
        routes.delete(BASE + "/entities/{entityId}", this::delete, Access.WRITE_DATA);
        routes.post(BASE + "/entities/{entityId}/attrs", this::append, Access.WRITE_DATA);
        routes.patch(BASE + "/entities/{entityId}/attrs", this::update, Access.WRITE_DATA);
        routes.patch(BASE + "/entities/{entityId}/attrs/{attrId}", this::partialUpdate, Access.WRITE_DATA);
        routes.put(BASE + "/entities/{entityId}/attrs/{attrId}", this::replaceAttribute, Access.WRITE_DATA);
        routes.delete(BASE + "/entities/{entityId}/attrs/{attrId}", this::deleteAttribute, Access.WRITE_DATA);
    }

    private NgsiLdExchange exchange(Context http) {
        return new NgsiLdExchange(http, contexts);
    }

    private void create(Context http) {
        NgsiLdExchange exchange = exchange(http);
        JsonNode body = exchange.body(false);
        if (!body.isObject()) {
            // Not the shape of the operation's body at all: a malformed request rather than bad data (clause 5.5.2).
            throw MeridianException.invalidRequest("An entity must be a JSON object");
        }
        String given = body.path("id").asText("");
        var split = validId(given) && body.path("type").isTextual()
                ? forwarded.split(exchange, "createEntity", given, () -> exchange.context().expandTerm(body.path("type").asText()),
                org.meridian.broker.DistributedWrites.attributesOf(body)) : null;
        if (split == null) {
            String id = batches.createOne(exchange.caller(), body, exchange.context());
            http.header("Location", BASE + "/entities/" + PathSegment.encode(id)).status(201);
            return;
        }
        ObjectNode entity = (ObjectNode) body;
        forwarded.run(exchange, given, split, attributes -> {
            batches.createOne(exchange.caller(), ForwardedWrites.narrowed(entity, attributes), exchange.context());
            return true;
        }, (share, via) -> write("POST", "/entities", exchange, ForwardedWrites.body(exchange, entity, share), via), 201);
        if (http.status().getCode() == 201) {
            http.header("Location", BASE + "/entities/" + PathSegment.encode(given));
        }
    }

    /** Whether the id is one an entity may have: an invalid one is refused here before any source is asked. */
    private static boolean validId(String id) {
        try {
            org.meridian.core.ngsild.EntityParser.requireUri(id, "The entity id");
            return true;
        } catch (org.meridian.core.error.MeridianException e) {
            return false;
        }
    }

    private static org.meridian.broker.Forwarder.Write write(String method, String path, NgsiLdExchange exchange, JsonNode body, String via) {
        return new org.meridian.broker.Forwarder.Write(method, path, exchange.tenant(), ForwardedWrites.link(exchange), via, body);
    }

    /** The expanded type of the entity as this broker holds it, or null when it holds none. */
    private String localType(NgsiLdExchange exchange) {
        return localType(exchange.caller(), exchange.entityId());
    }

    String localType(org.meridian.core.security.Caller caller, String id) {
        return entities.storedType(caller, id);
    }

    private static String entityPath(NgsiLdExchange exchange) {
        return "/entities/" + PathSegment.encode(exchange.entityId());
    }

    private void retrieve(Context http) {
        NgsiLdExchange exchange = exchange(http);
        String mediaType = exchange.accept(ENTITY_TYPES);
        JsonLdContext context = exchange.context();
        List<String> attrs = Parameters.list(http, "attrs");
        RenderOptions options = RenderOptionsReader.read(http, context, attrs);
        JoinRequest join = JoinRequest.read(http);
        if (distributed != null && join == null && !mediaType.equals(MediaTypes.GEO_JSON) && !Parameters.flag(http, "local")
                && retrieveDistributed(exchange, mediaType, context, options)) {
            return;
        }
        Entity entity = entities.retrieve(exchange.caller(), exchange.entityId());
        if (attrs != null && options.attributes().stream().noneMatch(entity.attributes()::has)) {
            // Clause 5.7.1: asking only for attributes the entity does not have finds nothing.
            throw MeridianException.notFound("Entity " + entity.id() + " has none of the attributes asked for");
        }
        if (mediaType.equals(MediaTypes.GEO_JSON)) {
            exchange.respond(200, GeoJsonFeatures.feature(entity, context, options, geometryProperty(http, context)), mediaType);
            return;
        }
        if (join != null) {
            LinkedEntities links = link(exchange, List.of(entity), options, join);
            if (join.mode() == LinkedEntities.Join.INLINE) {
                exchange.respond(200, nonEmpty(links.inline(entity, context, options), entity), mediaType);
                return;
            }
            List<ObjectNode> flat = links.flat(List.of(entity), context, options);
            // With nothing linked, the flat answer is the entity alone, as without a join.
            exchange.respond(200, flat.size() == 1 ? nonEmpty(flat.getFirst(), entity) : array(flat), mediaType);
            return;
        }
        exchange.respond(200, nonEmpty(EntityRenderer.render(entity, context, options), entity), mediaType);
    }

    /**
     * A retrieve that registered context sources may answer too (clause 4.3.6): the local entity, if any, merged with
     * theirs; sources that could not be asked are named in a {@code Warning} header (RFC 9110 warn-code 199), never
     * hidden. False when no source is registered for the entity: the local answer stands.
     */
    private boolean retrieveDistributed(NgsiLdExchange exchange, String mediaType, JsonLdContext context, RenderOptions options) {
        Context http = exchange.http();
        Entity local = null;
        try {
            local = entities.retrieve(exchange.caller(), exchange.entityId());
        } catch (MeridianException e) {
            if (e.code() != BrokerError.ENTITY_NOT_FOUND && e.code() != org.meridian.platform.PlatformError.TENANT_NOT_FOUND) {
                throw e;
            }
        }
        String type = Parameters.single(http, "type");
        DistributedReads.Merged merged = distributed.retrieve(exchange.caller(), exchange.entityId(),
                type == null ? null : context.expandTerm(type), local == null ? null : EntityRenderer.render(local, context, options),
                http.queryString(), http.header("Link"), http.header("Via"), context::compactIri, context::expandTerm);
        if (merged == null) {
            return false;
        }
        warn(http, merged.failures());
        if (merged.entity() == null) {
            throw new MeridianException(BrokerError.ENTITY_NOT_FOUND, "No entity " + exchange.entityId()
                    + (merged.failures().isEmpty() ? "" : " here or at the sources that answered"));
        }
        merged.entity().remove("@context");
        exchange.respond(200, merged.entity(), mediaType);
        return true;
    }

    /**
     * Names each source that could not be asked in a {@code Warning} header (RFC 9110 warn-code 199): quotes turned
     * to apostrophes, and what is not printable ASCII (a district's Chinese name) escaped as {@code \\uXXXX}.
     */
    static void warn(Context http, List<String> failures) {
        for (String failure : failures) {
            StringBuilder text = new StringBuilder();
            failure.replace('"', '\'').chars().forEach(c -> text.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c)
                    : String.format("\\u%04x", c)));
            http.res().addHeader("Warning", "199 - \"" + text + "\"");
        }
    }

    /** pick and omit that leave nothing of an entity find nothing (clause 4.21). */
    private static ObjectNode nonEmpty(ObjectNode rendered, Entity entity) {
        if (rendered.isEmpty()) {
            throw MeridianException.notFound("pick and omit leave nothing of entity " + entity.id());
        }
        return rendered;
    }

    private LinkedEntities link(NgsiLdExchange exchange, List<Entity> roots, RenderOptions options, JoinRequest join) {
        return LinkedEntities.resolve(roots, options, join.level(),
                ids -> entities.readLinked(exchange.caller(), ids), limits.maxLimit());
    }

    private static ArrayNode array(List<ObjectNode> nodes) {
        ArrayNode array = NODES.arrayNode();
        array.addAll(nodes);
        return array;
    }

    private void query(Context http) {
        NgsiLdExchange exchange = exchange(http);
        String mediaType = exchange.accept(ENTITY_TYPES);
        JsonLdContext context = exchange.context();
        List<String> attrs = Parameters.list(http, "attrs");
        QueryRequest request = new QueryRequest(Parameters.list(http, "id"), Parameters.single(http, "idPattern"),
                Parameters.single(http, "type"), Parameters.single(http, "q"), Parameters.single(http, "scopeQ"),
                Parameters.single(http, "georel"), Parameters.single(http, "geometry"),
                Parameters.single(http, "coordinates"), Parameters.single(http, "geoproperty"), attrs);
        if (request.isEmpty() && !Parameters.flag(http, "local")) {
            // Clause 5.7.2: a query names what it selects; listing every entity of a city is asked for explicitly.
            throw MeridianException.badData("A query needs type, attrs, q, scopeQ or a geo-query;"
                    + " add local=true to list every entity");
        }
        respondWithPage(exchange, mediaType, context, request, attrs, JoinRequest.read(http), Parameters.flag(http, "local"));
    }

    /** Runs a query and answers with the page, shared by GET /entities and POST /entityOperations/query. */
    void respondWithPage(NgsiLdExchange exchange, String mediaType, JsonLdContext context, QueryRequest request,
                         List<String> attrs, JoinRequest join, boolean local) {
        Context http = exchange.http();
        RenderOptions options = RenderOptionsReader.read(http, context, attrs);
        int limit = Parameters.integer(http, "limit", limits.defaultLimit(), 0);
        int offset = Parameters.integer(http, "offset", 0, 0);
        boolean count = Parameters.flag(http, "count");
        if (limit > limits.maxLimit()) {
            throw new MeridianException(ErrorType.TOO_MANY_RESULTS, "limit may be at most " + limits.maxLimit()
                    + " (MERIDIAN_MAX_LIMIT); page through larger results with offset");
        }
        if (limit == 0 && !count) {
            throw MeridianException.badData("limit=0 is only meaningful with count=true");
        }
        EntitySelection selection = planner.plan(request, context);
        String orderBy = Parameters.single(http, "orderBy");
        if (orderBy != null) {
            selection = selection.orderedBy(OrderBy.parse(orderBy, context::expandTerm));
        }
        if (distributed != null && join == null && !local && !mediaType.equals(MediaTypes.GEO_JSON)) {
            DistributedReads.QueryAsk ask = QueryAsks.of(http, context, request, selection, name -> Parameters.single(http, name),
                    QueryAsks.ENTITY_OPTIONS);
            List<org.meridian.core.csource.Registration> sources = distributed.querySources(exchange.caller(), ask, DistributedReads.Kind.CURRENT);
            if (!sources.isEmpty()) {
                respondWithMergedPage(exchange, mediaType, context, options, selection, ask, sources, limit, offset, count);
                return;
            }
        }
        EntityPage page = entities.query(exchange.caller(), selection, limit, offset, count);
        if (page.totalCount() != null) {
            http.header("NGSILD-Results-Count", String.valueOf(page.totalCount()));
        }
        if (mediaType.equals(MediaTypes.GEO_JSON)) {
            exchange.respond(200, GeoJsonFeatures.collection(page.entities(), context, options, geometryProperty(http, context)), mediaType);
            return;
        }
        ArrayNode array = NODES.arrayNode();
        if (join == null) {
            // An entity of which pick and omit leave nothing is not listed (clause 4.21).
            page.entities().stream().map(entity -> EntityRenderer.render(entity, context, options))
                    .filter(rendered -> !rendered.isEmpty()).forEach(array::add);
        } else {
            LinkedEntities links = link(exchange, page.entities(), options, join);
            if (join.mode() == LinkedEntities.Join.FLAT) {
                array.addAll(links.flat(page.entities(), context, options));
            } else {
                page.entities().forEach(entity -> array.add(links.inline(entity, context, options)));
            }
        }
        exchange.respond(200, array, mediaType);
    }

    /** Most entities a query that context sources answer too may page through: each source is asked for as many. */
    static final int DISTRIBUTED_WINDOW = 10_000;

    /**
     * A query that registered context sources answer too (clause 4.3.6.2): the first offset + limit entities of this
     * broker and of every source, merged by id and sorted, then paged; sources that could not be asked are named in a
     * {@code Warning} header (warn-code 199), never hidden.
     */
    private void respondWithMergedPage(NgsiLdExchange exchange, String mediaType, JsonLdContext context, RenderOptions options,
                                       EntitySelection selection, DistributedReads.QueryAsk ask,
                                       List<org.meridian.core.csource.Registration> sources, int limit, int offset, boolean count) {
        Context http = exchange.http();
        long deep = (long) offset + limit;
        int window = (int) Math.max(Math.min(deep, DISTRIBUTED_WINDOW + 1L), 1);
        if (deep > DISTRIBUTED_WINDOW) {
            throw new MeridianException(ErrorType.TOO_MANY_RESULTS, "A query that context sources answer too pages at most "
                    + DISTRIBUTED_WINDOW + " entities deep; narrow it (type, q, a geo-query), or add local=true for this broker's own");
        }
        EntityPage page;
        try {
            page = entities.queryUnrecorded(exchange.caller(), selection, window, 0, count);
        } catch (MeridianException e) {
            if (e.code() != org.meridian.platform.PlatformError.TENANT_NOT_FOUND) {
                throw e;
            }
            // A tenant that exists only at the sources.
            page = new EntityPage(List.of(), count ? 0L : null);
        }
        List<ObjectNode> local = page.entities().stream().map(entity -> EntityRenderer.render(entity, context, options))
                .filter(rendered -> !rendered.isEmpty()).toList();
        DistributedReads.MergedPage merged = distributed.query(exchange.caller(), sources, ask, local, page.totalCount(),
                window, limits.maxLimit(), count, selection.orderBy(), DistributedReads.Kind.CURRENT);
        warn(http, merged.failures());
        if (merged.totalCount() != null) {
            http.header("NGSILD-Results-Count", String.valueOf(merged.totalCount()));
        }
        ArrayNode array = NODES.arrayNode();
        java.util.Set<String> onThePage = new java.util.HashSet<>();
        merged.entities().stream().skip(offset).limit(limit).forEach(entity -> {
            entity.remove("@context");
            array.add(entity);
            onThePage.add(entity.path("id").asText());
        });
        // Of this node's own entities, those the page shows are recorded as shown (not the whole window read).
        entities.recordShown(exchange.caller(), selection, page.entities().stream().filter(entity -> onThePage.contains(entity.id())).toList(),
                merged.totalCount());
        exchange.respond(200, array, mediaType);
    }

    private static String geometryProperty(Context http, JsonLdContext context) {
        String name = Parameters.single(http, "geometryProperty");
        return name == null ? NgsiLd.LOCATION : context.expandTerm(name);
    }

    /**
     * DELETE /entities (clause 5.6.21): deletes every entity the selection finds that the caller may delete, or with
     * keep or drop only removes attributes of them. Administrators only: it can empty a tenant.
     */
    private void purge(Context http) {
        NgsiLdExchange exchange = exchange(http);
        JsonLdContext context = exchange.context();
        List<String> keep = Parameters.list(http, "keep");
        List<String> drop = Parameters.list(http, "drop");
        if (keep != null && drop != null) {
            throw MeridianException.badData("keep and drop cannot be used together");
        }
        QueryRequest request = new QueryRequest(Parameters.list(http, "id"), Parameters.single(http, "idPattern"),
                Parameters.single(http, "type"), Parameters.single(http, "q"), Parameters.single(http, "scopeQ"),
                Parameters.single(http, "georel"), Parameters.single(http, "geometry"),
                Parameters.single(http, "coordinates"), Parameters.single(http, "geoproperty"), null);
        if (request.isEmpty() && request.ids() == null && request.idPattern() == null && !Parameters.flag(http, "local")) {
            throw MeridianException.badData("A purge needs type, id, idPattern, q, scopeQ or a geo-query;"
                    + " add local=true to purge every entity");
        }
        var split = request.type() == null || request.type().contains(",") ? null
                : forwarded.splitPurge(exchange, context.expandTerm(request.type()));
        if (split != null) {
            // Sources registered for the type purge it too, asked as this broker was (the query as sent).
            String query = ForwardedWrites.query(exchange);
            forwarded.run(exchange, request.type(), split, attributes -> {
                purgeHere(exchange, request, keep, drop);
                return true;
            }, (share, via) -> write("DELETE", "/entities" + query, exchange, null, via), 204);
            return;
        }
        purgeHere(exchange, request, keep, drop);
        http.status(204);
    }

    private void purgeHere(NgsiLdExchange exchange, QueryRequest request, List<String> keep, List<String> drop) {
        JsonLdContext context = exchange.context();
        java.util.Set<String> kept = keep == null ? null : new java.util.HashSet<>(keep.stream().map(context::expandTerm).toList());
        java.util.Set<String> dropped = drop == null ? null : new java.util.HashSet<>(drop.stream().map(context::expandTerm).toList());
        EntitySelection selection = planner.plan(request, context);
        int skipped = 0;
        while (true) {
            // Deleted entities leave the selection, so each page starts after those that could not be deleted.
            EntityPage page = entities.query(exchange.caller(), selection, limits.maxLimit(), skipped, false);
            if (kept == null && dropped == null) {
                ArrayNode ids = NODES.arrayNode();
                page.entities().forEach(entity -> ids.add(entity.id()));
                skipped += page.entities().isEmpty() ? 0 : batches.delete(exchange.caller(), ids).failed().size();
            } else {
                page.entities().forEach(entity -> entities.dropAttributes(exchange.caller(), entity.id(), kept, dropped));
                skipped += page.entities().size();
            }
            if (page.entities().size() < limits.maxLimit()) {
                break;
            }
        }
    }

    private void replace(Context http) {
        NgsiLdExchange exchange = exchange(http);
        JsonNode body = exchange.body(false);
        ForwardedWrites.LocalPart local = attributes -> {
            entities.replace(exchange.caller(), exchange.entityId(), ForwardedWrites.narrowed(body, attributes), exchange.context());
            return true;
        };
        if (!entityWrite(exchange, "replaceEntity", "PUT", entityPath(exchange), body, local)) {
            local.write(org.meridian.broker.DistributedWrites.attributesOf(body));
            http.status(204);
        }
    }

    private void merge(Context http) {
        NgsiLdExchange exchange = exchange(http);
        JsonNode body = exchange.body(true);
        ForwardedWrites.LocalPart local = attributes -> {
            entities.merge(exchange.caller(), exchange.entityId(), ForwardedWrites.narrowed(body, attributes), exchange.context());
            return true;
        };
        if (!entityWrite(exchange, "mergeEntity", "PATCH", entityPath(exchange), body, local)) {
            local.write(org.meridian.broker.DistributedWrites.attributesOf(body));
            http.status(204);
        }
    }

    private void delete(Context http) {
        NgsiLdExchange exchange = exchange(http);
        var split = forwarded.split(exchange, "deleteEntity", exchange.entityId(), () -> localType(exchange), java.util.Set.of());
        if (split != null) {
            forwarded.run(exchange, exchange.entityId(), split, attributes -> {
                entities.delete(exchange.caller(), exchange.entityId());
                return true;
            }, (share, via) -> write("DELETE", entityPath(exchange), exchange, null, via), 204);
            return;
        }
        entities.delete(exchange.caller(), exchange.entityId());
        http.status(204);
    }

    /**
     * A write of attributes of one entity that context sources may take part in: true when they did (and the answer is
     * given), false when it is this broker's alone.
     */
    private boolean entityWrite(NgsiLdExchange exchange, String operation, String method, String path, JsonNode body,
                                ForwardedWrites.LocalPart local) {
        if (!(body instanceof ObjectNode object)) {
            return false;
        }
        var split = forwarded.split(exchange, operation, exchange.entityId(), () -> localType(exchange),
                org.meridian.broker.DistributedWrites.attributesOf(body));
        if (split == null) {
            return false;
        }
        String query = ForwardedWrites.query(exchange);
        forwarded.run(exchange, exchange.entityId(), split, local,
                (share, via) -> write(method, path + query, exchange, ForwardedWrites.body(exchange, object, share), via), 204);
        return true;
    }

    private void append(Context http) {
        NgsiLdExchange exchange = exchange(http);
        JsonNode body = exchange.body(false);
        boolean noOverwrite = Parameters.options(http).contains("noOverwrite");
        if (entityWrite(exchange, "appendAttrs", "POST", entityPath(exchange) + "/attrs", body, attributes ->
                entities.appendAttributes(exchange.caller(), exchange.entityId(), ForwardedWrites.narrowed(body, attributes),
                        exchange.context(), noOverwrite).complete())) {
            return;
        }
        AttributeChanges changes = entities.appendAttributes(exchange.caller(), exchange.entityId(), body,
                exchange.context(), noOverwrite);
        respondWithChanges(exchange, changes);
    }

    private void update(Context http) {
        NgsiLdExchange exchange = exchange(http);
        JsonNode body = exchange.body(false);
        if (entityWrite(exchange, "updateAttrs", "PATCH", entityPath(exchange) + "/attrs", body, attributes ->
                entities.updateAttributes(exchange.caller(), exchange.entityId(), ForwardedWrites.narrowed(body, attributes),
                        exchange.context()).complete())) {
            return;
        }
        AttributeChanges changes = entities.updateAttributes(exchange.caller(), exchange.entityId(), body,
                exchange.context());
        respondWithChanges(exchange, changes);
    }

    /** 204 when every attribute was written, otherwise 207 with the UpdateResult (clause 5.2.18). */
    private static void respondWithChanges(NgsiLdExchange exchange, AttributeChanges changes) {
        if (changes.complete()) {
            exchange.http().status(204);
            return;
        }
        JsonLdContext context = exchange.context();
        ObjectNode result = NODES.objectNode();
        ArrayNode updated = result.putArray("updated");
        changes.updated().forEach(name -> updated.add(context.compactIri(name)));
        ArrayNode notUpdated = result.putArray("notUpdated");
        changes.notUpdated().forEach(item -> notUpdated.addObject()
                .put("attributeName", context.compactIri(item.attributeName())).put("reason", item.reason()));
        exchange.respond(207, result, MediaTypes.JSON);
    }

    private void partialUpdate(Context http) {
        NgsiLdExchange exchange = exchange(http);
        JsonNode body = exchange.body(true);
        Runnable local = () -> entities.partialUpdateAttribute(exchange.caller(), exchange.entityId(), exchange.attributeName(), body,
                exchange.context());
        if (!attributeWrite(exchange, "updateAttrs", "PATCH", body, local)) {
            local.run();
            http.status(204);
        }
    }

    private void replaceAttribute(Context http) {
        NgsiLdExchange exchange = exchange(http);
        JsonNode body = exchange.body(false);
        Runnable local = () -> entities.replaceAttribute(exchange.caller(), exchange.entityId(), exchange.attributeName(), body,
                exchange.context());
        if (!attributeWrite(exchange, "replaceAttrs", "PUT", body, local)) {
            local.run();
            http.status(204);
        }
    }

    private void deleteAttribute(Context http) {
        NgsiLdExchange exchange = exchange(http);
        Runnable local = () -> entities.deleteAttribute(exchange.caller(), exchange.entityId(), exchange.attributeName(),
                Parameters.single(http, "datasetId"), Parameters.flag(http, "deleteAll"), exchange.context());
        if (!attributeWrite(exchange, "deleteAttrs", "DELETE", null, local)) {
            local.run();
            http.status(204);
        }
    }

    /** A write of one attribute that context sources may take part in: true when they did (and the answer is given). */
    private boolean attributeWrite(NgsiLdExchange exchange, String operation, String method, JsonNode body, Runnable local) {
        String name = exchange.http().pathParam("attrId");
        var split = forwarded.split(exchange, operation, exchange.entityId(), () -> localType(exchange), java.util.Set.of(name));
        if (split == null) {
            return false;
        }
        String path = entityPath(exchange) + "/attrs/" + PathSegment.encode(name)
                + ForwardedWrites.query(exchange);
        JsonNode sent = body == null ? null : ForwardedWrites.withContext(exchange, body.deepCopy());
        forwarded.run(exchange, exchange.entityId(), split, attributes -> {
            local.run();
            return true;
        }, (share, via) -> write(method, path, exchange, sent, via), 204);
        return true;
    }
}
