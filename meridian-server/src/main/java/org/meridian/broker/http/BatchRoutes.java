package org.meridian.broker.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.meridian.broker.BatchResult;
import org.meridian.broker.BatchService;
import org.meridian.broker.ContextService;
import org.meridian.broker.QueryRequest;
import org.meridian.core.error.MeridianException;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.Routes;
import org.meridian.platform.http.MediaTypes;
import org.meridian.platform.http.NgsiLdExchange;
import org.meridian.platform.http.Parameters;
import org.meridian.platform.http.ProblemDetails;

/** Batch operations and the query-by-POST resource: /ngsi-ld/v1/entityOperations (clause 6.14–6.23). */
public final class BatchRoutes implements Routes {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final BatchService batches;
    private final ContextService contexts;
    private final EntityRoutes entityRoutes;
    private final ForwardedBatches forwarded;

    public BatchRoutes(BatchService batches, ContextService contexts, EntityRoutes entityRoutes,
                       org.meridian.broker.DistributedWrites writes) {
        this.forwarded = new ForwardedBatches(writes);
        this.batches = batches;
        this.contexts = contexts;
        this.entityRoutes = entityRoutes;
    }

    @Override
    public void register(RoutesConfig routes) {
        String base = EntityRoutes.BASE + "/entityOperations";
        routes.post(base + "/create", this::create, Access.WRITE_DATA);
        routes.post(base + "/upsert", this::upsert, Access.WRITE_DATA);
        routes.post(base + "/update", this::update, Access.WRITE_DATA);
        routes.post(base + "/delete", this::delete, Access.WRITE_DATA);
        routes.post(base + "/merge", this::merge, Access.WRITE_DATA);
        routes.post(base + "/query", this::query, Access.READ_DATA);
    }

    /**
     * A batch that context sources take part in: true when they did and the answer is given; false when it is this
     * broker's alone.
     */
    private boolean distributed(NgsiLdExchange exchange, JsonNode body, String operation, String path,
                                java.util.function.Function<ArrayNode, BatchResult> local, int success,
                                java.util.function.Function<List<String>, JsonNode> successBody) {
        if (!(body instanceof ArrayNode batch)) {
            return false;
        }
        ForwardedBatches.Plan plan = forwarded.plan(exchange, operation, batch, exchange::contextOf);
        if (plan == null) {
            return false;
        }
        forwarded.run(exchange, path, plan, local, success, successBody);
        return true;
    }

    private void create(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        JsonNode body = exchange.batchBody();
        if (distributed(exchange, body, "createBatch", "/entityOperations/create",
                part -> batches.create(exchange.caller(), part, exchange::contextOf), 201, ids -> {
                    ArrayNode created = NODES.arrayNode();
                    ids.forEach(created::add);
                    return created;
                })) {
            return;
        }
        BatchResult result = batches.create(exchange.caller(), body, exchange::contextOf);
        if (result.failed().isEmpty()) {
            ArrayNode ids = NODES.arrayNode();
            result.succeeded().forEach(ids::add);
            http.status(201).contentType(MediaTypes.JSON).result(ids.toString());
        } else {
            respondMixed(http, result);
        }
    }

    private void upsert(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        JsonNode body = exchange.batchBody();
        boolean update = Parameters.options(http).contains("update");
        if (distributed(exchange, body, "upsertBatch", "/entityOperations/upsert",
                part -> batches.upsert(exchange.caller(), part, exchange::contextOf, update).result(), 204, ids -> null)) {
            return;
        }
        BatchService.UpsertResult upsert = batches.upsert(exchange.caller(), body, exchange::contextOf, update);
        if (!upsert.result().failed().isEmpty()) {
            respondMixed(http, upsert.result());
        } else if (!upsert.created().isEmpty()) {
            ArrayNode ids = NODES.arrayNode();
            upsert.created().forEach(ids::add);
            http.status(201).contentType(MediaTypes.JSON).result(ids.toString());
        } else {
            http.status(204);
        }
    }

    private void update(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        JsonNode body = exchange.batchBody();
        boolean noOverwrite = Parameters.options(http).contains("noOverwrite");
        if (distributed(exchange, body, "updateBatch", "/entityOperations/update",
                part -> batches.update(exchange.caller(), part, exchange::contextOf, noOverwrite), 204, ids -> null)) {
            return;
        }
        respondNoContentOrMixed(http, batches.update(exchange.caller(), body, exchange::contextOf, noOverwrite));
    }

    private void merge(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        JsonNode body = exchange.batchBody();
        if (distributed(exchange, body, "mergeBatch", "/entityOperations/merge",
                part -> batches.merge(exchange.caller(), part, exchange::contextOf), 204, ids -> null)) {
            return;
        }
        respondNoContentOrMixed(http, batches.merge(exchange.caller(), body, exchange::contextOf));
    }

    private void delete(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        JsonNode body = exchange.body(false);
        ForwardedBatches.Plan plan = body instanceof ArrayNode ids
                ? forwarded.planDelete(exchange, ids, id -> entityRoutes.localType(exchange.caller(), id)) : null;
        if (plan != null) {
            forwarded.run(exchange, "/entityOperations/delete", plan, part -> batches.delete(exchange.caller(), part), 204, ids -> null);
            return;
        }
        respondNoContentOrMixed(http, batches.delete(exchange.caller(), body));
    }

    private static void respondNoContentOrMixed(Context http, BatchResult result) {
        if (result.failed().isEmpty()) {
            http.status(204);
        } else {
            respondMixed(http, result);
        }
    }

    /** 207 with the BatchOperationResult: which entities succeeded, and each failure as problem details. */
    private static void respondMixed(Context http, BatchResult result) {
        ObjectNode body = NODES.objectNode();
        ArrayNode success = body.putArray("success");
        result.succeeded().forEach(success::add);
        ArrayNode errors = body.putArray("errors");
        for (BatchResult.Failure failure : result.failed()) {
            ObjectNode error = errors.addObject();
            error.put("entityId", failure.entityId());
            error.set("error", ProblemDetails.of(failure.error()));
        }
        http.status(207).contentType(MediaTypes.JSON).result(body.toString());
    }

    /** POST /entityOperations/query: the query in the body (clause 5.7.2 with a Query data type, 5.2.23). */
    private void query(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        JsonNode body = exchange.body(false);
        String mediaType = exchange.accept(EntityRoutes.ENTITY_TYPES);
        JsonLdContext context = exchange.context();
        QueryRequest request = queryRequest(body);
        boolean local = Parameters.flag(http, "local") || body.path("local").asBoolean(false);
        entityRoutes.respondWithPage(exchange, mediaType, context, request, request.attrs(), JoinRequest.read(body), local);
    }

    /** The selection of a Query body (clause 5.2.23), shared by the entity and the temporal POST queries. */
    static QueryRequest queryRequest(JsonNode body) {
        if (!body.isObject() || !"Query".equals(body.path("type").asText())) {
            throw MeridianException.badData("The body must be a Query object: {\"type\": \"Query\", ...}");
        }
        List<String> ids = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<String> patterns = new ArrayList<>();
        JsonNode entities = body.get("entities");
        if (entities != null && !entities.isArray()) {
            throw MeridianException.badData("entities must be an array of {\"type\", \"id\" or \"idPattern\"} objects");
        }
        for (JsonNode selector : entities == null ? NODES.arrayNode() : entities) {
            if (!selector.isObject()) {
                throw MeridianException.badData("Each element of entities must be an object, not " + selector);
            }
            Optional.ofNullable(text(selector, "id", "entities[].id")).ifPresent(ids::add);
            Optional.ofNullable(text(selector, "type", "entities[].type")).ifPresent(type -> types.add("(" + type + ")"));
            Optional.ofNullable(text(selector, "idPattern", "entities[].idPattern")).ifPresent(p -> patterns.add("(" + p + ")"));
        }
        List<String> attrs = null;
        if (body.hasNonNull("attrs")) {
            if (!body.get("attrs").isArray()) {
                throw MeridianException.badData("attrs must be an array of attribute names");
            }
            attrs = new ArrayList<>();
            for (JsonNode attribute : body.get("attrs")) {
                if (!attribute.isTextual()) {
                    throw MeridianException.badData("attrs must be an array of attribute names, not " + attribute);
                }
                attrs.add(attribute.asText());
            }
        }
        JsonNode geoQ = body.path("geoQ");
        if (!geoQ.isMissingNode() && !geoQ.isNull() && !geoQ.isObject()) {
            throw MeridianException.badData("geoQ must be an object with georel, geometry and coordinates");
        }
        JsonNode coordinates = geoQ.get("coordinates");
        if (coordinates != null && !coordinates.isArray() && !coordinates.isTextual()) {
            throw MeridianException.badData("geoQ.coordinates must be an array (or its text), not " + coordinates);
        }
        return new QueryRequest(ids.isEmpty() ? null : ids,
                patterns.isEmpty() ? null : String.join("|", patterns),
                types.isEmpty() ? null : String.join("|", types),
                text(body, "q", "q"), text(body, "scopeQ", "scopeQ"),
                text(geoQ, "georel", "geoQ.georel"), text(geoQ, "geometry", "geoQ.geometry"),
                coordinates == null ? null : coordinates.isTextual() ? coordinates.asText() : coordinates.toString(),
                text(geoQ, "geoproperty", "geoQ.geoproperty"), attrs);
    }

    /** A string member, null when absent; any other JSON type is BadRequestData naming it. */
    private static String text(JsonNode node, String member, String where) {
        JsonNode value = node.get(member);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw MeridianException.badData(where + " must be a string, not " + value);
        }
        return value.asText();
    }
}
