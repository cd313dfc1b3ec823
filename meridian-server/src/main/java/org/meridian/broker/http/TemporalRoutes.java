package org.meridian.broker.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.meridian.broker.ContextService;
import org.meridian.broker.DistributedReads;
import org.meridian.broker.QueryPlanner;
import org.meridian.broker.QueryRequest;
import org.meridian.broker.TemporalService;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;
import org.meridian.broker.BrokerError;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.DateTimes;
import org.meridian.core.ngsild.EntityParser;
import org.meridian.core.ngsild.RenderOptions;
import org.meridian.core.temporal.EntityHistory;
import org.meridian.core.temporal.HistoryInstance;
import org.meridian.core.temporal.TemporalRenderer;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.MediaTypes;
import org.meridian.platform.http.NgsiLdExchange;
import org.meridian.platform.http.Parameters;
import org.meridian.platform.http.PathSegment;
import org.meridian.platform.http.QueryParameters;
import org.meridian.platform.http.Routes;

/** The temporal API: /ngsi-ld/v1/temporal/entities (clause 6.18–6.22). */
public final class TemporalRoutes implements Routes {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> PRODUCIBLE = List.of(MediaTypes.JSON, MediaTypes.JSON_LD);
    private static final Set<String> TEMPORAL_OPTIONS = Set.of("temporalValues", "aggregatedValues", "sysAttrs",
            "simplified", "keyValues", "normalized", "concise");
    private static final Set<String> TEMPORAL_FORMATS = Set.of("temporalValues", "aggregatedValues", "simplified",
            "keyValues", "normalized", "concise");
    private static final Set<String> AGGREGATIONS = Set.of("totalCount", "distinctCount", "sum", "avg", "min", "max", "stddev", "sumsq");
    static final String INSTANCE_PREFIX = TemporalRenderer.INSTANCE_PREFIX;

    private final TemporalService temporal;
    private final ContextService contexts;
    private final QueryPlanner planner;
    private final EntityRoutes.Limits limits;
    private final DistributedReads distributed;

    /** Most entities a temporal query that context sources answer too may page through. */
    static final int DISTRIBUTED_WINDOW = 1_000;

    public TemporalRoutes(TemporalService temporal, ContextService contexts, QueryPlanner planner, EntityRoutes.Limits limits,
                          DistributedReads distributed) {
        this.distributed = distributed;
        this.temporal = temporal;
        this.contexts = contexts;
        this.planner = planner;
        this.limits = limits;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(EntityRoutes.BASE + "/temporal/entities", this::query, Access.READ_DATA);
        routes.get(EntityRoutes.BASE + "/temporal/entities/{entityId}", this::retrieve, Access.READ_DATA);
        routes.post(EntityRoutes.BASE + "/temporal/entityOperations/query", this::queryByBody, Access.READ_DATA);
        routes.post(EntityRoutes.BASE + "/temporal/entities", this::createOrUpdate, Access.WRITE_DATA);
        routes.delete(EntityRoutes.BASE + "/temporal/entities/{entityId}", this::delete, Access.WRITE_DATA);
        routes.post(EntityRoutes.BASE + "/temporal/entities/{entityId}/attrs", this::appendAttributes, Access.WRITE_DATA);
        routes.delete(EntityRoutes.BASE + "/temporal/entities/{entityId}/attrs/{attrId}", this::deleteAttribute, Access.WRITE_DATA);
        routes.patch(EntityRoutes.BASE + "/temporal/entities/{entityId}/attrs/{attrId}/{instanceId}", this::modifyInstance, Access.WRITE_DATA);
        routes.delete(EntityRoutes.BASE + "/temporal/entities/{entityId}/attrs/{attrId}/{instanceId}", this::deleteInstance, Access.WRITE_DATA);
    }

    private void createOrUpdate(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        JsonNode body = exchange.body(false);
        if (temporal.createOrUpdate(exchange.caller(), body, exchange.context())) {
            String id = body.path("id").asText(body.path("@id").asText());
            http.header("Location", EntityRoutes.BASE + "/temporal/entities/" + PathSegment.encode(id));
            http.status(201);
        } else {
            http.status(204);
        }
    }

    private void delete(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        temporal.delete(exchange.caller(), exchange.entityId());
        http.status(204);
    }

    private void appendAttributes(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        JsonNode body = exchange.body(false);
        temporal.appendAttributes(exchange.caller(), exchange.entityId(), body, exchange.context());
        http.status(204);
    }

    private void deleteAttribute(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        temporal.deleteAttribute(exchange.caller(), exchange.entityId(), exchange.context().expandTerm(exchange.attributeName()),
                Parameters.single(http, "datasetId"), Parameters.flag(http, "deleteAll"));
        http.status(204);
    }

    /** The body is the attribute fragment ({"attr": instance}) or, as several brokers accept, the instance itself. */
    private void modifyInstance(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        JsonNode body = exchange.body(false);
        JsonLdContext context = exchange.context();
        String name = exchange.attributeName();
        String iri = context.expandTerm(name);
        JsonNode instance = body;
        if (body.isObject()) {
            for (var member : body.properties()) {
                if (member.getKey().equals(name) || context.expandTerm(member.getKey()).equals(iri)) {
                    instance = member.getValue();
                }
            }
        }
        if (instance.isArray()) {
            if (instance.size() != 1) {
                throw MeridianException.badData("An instance modification takes exactly one instance of '" + name + "'");
            }
            instance = instance.get(0);
        }
        ObjectNode patch = EntityParser.parseTemporalInstance(name, iri, instance, context, Instant.now());
        temporal.modifyInstance(exchange.caller(), exchange.entityId(), iri, instanceId(http), patch);
        http.status(204);
    }

    private void deleteInstance(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        temporal.deleteInstance(exchange.caller(), exchange.entityId(), exchange.context().expandTerm(exchange.attributeName()),
                instanceId(http));
        http.status(204);
    }

    /** Instance ids are URIs the server hands out; one it never handed out cannot exist. */
    private static long instanceId(Context http) {
        String text = http.pathParam("instanceId");
        EntityParser.requireUri(text, "The instanceId");
        if (!text.startsWith(INSTANCE_PREFIX)) {
            throw new MeridianException(BrokerError.INSTANCE_NOT_FOUND, "No instance " + text);
        }
        try {
            return Long.parseLong(text.substring(INSTANCE_PREFIX.length()));
        } catch (NumberFormatException e) {
            throw new MeridianException(BrokerError.INSTANCE_NOT_FOUND, "No instance " + text);
        }
    }

    private void retrieve(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        String mediaType = exchange.accept(PRODUCIBLE);
        JsonLdContext context = exchange.context();
        QueryParameters parameters = QueryParameters.of(http);
        TemporalRenderer.Shape shape = shape(parameters, context);
        TemporalService.Request request = request(parameters, context, shape.options());
        if (distributed != null && !parameters.flag("local") && retrieveDistributed(exchange, mediaType, context, shape, request)) {
            return;
        }
        EntityHistory history = temporal.retrieve(exchange.caller(), exchange.entityId(), request);
        ObjectNode rendered = TemporalRenderer.render(history, context, shape);
        if (rendered.isEmpty()) {
            throw MeridianException.notFound("pick and omit leave nothing of entity " + history.entity().id());
        }
        if (parameters.single("attrs") != null && !hasAttributes(rendered)
                && request.attributes().stream().noneMatch(history.entity().attributes()::has)) {
            throw MeridianException.notFound("Entity " + history.entity().id() + " has none of the attributes asked for");
        }
        respond(exchange, mediaType, rendered, List.of(history), request);
    }

    /**
     * A history that registered context sources hold too (clause 4.3.6 for retrieveTemporal): this broker's, if any,
     * with theirs, each instance once; false when no source is registered for the entity.
     */
    private boolean retrieveDistributed(NgsiLdExchange exchange, String mediaType, JsonLdContext context,
                                        TemporalRenderer.Shape shape, TemporalService.Request request) {
        Context http = exchange.http();
        EntityHistory history = null;
        try {
            history = temporal.retrieve(exchange.caller(), exchange.entityId(), request);
        } catch (MeridianException e) {
            if (e.code() != org.meridian.broker.BrokerError.ENTITY_NOT_FOUND && e.code() != org.meridian.platform.PlatformError.TENANT_NOT_FOUND) {
                throw e;
            }
        }
        DistributedReads.Merged merged = distributed.retrieveTemporal(exchange.caller(), exchange.entityId(),
                history == null ? null : TemporalRenderer.render(history, context, shape), http.queryString(), http.header("Link"),
                http.header("Via"), context::expandTerm);
        if (merged == null) {
            return false;
        }
        EntityRoutes.warn(http, merged.failures());
        if (merged.entity() == null) {
            throw new MeridianException(org.meridian.broker.BrokerError.ENTITY_NOT_FOUND, "No entity " + exchange.entityId()
                    + (merged.failures().isEmpty() ? "" : " here or at the sources that answered"));
        }
        merged.entity().remove("@context");
        respond(exchange, mediaType, merged.entity(), history == null ? List.of() : List.of(history), request);
        return true;
    }

    private void query(Context http) {
        QueryParameters parameters = QueryParameters.of(http);
        answerQuery(new NgsiLdExchange(http, contexts), parameters, new QueryRequest(parameters.list("id"),
                parameters.single("idPattern"), parameters.single("type"), parameters.single("q"),
                parameters.single("scopeQ"), parameters.single("georel"), parameters.single("geometry"),
                parameters.single("coordinates"), parameters.single("geoproperty"), null));
    }

    private static boolean hasAttributes(ObjectNode rendered) {
        return rendered.properties().stream().anyMatch(member -> !member.getKey().equals("id") && !member.getKey().equals("type"));
    }

    /**
     * POST /temporal/entityOperations/query (clause 5.7.4 with a Query body): the selection and its temporalQ in the
     * body, paging and presentation in the URL as for GET.
     */
    private void queryByBody(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        JsonNode body = exchange.body(false);
        QueryRequest selection = BatchRoutes.queryRequest(body);
        java.util.Map<String, String> fromBody = new java.util.HashMap<>();
        JsonNode temporalQ = body.path("temporalQ");
        if (!temporalQ.isMissingNode() && !temporalQ.isObject()) {
            throw MeridianException.badData("temporalQ must be an object with timerel, timeAt, endTimeAt, timeproperty, lastN");
        }
        for (String member : List.of("timerel", "timeAt", "endTimeAt", "timeproperty", "lastN")) {
            JsonNode value = temporalQ.get(member);
            if (value != null && !value.isNull()) {
                if (!value.isTextual() && !value.isIntegralNumber()) {
                    throw MeridianException.badData("temporalQ." + member + " must be a string, not " + value);
                }
                fromBody.put(member, value.asText());
            }
        }
        if (selection.attrs() != null) {
            fromBody.put("attrs", String.join(",", selection.attrs()));
        }
        answerQuery(exchange, QueryParameters.overlay(fromBody, QueryParameters.of(http)), selection);
    }

    private void answerQuery(NgsiLdExchange exchange, QueryParameters parameters, QueryRequest selection) {
        String mediaType = exchange.accept(PRODUCIBLE);
        JsonLdContext context = exchange.context();
        TemporalRenderer.Shape shape = shape(parameters, context);
        TemporalService.Request request = request(parameters, context, shape.options());
        if (selection.isEmpty() && parameters.single("attrs") == null && !parameters.flag("local")) {
            throw MeridianException.badData("A temporal query needs type, attrs, q, scopeQ or a geo-query;"
                    + " add local=true to ask for every entity");
        }
        int limit = parameters.integer("limit", limits.defaultLimit(), 1);
        if (limit > 100) {
            throw new MeridianException(ErrorType.TOO_MANY_RESULTS, "A temporal query returns at most 100 entities per page");
        }
        org.meridian.core.query.EntitySelection planned = planner.plan(selection, context);
        String orderBy = parameters.single("orderBy");
        if (orderBy != null) {
            planned = planned.orderedBy(org.meridian.core.query.OrderBy.parse(orderBy, context::expandTerm));
        }
        int offset = parameters.integer("offset", 0, 0);
        boolean projected = parameters.single("pick") != null || parameters.single("omit") != null;
        if (distributed != null && !parameters.flag("local")) {
            DistributedReads.QueryAsk ask = QueryAsks.of(exchange.http(), context, selection, planned, parameters::single,
                    QueryAsks.TEMPORAL_OPTIONS);
            List<org.meridian.core.csource.Registration> sources = distributed.querySources(exchange.caller(), ask,
                    DistributedReads.Kind.TEMPORAL);
            if (!sources.isEmpty()) {
                answerMerged(exchange, mediaType, context, shape, request, planned, ask, sources, limit, offset, projected);
                return;
            }
        }
        List<EntityHistory> histories = temporal.query(exchange.caller(), planned, limit, offset, request);
        ArrayNode array = NODES.arrayNode();
        for (EntityHistory history : histories) {
            ObjectNode rendered = TemporalRenderer.render(history, context, shape);
            // An entity with nothing in the window (or of the attributes and datasets asked for) has no evolution
            // to show; with pick or omit, what is left is what was asked for.
            if (projected || hasAttributes(rendered)) {
                array.add(rendered);
            }
        }
        respond(exchange, mediaType, array, histories, request);
    }

    /**
     * A temporal query that registered context sources answer too: the first offset + limit histories of this broker
     * and of every source (100 at a time), merged by entity id (each instance once) and sorted, then paged; sources that
     * could not be asked are named in {@code Warning} headers. A source's own cut (206) is not carried over.
     */
    private void answerMerged(NgsiLdExchange exchange, String mediaType, JsonLdContext context, TemporalRenderer.Shape shape,
                              TemporalService.Request request, org.meridian.core.query.EntitySelection planned,
                              DistributedReads.QueryAsk ask, List<org.meridian.core.csource.Registration> sources, int limit,
                              int offset, boolean projected) {
        long deep = (long) offset + limit;
        if (deep > DISTRIBUTED_WINDOW) {
            throw new MeridianException(ErrorType.TOO_MANY_RESULTS, "A temporal query that context sources answer too pages at most "
                    + DISTRIBUTED_WINDOW + " entities deep; narrow it, or add local=true for this broker's own");
        }
        List<EntityHistory> histories;
        try {
            histories = temporal.query(exchange.caller(), planned, (int) deep, 0, request);
        } catch (MeridianException e) {
            if (e.code() != org.meridian.platform.PlatformError.TENANT_NOT_FOUND) {
                throw e;
            }
            histories = List.of();
        }
        List<ObjectNode> local = new java.util.ArrayList<>();
        for (EntityHistory history : histories) {
            ObjectNode rendered = TemporalRenderer.render(history, context, shape);
            if (projected || hasAttributes(rendered)) {
                local.add(rendered);
            }
        }
        DistributedReads.MergedPage merged = distributed.query(exchange.caller(), sources, ask, local, null, (int) deep, 100, false,
                planned.orderBy(), DistributedReads.Kind.TEMPORAL);
        EntityRoutes.warn(exchange.http(), merged.failures());
        ArrayNode array = NODES.arrayNode();
        merged.entities().stream().skip(offset).limit(limit).forEach(entity -> {
            entity.remove("@context");
            array.add(entity);
        });
        respond(exchange, mediaType, array, histories, request);
    }

    /**
     * An answer cut at the instance limit is 206 with the time range it covers (clause 6.3.10): from the request's
     * bound where it has one (else the first instance), in the order read (newest first with lastN), to the last
     * instance any entity of the answer holds; the size is lastN when given.
     */
    private static void respond(NgsiLdExchange exchange, String mediaType, JsonNode body, List<EntityHistory> histories,
                                TemporalService.Request request) {
        if (histories.stream().noneMatch(EntityHistory::truncated)) {
            exchange.respond(200, body, mediaType);
            return;
        }
        boolean newestFirst = request.lastN() > 0;
        Instant earliest = null;
        Instant latest = null;
        for (EntityHistory history : histories) {
            for (HistoryInstance instance : history.instances()) {
                Instant time = request.timeOf(instance);
                earliest = earliest == null || time.isBefore(earliest) ? time : earliest;
                latest = latest == null || time.isAfter(latest) ? time : latest;
            }
        }
        Instant first = newestFirst ? (request.to() != null ? request.to() : latest) : (request.from() != null ? request.from() : earliest);
        Instant last = newestFirst ? earliest : latest;
        exchange.http().header("Content-Range", "date-time " + first + "-" + last + "/"
                + (newestFirst ? String.valueOf(request.lastN()) : "*"));
        exchange.respond(206, body, mediaType);
    }

    /** What to read: the time window, attributes (from attrs or pick), lastN and aggregation. */
    private TemporalService.Request request(QueryParameters parameters, JsonLdContext context, RenderOptions shown) {
        String timerel = parameters.single("timerel");
        Instant timeAt = instant(parameters.single("timeAt"), "timeAt");
        Instant endTimeAt = instant(parameters.single("endTimeAt"), "endTimeAt");
        Instant from = null;
        Instant to = null;
        if (timerel != null) {
            if (timeAt == null) {
                throw MeridianException.badData("timerel needs timeAt");
            }
            switch (timerel) {
                case "before" -> to = timeAt;
                case "after" -> from = timeAt;
                case "between" -> {
                    if (endTimeAt == null || !endTimeAt.isAfter(timeAt)) {
                        throw MeridianException.badData("timerel=between needs an endTimeAt after timeAt");
                    }
                    from = timeAt;
                    to = endTimeAt;
                }
                default -> throw MeridianException.badData("timerel must be before, after or between, not '" + timerel + "'");
            }
        }
        String timeProperty = parameters.single("timeproperty");
        String column = switch (timeProperty == null ? "observedAt" : timeProperty) {
            case "observedAt" -> "observed_at";
            case "modifiedAt", "createdAt" -> "recorded_at";
            case "deletedAt" -> "deleted_at";
            default -> throw MeridianException.badData("timeproperty must be observedAt, createdAt, modifiedAt or deletedAt");
        };
        List<String> attrs = parameters.list("attrs");
        // pick names the attributes to read as attrs does; omit is applied when the answer is shown.
        List<String> expanded = attrs != null ? attrs.stream().map(context::expandTerm).toList()
                : shown.attributes() != null ? List.copyOf(shown.attributes()) : null;
        boolean aggregate = representation(parameters).equals("aggregatedValues");
        String period = parameters.single("aggrPeriodDuration");
        List<String> methods = parameters.list("aggrMethods");
        return new TemporalService.Request(expanded, column, from, to, parameters.integer("lastN", 0, 1),
                limits.temporalMaxInstances(), aggregate, period == null ? 0 : seconds(period), methods == null ? List.of() : List.copyOf(methods));
    }

    /** How to show the answer: representation, aggregation methods, pick and omit, datasetId, lang (clause 6.3.7). */
    private TemporalRenderer.Shape shape(QueryParameters parameters, JsonLdContext context) {
        Set<String> options = parameters.options();
        for (String option : options) {
            if (!TEMPORAL_OPTIONS.contains(option)) {
                throw MeridianException.invalidRequest("Unknown option '" + option + "'; expected one of " + TEMPORAL_OPTIONS);
            }
        }
        String format = parameters.single("format");
        if (format != null && !TEMPORAL_FORMATS.contains(format)) {
            throw MeridianException.invalidRequest("Unknown format '" + format + "'; expected one of " + TEMPORAL_FORMATS);
        }
        String representation = representation(parameters);
        boolean simplified = representation.equals("temporalValues");
        List<String> methods = new ArrayList<>();
        List<String> requested = parameters.list("aggrMethods");
        if (!representation.equals("aggregatedValues")) {
            requested = null;
        } else if (requested != null) {
            for (String method : requested) {
                if (!AGGREGATIONS.contains(method)) {
                    throw MeridianException.badData("Unknown aggrMethod '" + method + "'; expected one of " + AGGREGATIONS);
                }
                methods.add(method);
            }
        } else {
            throw MeridianException.badData("aggregatedValues needs aggrMethods");
        }
        List<String> attrs = parameters.list("attrs");
        RenderOptions render = RenderOptionsReader.project(RenderOptions.Format.NORMALIZED, options.contains("sysAttrs"),
                parameters.single("lang"), null, projection(parameters, "pick", attrs), projection(parameters, "omit", attrs), context);
        List<String> datasetIds = parameters.list("datasetId");
        if (datasetIds != null) {
            render = new RenderOptions(render.format(), render.systemAttributes(), render.attributes(), render.omitted(),
                    render.language(), render.linked(), Set.copyOf(datasetIds));
        }
        return new TemporalRenderer.Shape(render, simplified, methods);
    }

    /**
     * The temporal representation asked for: format when given (it takes precedence, clause 6.3.12), else from
     * options; temporalValues, aggregatedValues or normalized.
     */
    private static String representation(QueryParameters parameters) {
        String format = parameters.single("format");
        Set<String> options = parameters.options();
        String chosen = format != null ? format : options.contains("aggregatedValues") ? "aggregatedValues"
                : options.contains("temporalValues") || options.contains("simplified") || options.contains("keyValues")
                ? "temporalValues" : "normalized";
        return switch (chosen) {
            case "simplified", "keyValues", "temporalValues" -> "temporalValues";
            case "aggregatedValues" -> "aggregatedValues";
            default -> "normalized";
        };
    }

    private static org.meridian.core.query.Projection projection(QueryParameters parameters, String name, List<String> attrs) {
        String text = parameters.single(name);
        if (text == null) {
            return null;
        }
        if (attrs != null) {
            throw MeridianException.badData("attrs cannot be combined with pick or omit; name the attributes in pick");
        }
        return org.meridian.core.query.Projection.parse(name, text);
    }

    private static Instant instant(String text, String name) {
        if (text == null) {
            return null;
        }
        return DateTimes.parse(text, name);
    }

    /** ISO 8601 durations such as PT1H, P1D, P1DT12H; months and years are not fixed lengths and are refused. */
    static long seconds(String duration) {
        try {
            int split = duration.indexOf('T');
            long seconds = 0;
            if (split < 0 || split > 1) {
                Period period = Period.parse(split < 0 ? duration : duration.substring(0, split));
                if (period.getMonths() != 0 || period.getYears() != 0) {
                    throw MeridianException.badData("aggrPeriodDuration in months or years is not supported; use days (P30D)");
                }
                seconds += period.getDays() * 86_400L;
            }
            if (split >= 0) {
                seconds += Duration.parse("P" + duration.substring(split)).getSeconds();
            }
            if (seconds <= 0) {
                throw MeridianException.badData("aggrPeriodDuration must be positive");
            }
            return seconds;
        } catch (DateTimeParseException e) {
            throw MeridianException.badData("aggrPeriodDuration '" + duration + "' is not an ISO 8601 duration such as PT1H");
        }
    }
}
