package org.meridian.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.meridian.core.csource.Registration;
import org.meridian.core.csource.RegistrationFilter;
import org.meridian.core.geo.GeoQuery;
import org.meridian.core.query.OrderBy;
import org.meridian.core.security.Caller;
import org.meridian.core.security.ReadScope;

/**
 * Retrieving an entity that registered context sources also hold (clause 5.7.1 with 4.3.6): the local entity merged
 * with what the sources answer. A request that comes back through this node (its alias in {@code Via}) is answered
 * locally: loops end here. Querying entities (clause 5.7.2 with 4.3.6.2–4.3.6.4): every source registered for what
 * the query selects is asked in parallel, narrowed to what an exclusive or redirect source is registered for, and
 * the answers are merged by entity id with the local page.
 */
public final class DistributedReads {
    private final ContextSourceService sources;
    private final Forwarder forwarder;
    private final SourceIdentity identity;
    private final ReadPolicies policies;

    public DistributedReads(ContextSourceService sources, Forwarder forwarder, SourceIdentity identity, ReadPolicies policies) {
        this.sources = sources;
        this.forwarder = forwarder;
        this.identity = identity;
        this.policies = policies;
    }

    /**
     * The merged entity (null when neither this broker nor a source has it) and what could not be asked.
     *
     * @param failures one line per source that failed (timed out, unreachable, malformed, resting after a failure)
     */
    public record Merged(ObjectNode entity, List<String> failures) {
    }

    /**
     * @param local the entity as this broker renders it for the request, or null when it does not hold it
     * @param type the expanded type the request names, or null
     * @param query the request's query string (forwarded as it is), or null
     * @return null when no source is registered for the entity: the local answer stands
     */
    public Merged retrieve(Caller caller, String entityId, String type, ObjectNode local, String query, String linkHeader,
                           String via, UnaryOperator<String> compact, UnaryOperator<String> expand) {
        String alias = identity.alias(caller.tenant());
        if (via != null && via.contains(alias)) {
            return null;
        }
        RegistrationFilter filter = new RegistrationFilter(type == null ? null : Set.of(type), Set.of(entityId), null, null,
                null, null, null, null);
        // A source that offers no retrieval by id is asked by a query for the id (clause 4.3.6.2).
        Set<Registration> found = new LinkedHashSet<>(sources.sourcesFor(caller, "retrieveEntity", filter));
        found.addAll(sources.sourcesFor(caller, "queryEntity", filter));
        found.addAll(sources.sourcesFor(caller, "queryBatch", filter));
        if (found.isEmpty()) {
            return null;
        }
        String viaOut = (via == null || via.isBlank() ? "" : via + ", ") + "1.1 " + alias;
        String rest = query == null || query.isEmpty() ? "" : "?" + query;
        Forwarder.Answers answers = forwarder.read(List.copyOf(found), source -> {
            if (source.operations().contains("retrieveEntity")) {
                // An id is a URI (checked): encoded for a path segment, its colons kept, as every NGSI-LD id has them
                // and simple sources match paths literally.
                return new Forwarder.Read("/entities/" + URLEncoder.encode(entityId, StandardCharsets.UTF_8).replace("%3A", ":")
                        + rest, caller.tenant(), linkHeader, viaOut);
            }
            Map<String, String> parameters = new LinkedHashMap<>();
            parameters.put("id", entityId);
            String types = type != null ? compact.apply(type) : String.join(",", registeredTypes(source, entityId).stream().map(compact).toList());
            if (!types.isEmpty()) {
                parameters.put("type", types);
            }
            StringBuilder forwarded = new StringBuilder();
            parameters.forEach((name, value) -> append(forwarded, name, value));
            if (source.operations().contains("queryEntity")) {
                String others = query == null ? "" : java.util.Arrays.stream(query.split("&"))
                        .filter(part -> !part.startsWith("type=") && !part.startsWith("local=")).collect(java.util.stream.Collectors.joining("&"));
                return new Forwarder.Read("/entities?" + forwarded + (others.isEmpty() ? "" : "&" + others), caller.tenant(),
                        linkHeader, viaOut);
            }
            return new Forwarder.Read("/entityOperations/query" + rest, caller.tenant(), linkHeader, viaOut, queryBody(parameters));
        });
        ObjectNode merged = local == null ? JsonNodeFactory.instance.objectNode() : local.deepCopy();
        ReadScope scope = policies.scope(caller);
        List<String> failures = new ArrayList<>(answers.failures());
        for (Forwarder.Reply reply : answers.replies()) {
            // A query's answer is an array; some sources answer a query for one id with the entity itself.
            for (JsonNode answered : reply.body().isArray() ? reply.body() : List.of(reply.body())) {
                if (!(answered instanceof ObjectNode given) || !given.path("id").asText().equals(entityId)) {
                    continue;
                }
                ObjectNode entity = given.deepCopy();
                if (reply.source().location() != null && lies(entity,
                        org.locationtech.jts.geom.prep.PreparedGeometryFactory.prepare(reply.source().location())) == Boolean.FALSE) {
                    failures.add(reply.source().label() + ": gave the entity located outside the area it is registered for");
                    break;
                }
                if (governed(entity, scope, expand)) {
                    Forwarder.merge(merged, entity);
                    policies.fetched(caller, "retrieve " + entityId, reply.source().label(), 1);
                    break;
                }
            }
        }
        return new Merged(merged.has("id") ? merged : null, failures);
    }

    /** Members of a rendered entity that are not attributes: never masked. */
    private static final Set<String> NOT_ATTRIBUTES = Set.of("id", "type", "@context", "scope", "createdAt", "modifiedAt",
            "deletedAt");

    /**
     * Applies this node's read rules to an entity another node gave (as to its own data: the sharing grants of the
     * caller's department here): false when the caller may see none of it, else the entity without the attributes
     * it may not see. The source decided what this node may read; this node decides who of its own reads it.
     */
    static boolean governed(ObjectNode entity, ReadScope scope, UnaryOperator<String> expand) {
        if (scope.unrestricted()) {
            return true;
        }
        List<String> types = new ArrayList<>();
        JsonNode type = entity.path("type");
        for (JsonNode one : type.isArray() ? type : List.of(type)) {
            types.add(expand.apply(one.asText()));
        }
        org.locationtech.jts.geom.Envelope box = scope.limitsPlacesOf(types) ? envelope(entity) : null;
        ReadScope.View view = scope.viewOf(types, box);
        if (view == null) {
            return false;
        }
        if (!view.everything()) {
            List<String> hidden = new ArrayList<>();
            entity.fieldNames().forEachRemaining(name -> {
                if (!NOT_ATTRIBUTES.contains(name) && !view.shows(expand.apply(name))) {
                    hidden.add(name);
                }
            });
            entity.remove(hidden);
        }
        return true;
    }

    /** The bounding box of an entity's rendered location, or null. */
    private static org.locationtech.jts.geom.Envelope envelope(ObjectNode entity) {
        org.locationtech.jts.geom.Geometry geometry = location(entity);
        return geometry == null ? null : geometry.getEnvelopeInternal();
    }

    /**
     * Whether an entity's location lies in an area (within a metre or so, for points on its border); null when it
     * has no location one can read.
     */
    static Boolean lies(ObjectNode entity, org.locationtech.jts.geom.prep.PreparedGeometry area) {
        org.locationtech.jts.geom.Geometry geometry = location(entity);
        return geometry == null ? null : area.covers(geometry) || area.getGeometry().distance(geometry) < 1e-5;
    }

    /** An entity's rendered location (normalized, concise, simplified, or a history's first instance), or null. */
    private static org.locationtech.jts.geom.Geometry location(ObjectNode entity) {
        JsonNode location = entity.get("location");
        if (location != null && location.isArray()) {
            location = location.isEmpty() ? null : location.get(0);
        }
        if (location != null && location.has("value")) {
            location = location.get("value");
        }
        if (location == null || !location.has("coordinates")) {
            return null;
        }
        try {
            return org.meridian.core.geo.GeoJson.parse(location);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * An entity's history from this broker and the sources registered for retrieveTemporal of it, merged (each
     * instance once); null when no source is registered for it.
     */
    public Merged retrieveTemporal(Caller caller, String entityId, ObjectNode local, String query, String linkHeader, String via,
                                   UnaryOperator<String> expand) {
        String alias = identity.alias(caller.tenant());
        if (via != null && via.contains(alias)) {
            return null;
        }
        List<Registration> found = sources.sourcesFor(caller, "retrieveTemporal",
                new RegistrationFilter(null, Set.of(entityId), null, null, null, null, null, null));
        if (found.isEmpty()) {
            return null;
        }
        String path = "/temporal/entities/" + URLEncoder.encode(entityId, StandardCharsets.UTF_8).replace("%3A", ":")
                + (query == null || query.isEmpty() ? "" : "?" + query);
        Forwarder.Answers answers = forwarder.read(found, new Forwarder.Read(path, caller.tenant(), linkHeader,
                (via == null || via.isBlank() ? "" : via + ", ") + "1.1 " + alias));
        ObjectNode merged = local == null ? JsonNodeFactory.instance.objectNode() : local.deepCopy();
        ReadScope scope = policies.scope(caller);
        List<String> failures = new ArrayList<>(answers.failures());
        for (Forwarder.Reply reply : answers.replies()) {
            if (reply.body() instanceof ObjectNode given && given.path("id").asText().equals(entityId)) {
                ObjectNode entity = given.deepCopy();
                if (reply.source().location() != null && lies(entity,
                        org.locationtech.jts.geom.prep.PreparedGeometryFactory.prepare(reply.source().location())) == Boolean.FALSE) {
                    failures.add(reply.source().label() + ": gave the entity located outside the area it is registered for");
                    continue;
                }
                if (governed(entity, scope, expand)) {
                    if (!merged.has("id")) {
                        merged.set("id", entity.get("id"));
                        merged.set("type", entity.get("type"));
                    }
                    Forwarder.mergeHistories(merged, entity);
                    policies.fetched(caller, "retrieve the history of " + entityId, reply.source().label(), 1);
                }
            }
        }
        return new Merged(merged.has("id") ? merged : null, failures);
    }

    /** The types under which a source is registered for an entity. */
    private static Set<String> registeredTypes(Registration source, String entityId) {
        Set<String> types = new LinkedHashSet<>();
        for (Registration.Info info : source.information()) {
            for (Registration.EntityInfo entity : info.entities()) {
                if (entity.id() == null && entity.pattern() == null || entityId.equals(entity.id())
                        || entity.pattern() != null && entity.pattern().matcher(entityId).find()) {
                    types.add(entity.type());
                }
            }
        }
        return types;
    }

    /**
     * A query as it goes out to the sources, in the client's own terms (the sources read it with the same
     * {@code @context}), with what choosing and narrowing the sources needs.
     *
     * @param parameters the query's parameters as the client wrote them (type, id, idPattern, attrs, q, scopeQ, the
     *                   geo-query, options, pick, omit, lang, orderBy...), without paging, count and local
     * @param types the expanded types any of which the query selects, or null
     * @param ids the ids the query selects, or null
     * @param attributes the expanded attributes any of which the query asks for, or null
     * @param geo the geo-query, or null
     * @param compact how an expanded attribute name is written in the client's terms
     * @param expand how a name in the client's terms is expanded (types compared as IRIs, however written)
     */
    public record QueryAsk(Map<String, String> parameters, Set<String> types, List<String> ids, String idPattern,
                           Set<String> attributes, GeoQuery geo, UnaryOperator<String> compact, UnaryOperator<String> expand,
                           String linkHeader, String via) {
    }

    /**
     * The merged answer of a query, in order, and what could not be asked.
     *
     * @param entities every entity gathered, merged by id and sorted: the caller pages through them
     * @param totalCount the number of matching entities when asked: exact when every party's answer fit within the
     *                   window, else the sum of the parties' own counts (an upper bound when they share entities)
     */
    public record MergedPage(List<ObjectNode> entities, Long totalCount, List<String> failures) {
    }

    /** What a query asks for: entities as they are now, or their history. */
    public enum Kind {
        CURRENT("/entities", List.of("queryEntity", "queryBatch")),
        TEMPORAL("/temporal/entities", List.of("queryTemporal"));

        private final String path;
        private final List<String> operations;

        Kind(String path, List<String> operations) {
            this.path = path;
            this.operations = operations;
        }
    }

    /** The sources registered for a query of the kind, none when it has come back through this node. */
    public List<Registration> querySources(Caller caller, QueryAsk ask, Kind kind) {
        if (ask.via() != null && ask.via().contains(identity.alias(caller.tenant()))) {
            return List.of();
        }
        RegistrationFilter filter = new RegistrationFilter(ask.types(), ask.ids() == null ? null : Set.copyOf(ask.ids()),
                ask.idPattern() == null ? null : com.google.re2j.Pattern.compile(ask.idPattern()), ask.attributes(),
                null, null, null, null);
        Set<Registration> found = new LinkedHashSet<>();
        kind.operations.forEach(operation -> found.addAll(sources.sourcesFor(caller, operation, filter)));
        // A source without a registered location may hold entities anywhere; one with a location only those there.
        return found.stream().filter(source -> ask.geo() == null || source.location() == null
                || ask.geo().mayMatchWithin(source.location())).toList();
    }

    /**
     * Asks the sources for the first {@code window} entities of the query, {@code chunk} at a time (what a source
     * gives in one answer), merges them by id into the local ones and sorts them.
     *
     * @param local the first {@code window} local entities, rendered for the request
     * @param localCount how many local entities match, when counted
     */
    public MergedPage query(Caller caller, List<Registration> registered, QueryAsk ask, List<ObjectNode> local,
                            Long localCount, int window, int chunk, boolean count, OrderBy orderBy, Kind kind) {
        java.util.function.BinaryOperator<ObjectNode> merging = kind == Kind.TEMPORAL ? Forwarder::mergeHistories : Forwarder::merge;
        Map<String, ObjectNode> merged = new LinkedHashMap<>();
        local.forEach(entity -> merged.put(entity.path("id").asText(), entity.deepCopy()));
        List<String> failures = new ArrayList<>();
        long sourcesCounted = 0;
        boolean complete = localCount == null || localCount <= local.size();
        String viaOut = (ask.via() == null || ask.via().isBlank() ? "" : ask.via() + ", ") + "1.1 " + identity.alias(caller.tenant());
        Set<String> typeNames = typeNames(ask.parameters().get("type"));
        ReadScope scope = policies.scope(caller);
        Comparator<ObjectNode> order = order(orderBy, ask.compact());
        // By id, a source is first asked for twice its share of the window and then only for more while what it gave
        // so far could still reach into the window (its last entity comes before the window's last): a city paging its
        // districts moves a few hundred entities, not window x districts. With orderBy each is asked for the window.
        Map<Registration, Integer> offsets = new LinkedHashMap<>();
        Map<Registration, Integer> asking = new LinkedHashMap<>();
        Map<Registration, ObjectNode> lastGiven = new LinkedHashMap<>();
        // A source whose answer is not in this node's order (another collation, another broker's default order) is
        // asked for the whole window: stopping early on its last entity could miss one that sorts before the edge.
        Set<Registration> unordered = new java.util.HashSet<>();
        int share = orderBy != null ? window : (int) Math.min(window, Math.max(10, 2L * window / Math.max(1, registered.size())));
        registered.forEach(source -> {
            offsets.put(source, 0);
            asking.put(source, Math.min(chunk, share));
        });
        List<Registration> pending = registered;
        boolean first = true;
        while (!pending.isEmpty()) {
            boolean counting = first && count;
            Forwarder.Answers answers = forwarder.read(pending, source -> forwardedQuery(source, ask, caller.tenant(), viaOut,
                    offsets.get(source), asking.get(source), counting, kind));
            failures.addAll(answers.failures());
            List<Registration> full = new ArrayList<>();
            for (Forwarder.Reply reply : answers.replies()) {
                Registration source = reply.source();
                int size = asking.get(source);
                if (!(reply.body() instanceof ArrayNode array)) {
                    failures.add(source.label() + ": answered a query with something other than an array of entities");
                    continue;
                }
                if (counting && reply.resultsCount() != null && scope.unrestricted()) {
                    // (A source counts what it lets this node read; a caller here may see less: then only what it was shown.)
                    sourcesCounted += reply.resultsCount();
                }
                int refused = 0;
                int outside = 0;
                int given = 0;
                org.locationtech.jts.geom.prep.PreparedGeometry area = source.location() == null ? null
                        : org.locationtech.jts.geom.prep.PreparedGeometryFactory.prepare(source.location());
                // No more than was asked for is kept: a source answering more cannot make this node hold more.
                for (JsonNode element : (Iterable<JsonNode>) () -> java.util.stream.StreamSupport.stream(array.spliterator(), false)
                        .limit(size).iterator()) {
                    if (!(element instanceof ObjectNode entity) || !entity.path("id").isTextual()
                            || typeNames != null && !hasAnyType(entity, typeNames, ask.expand())) {
                        refused++;
                        continue;
                    }
                    ObjectNode previous = lastGiven.put(source, entity);
                    if (previous != null && order.compare(previous, entity) > 0) {
                        unordered.add(source);
                    }
                    if (area != null && lies(entity, area) == Boolean.FALSE) {
                        outside++;
                        continue;
                    }
                    ObjectNode copy = entity.deepCopy();
                    if (!governed(copy, scope, ask.expand())) {
                        continue;
                    }
                    merged.merge(copy.get("id").asText(), copy, merging);
                    given++;
                }
                if (outside > 0) {
                    // A source speaks for its registered area (a district for its own): it cannot claim others' places.
                    failures.add(source.label() + ": " + outside + " of its entities lie outside the area it is registered for");
                }
                if (given > 0) {
                    policies.fetched(caller, "query " + ask.parameters(), source.label(), given);
                }
                if (refused > 0) {
                    // A source's mistakes stay out of the answer, and are said.
                    failures.add(source.label() + ": " + refused + " of its answer's elements were not entities of the types asked for");
                }
                offsets.put(source, offsets.get(source) + size);
                if (array.size() >= size) {
                    full.add(source);
                }
            }
            // The window's last entity so far: a source whose last entity comes after it has nothing more for the window.
            ObjectNode edge = null;
            if (merged.size() >= window) {
                List<ObjectNode> sorted = new ArrayList<>(merged.values());
                sorted.sort(order);
                edge = sorted.get(window - 1);
            }
            List<Registration> more = new ArrayList<>();
            for (Registration source : full) {
                ObjectNode last = lastGiven.get(source);
                // (Sources sort by orderBy as they see fit: with it, each is asked for the whole window.)
                boolean mayReach = orderBy != null || unordered.contains(source) || edge == null || last == null
                        || order.compare(last, edge) < 0;
                if (mayReach && offsets.get(source) < window) {
                    asking.put(source, Math.min(chunk, Math.min(window - offsets.get(source), Math.max(10, asking.get(source) * 2))));
                    more.add(source);
                } else {
                    complete = false; // it holds more than it gave: the count cannot be exact
                }
            }
            pending = more;
            first = false;
        }
        List<ObjectNode> ordered = new ArrayList<>(merged.values());
        ordered.sort(order);
        Long total = null;
        if (count) {
            total = complete ? (long) ordered.size()
                    : Math.max(ordered.size(), (localCount == null ? local.size() : localCount) + sourcesCounted);
        }
        return new MergedPage(ordered, total, failures);
    }

    /**
     * The query as one source receives it: as GET when it offers queryEntity, else as POST to
     * /entityOperations/query; narrowed for an exclusive or redirect source to the entities and attributes it is
     * registered for (clause 4.3.6.3), since it is the authority for those and only those.
     */
    private static Forwarder.Read forwardedQuery(Registration source, QueryAsk ask, String tenant, String via, int offset, int limit,
                                                 boolean count, Kind kind) {
        Map<String, String> parameters = new LinkedHashMap<>(ask.parameters());
        if (source.mode() == Registration.Mode.EXCLUSIVE || source.mode() == Registration.Mode.REDIRECT) {
            narrow(source, ask, parameters);
        }
        StringBuilder query = new StringBuilder();
        boolean asGet = kind == Kind.TEMPORAL || source.operations().contains("queryEntity");
        if (asGet) {
            parameters.forEach((name, value) -> append(query, name, value));
        } else {
            for (String name : List.of("options", "format", "lang", "pick", "omit", "orderBy", "datasetId")) {
                if (parameters.containsKey(name)) {
                    append(query, name, parameters.get(name));
                }
            }
        }
        append(query, "limit", String.valueOf(limit));
        if (offset > 0) {
            append(query, "offset", String.valueOf(offset));
        }
        if (count) {
            append(query, "count", "true");
        }
        if (asGet) {
            return new Forwarder.Read(kind.path + "?" + query, tenant, ask.linkHeader(), via);
        }
        return new Forwarder.Read("/entityOperations/query?" + query, tenant, ask.linkHeader(), via, queryBody(parameters));
    }

    private static void narrow(Registration source, QueryAsk ask, Map<String, String> parameters) {
        Set<String> ids = new LinkedHashSet<>();
        Set<String> names = new LinkedHashSet<>();
        boolean everyEntity = false;
        boolean everyAttribute = false;
        for (Registration.Info info : source.information()) {
            if (info.entities().isEmpty() || info.entities().stream().anyMatch(entity -> entity.id() == null)) {
                everyEntity = true;
            }
            info.entities().stream().map(Registration.EntityInfo::id).filter(java.util.Objects::nonNull).forEach(ids::add);
            if (!info.namesAttributes()) {
                everyAttribute = true;
            }
            names.addAll(info.propertyNames());
            names.addAll(info.relationshipNames());
        }
        if (!everyEntity && !ids.isEmpty() && ask.ids() == null) {
            parameters.put("id", String.join(",", ids));
        }
        if (!everyAttribute && !names.isEmpty()) {
            Set<String> asked = ask.attributes() == null ? names : new LinkedHashSet<>(ask.attributes());
            asked.retainAll(names);
            parameters.put("attrs", String.join(",", asked.stream().map(ask.compact()).toList()));
        }
    }

    /** A Query (clause 5.2.23) of the same parameters, for a source that only offers queryBatch. */
    private static ObjectNode queryBody(Map<String, String> parameters) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("type", "Query");
        ArrayNode selectors = body.putArray("entities");
        String type = parameters.get("type");
        String ids = parameters.get("id");
        if (ids != null) {
            for (String id : ids.split(",")) {
                ObjectNode selector = selectors.addObject().put("id", id);
                if (type != null) {
                    selector.put("type", type);
                }
            }
        } else if (type != null || parameters.containsKey("idPattern")) {
            ObjectNode selector = selectors.addObject();
            if (type != null) {
                selector.put("type", type);
            }
            if (parameters.containsKey("idPattern")) {
                selector.put("idPattern", parameters.get("idPattern"));
            }
        }
        if (parameters.containsKey("attrs")) {
            ArrayNode attrs = body.putArray("attrs");
            for (String name : parameters.get("attrs").split(",")) {
                attrs.add(name);
            }
        }
        for (String name : List.of("q", "scopeQ")) {
            if (parameters.containsKey(name)) {
                body.put(name, parameters.get(name));
            }
        }
        if (parameters.containsKey("georel")) {
            ObjectNode geo = body.putObject("geoQ");
            for (String name : List.of("georel", "geometry", "coordinates", "geoproperty")) {
                if (parameters.containsKey(name)) {
                    geo.put(name, parameters.get(name));
                }
            }
        }
        return body;
    }

    private static void append(StringBuilder query, String name, String value) {
        if (!query.isEmpty()) {
            query.append('&');
        }
        // Commas, colons and semicolons are kept: they separate lists and name ids, and sources read them as written.
        query.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8)
                .replace("%2C", ",").replace("%3A", ":").replace("%3B", ";"));
    }

    /** The type names a type parameter mentions, or null when it names none. */
    private static Set<String> typeNames(String type) {
        if (type == null) {
            return null;
        }
        Set<String> names = new LinkedHashSet<>();
        for (String name : type.split("[,|;()]")) {
            if (!name.isBlank()) {
                names.add(name.strip());
            }
        }
        return names.isEmpty() ? null : names;
    }

    private static boolean hasAnyType(ObjectNode entity, Set<String> names, UnaryOperator<String> expand) {
        JsonNode type = entity.get("type");
        if (type == null) {
            return false;
        }
        Set<String> expanded = new java.util.HashSet<>();
        names.forEach(name -> expanded.add(expand.apply(name)));
        for (JsonNode one : type.isArray() ? type : List.of(type)) {
            if (expanded.contains(expand.apply(one.asText()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The order of a merged answer: the query's orderBy over the rendered entities (members missing last, ties by
     * id), else by id, the order of a local page.
     */
    static Comparator<ObjectNode> order(OrderBy orderBy, UnaryOperator<String> compact) {
        Comparator<ObjectNode> byId = Comparator.comparing(entity -> entity.path("id").asText());
        if (orderBy == null) {
            return byId;
        }
        Comparator<ObjectNode> order = null;
        for (OrderBy.Key key : orderBy.keys()) {
            Comparator<ObjectNode> one = (a, b) -> {
                JsonNode x = sortValue(a, key, compact);
                JsonNode y = sortValue(b, key, compact);
                if (x == null || y == null) {
                    return x == null ? (y == null ? 0 : 1) : -1;
                }
                int compared = compareValues(x, y);
                return key.descending() ? -compared : compared;
            };
            order = order == null ? one : order.thenComparing(one);
        }
        return order.thenComparing(byId);
    }

    private static JsonNode sortValue(ObjectNode entity, OrderBy.Key key, UnaryOperator<String> compact) {
        JsonNode found = switch (key.target()) {
            case ID -> entity.get("id");
            case TYPE -> entity.get("type");
            case CREATED_AT -> entity.get("createdAt");
            case MODIFIED_AT -> entity.get("modifiedAt");
            case ATTRIBUTE -> {
                JsonNode attribute = entity.get(compact.apply(key.attribute()));
                if (attribute != null && attribute.isArray()) {
                    attribute = attribute.isEmpty() ? null : attribute.get(0);
                }
                if (attribute == null || !attribute.isObject()) {
                    yield attribute;
                }
                if (key.member() != null) {
                    JsonNode member = attribute.get(key.memberIsTime() ? key.member() : compact.apply(key.member()));
                    yield member != null && member.isObject() ? member.get("value") : member;
                }
                for (String name : List.of("value", "object", "vocab", "json", "languageMap")) {
                    if (attribute.has(name)) {
                        yield attribute.get(name);
                    }
                }
                yield null;
            }
        };
        return found == null || found.isNull() ? null : found;
    }

    private static int compareValues(JsonNode x, JsonNode y) {
        if (x.isNumber() && y.isNumber()) {
            return Double.compare(x.asDouble(), y.asDouble());
        }
        if (x.isNumber() != y.isNumber()) {
            return x.isNumber() ? -1 : 1;
        }
        return (x.isValueNode() ? x.asText() : x.toString()).compareTo(y.isValueNode() ? y.asText() : y.toString());
    }
}
