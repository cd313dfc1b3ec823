package org.meridian.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.meridian.broker.store.EntityQueries;
import org.meridian.broker.store.EntityStore;
import org.meridian.core.error.MeridianException;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.AttributeChanges;
import org.meridian.core.ngsild.Entity;
import org.meridian.core.ngsild.EntityChange;
import org.meridian.core.ngsild.EntityMutations;
import org.meridian.core.ngsild.EntityParser;
import org.meridian.core.ngsild.NgsiLd;
import org.meridian.core.query.EntityPage;
import org.meridian.core.query.EntitySelection;
import org.meridian.core.security.Caller;
import org.meridian.core.security.ReadScope;
import org.meridian.platform.db.TenantStore;
import org.meridian.platform.db.Transactions;

/**
 * The NGSI-LD entity operations (clause 5.6 and 5.7). Each operation parses and checks its input completely before it
 * opens a transaction, and changes a stored entity only inside one, so a failed request stores nothing.
 */
public final class EntityService {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EntityService.class);
    private final Transactions transactions;
    private final ChangeWriter writer;
    private final EntityStore entities;
    private final EntityQueries queries;
    private final TenantStore tenants;
    private final ReadPolicies policies;
    private final WritePolicies writes;

    public EntityService(Transactions transactions, ChangeWriter writer, EntityStore entities, EntityQueries queries,
                         TenantStore tenants, ReadPolicies policies, WritePolicies writes) {
        this.policies = policies;
        this.writes = writes;
        this.transactions = transactions;
        this.writer = writer;
        this.entities = entities;
        this.queries = queries;
        this.tenants = tenants;
    }

    private Instant now() {
        return writer.now();
    }

    public Entity retrieve(Caller caller, String id) {
        String tenant = caller.tenant();
        ReadScope scope = policies.scope(caller);
        Entity shown = transactions.readOnly(connection -> {
            requireTenant(connection, tenant);
            // An entity the caller may not read is as absent as one that does not exist.
            return entities.find(connection, tenant, id, false).flatMap(entity -> ReadPolicies.visible(scope, entity))
                    .orElseThrow(() -> new MeridianException(BrokerError.ENTITY_NOT_FOUND, "No entity " + id));
        });
        policies.shown(caller, "retrieve " + id, List.of(shown));
        return shown;
    }

    /**
     * The entity's type as stored (expanded), or null when the tenant holds no such entity: where a write goes is
     * decided by it, so it is not a read (no read rules, nothing in the ledger); the write itself checks the caller.
     */
    public String storedType(Caller caller, String id) {
        return transactions.readOnly(connection -> entities.find(connection, caller.tenant(), id, false)
                .map(entity -> entity.types().getFirst()).orElse(null));
    }

    public EntityPage query(Caller caller, EntitySelection selection, int limit, int offset, boolean count) {
        EntityPage shown = queryUnrecorded(caller, selection, limit, offset, count);
        recordShown(caller, selection, shown.entities(), shown.totalCount());
        return shown;
    }

    /**
     * A query whose entities are not yet shown: a query that context sources answer too reads a window of them, of
     * which the merged page shows some; {@link #recordShown} then records those.
     */
    public EntityPage queryUnrecorded(Caller caller, EntitySelection selection, int limit, int offset, boolean count) {
        String tenant = caller.tenant();
        ReadScope scope = policies.scope(caller);
        return transactions.readOnly(connection -> {
            requireTenant(connection, tenant);
            EntityPage page = queries.query(connection, tenant, selection, scope, limit, offset, count);
            return scope.masksNothing() ? page
                    : new EntityPage(page.entities().stream().map(scope::mask).toList(), page.totalCount());
        });
    }

    /** Tells the read policies what a query showed the caller (the ledger of reads across departments), or counted. */
    public void recordShown(Caller caller, EntitySelection selection, List<Entity> shown, Long totalCount) {
        policies.shown(caller, "query " + selection.describe(), shown);
        if (shown.isEmpty() && totalCount != null) {
            policies.counted(caller, "count " + selection.describe(), selection.types() == null ? java.util.Set.of()
                    : selection.types().names().stream().map(selection.typeExpander()).collect(java.util.stream.Collectors.toSet()),
                    totalCount);
        }
    }

    /**
     * The entities with these ids that the caller may see, by id, as a query would show them: what a join
     * (linked entity retrieval) adds to an answer. Counted in the exchange ledger like any read.
     */
    public java.util.Map<String, Entity> readLinked(Caller caller, Set<String> ids) {
        EntitySelection selection = new EntitySelection(List.copyOf(ids), null, null, UnaryOperator.identity(),
                null, null, null, null, null);
        java.util.Map<String, Entity> found = new java.util.HashMap<>();
        query(caller, selection, ids.size(), 0, false).entities().forEach(entity -> found.put(entity.id(), entity));
        return found;
    }

    /** What a map shows of a type in a box: its entities one by one, or, when there are more than asked, counted by cell. */
    public sealed interface MapLayer {
        record Points(List<org.meridian.core.query.MapPoint> points) implements MapLayer {
        }

        record Clusters(List<org.meridian.core.query.MapCluster> clusters) implements MapLayer {
        }
    }

    /**
     * A map's view of one entity type in a box, as the caller may see it (hidden types, attributes and places stay
     * hidden): up to {@code limit} entities with the attribute's latest instance, or, beyond that, counts per grid cell
     * of {@code cell} degrees, so a city of 100,000 sensors costs a few hundred cells. Reads of other departments' data
     * go to the ledger like any query.
     */
    public MapLayer map(Caller caller, String type, ReadScope.Area box, String attribute, boolean shapes, int limit, double cell) {
        String tenant = caller.tenant();
        ReadScope scope = policies.scope(caller);
        EntitySelection selection = new EntitySelection(null, null, new org.meridian.core.query.TypeExpression.TypeName(type),
                java.util.function.UnaryOperator.identity(), null, null, null, null, null);
        MapLayer layer = transactions.readOnly(connection -> {
            if (!tenants.exists(connection, tenant)) {
                return new MapLayer.Points(List.of());
            }
            List<org.meridian.core.query.MapPoint> points = queries.mapPoints(connection, tenant, selection, scope, box, attribute, shapes, limit + 1);
            if (points.size() <= limit) {
                return new MapLayer.Points(points);
            }
            return new MapLayer.Clusters(queries.mapClusters(connection, tenant, selection, scope, box, cell));
        });
        String what = "map " + type + " in [" + box.west() + "," + box.south() + "," + box.east() + "," + box.north() + "]";
        switch (layer) {
            case MapLayer.Points(List<org.meridian.core.query.MapPoint> points) -> policies.shown(caller, what, points.stream()
                    .map(point -> new org.meridian.core.ngsild.Entity(point.id(), List.of(type), List.of(),
                            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), null, null)).toList());
            case MapLayer.Clusters(List<org.meridian.core.query.MapCluster> clusters) -> policies.counted(caller, what, Set.of(type),
                    clusters.stream().mapToLong(org.meridian.core.query.MapCluster::count).sum());
        }
        return layer;
    }

    /** A trend as asked for: its window is a span ending at a given hour, so the next hour asks for the same key. */
    private record TrendKey(String tenant, String type, String attribute, java.time.Duration span, ReadScope scope) {
    }

    private record KeptTrend(Instant at, Instant from, Instant to, List<org.meridian.core.temporal.HistoryBucket> buckets) {
        boolean covers(Instant askedFrom, Instant askedTo) {
            return from.equals(askedFrom) && to.equals(askedTo);
        }

        /** Its buckets within a window (the one asked for may have moved on by an hour since it was computed). */
        List<org.meridian.core.temporal.HistoryBucket> within(Instant askedFrom, Instant askedTo) {
            return covers(askedFrom, askedTo) ? buckets : buckets.stream()
                    .filter(bucket -> !bucket.start().isBefore(askedFrom) && bucket.start().isBefore(askedTo)).toList();
        }
    }

    /** How long a city-wide trend is kept: it is hourly figures, and reading 100,000 sensors' hours takes a while. */
    static final java.time.Duration TREND_FRESH_FOR = java.time.Duration.ofMinutes(1);
    /**
     * How long after it was computed a kept trend is still served, while it is computed again in the background: the
     * reader who came when it expired, or when the hour turned, waited for it (1.5–2 s a trend in a busy city of
     * 100,000 sensors, three on a page). Older than this, the reader waits for a fresh one rather than see figures
     * that old.
     */
    static final java.time.Duration TREND_SERVED_WHILE_REFRESHED_FOR = java.time.Duration.ofMinutes(10);
    private final java.util.Map<TrendKey, KeptTrend> trends = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Set<TrendKey> refreshing = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A city-wide trend: the hourly mean, low and high of one attribute over every entity of a type the caller may
     * read (within their grant's areas), from the hourly rollup. Empty when the caller may not read that attribute.
     * The ledger records it as a count of the entities it summarised.
     */
    public List<org.meridian.core.temporal.HistoryBucket> hourlyAcross(Caller caller, String type, String attribute, Instant from,
                                                                       Instant to) {
        ReadScope scope = policies.scope(caller);
        if (scope.types() != null && (scope.types().get(type) == null || !scope.types().get(type).shows(attribute))) {
            return List.of();
        }
        EntitySelection selection = new EntitySelection(null, null, new org.meridian.core.query.TypeExpression.TypeName(type),
                java.util.function.UnaryOperator.identity(), null, null, null, null, null);
        // Kept per what the reader may see (their scope is part of the key: a revoked grant is a new key at once).
        TrendKey key = new TrendKey(caller.tenant(), type, attribute, java.time.Duration.between(from, to), scope);
        Instant now = now();
        KeptTrend kept = trends.get(key);
        List<org.meridian.core.temporal.HistoryBucket> buckets;
        if (kept != null && kept.covers(from, to) && now.isBefore(kept.at().plus(TREND_FRESH_FOR))) {
            buckets = kept.buckets();
        } else if (kept != null && now.isBefore(kept.at().plus(TREND_SERVED_WHILE_REFRESHED_FOR))) {
            buckets = kept.within(from, to);
            if (refreshing.add(key)) {
                Thread.ofVirtual().name("meridian-trend-refresh").start(() -> {
                    try {
                        keep(key, new KeptTrend(now, from, to, computeTrend(caller.tenant(), selection, scope, attribute, from, to)));
                    } catch (RuntimeException e) {
                        // The kept one stays; the next reader tries again.
                        LOG.warn("a city-wide trend of {} could not be computed again", attribute, e);
                    } finally {
                        refreshing.remove(key);
                    }
                });
            }
        } else {
            buckets = computeTrend(caller.tenant(), selection, scope, attribute, from, to);
            keep(key, new KeptTrend(now, from, to, buckets));
        }
        long summarised = buckets.stream().mapToLong(bucket -> bucket.values().get("entities").longValue()).max().orElse(0);
        if (summarised > 0) {
            policies.counted(caller, "hourly " + attribute + " across " + type + " from " + from + " to " + to, Set.of(type), summarised);
        }
        return buckets;
    }

    private List<org.meridian.core.temporal.HistoryBucket> computeTrend(String tenant, EntitySelection selection, ReadScope scope,
                                                                         String attribute, Instant from, Instant to) {
        return transactions.readOnly(connection -> !tenants.exists(connection, tenant) ? List.<org.meridian.core.temporal.HistoryBucket>of()
                : queries.hourlyAcross(connection, tenant, selection, scope, attribute, from, to));
    }

    private void keep(TrendKey key, KeptTrend trend) {
        if (trends.size() > 500) {
            trends.clear();
        }
        // A newer one (a reader computed it while the background did) is not replaced by an older one.
        trends.merge(key, trend, (old, fresh) -> fresh.at().isBefore(old.at()) ? old : fresh);
    }

    public void delete(Caller caller, String id) {
        Set<String> writable = writes.writable(caller);
        writer.write(caller.tenant(), ChangeWriter.TenantUse.MUST_EXIST, writing -> {
            Entity current = writing.lock(id).orElseThrow(() -> new MeridianException(BrokerError.ENTITY_NOT_FOUND, "No entity " + id));
            WritePolicies.require(writable, id, current.types());
            writing.deleteAll(List.of(id));
            writing.record(List.of(EntityChange.deleted(current)));
            return null;
        });
    }

    /** PUT /entities/{id}: the new content replaces everything but the id and the creation time. */
    public void replace(Caller caller, String id, JsonNode payload, JsonLdContext context) {
        ObjectNode object = EntityParser.requireObject(payload, "An entity");
        requireSameId(id, object);
        object.put("id", id);
        Instant now = now();
        Entity replacement = EntityParser.parseEntity(object, context, now);
        modify(caller, id, now, current -> new Entity(id, replacement.types(), replacement.scopes(),
                EntityMutations.replaceAll(current.attributes(), replacement.attributes()), current.createdAt(), now));
    }

    /** PATCH /entities/{id}: JSON merge patch semantics over attributes (clause 5.6.17). */
    public void merge(Caller caller, String id, JsonNode payload, JsonLdContext context) {
        ObjectNode object = EntityParser.requireObject(payload, "An entity fragment");
        requireSameId(id, object);
        Instant now = now();
        EntityParser.Fragment fragment = EntityParser.parseFragment(object, context, now);
        modify(caller, id, now, current -> mergeFragment(current, fragment, now));
    }

    private static Entity mergeFragment(Entity current, EntityParser.Fragment fragment, Instant now) {
        List<String> types = current.types();
        if (fragment.types() != null) {
            LinkedHashSet<String> union = new LinkedHashSet<>(current.types());
            union.addAll(fragment.types());
            types = List.copyOf(union);
        }
        List<String> scopes = fragment.scopes() != null ? fragment.scopes() : current.scopes();
        ObjectNode attributes = EntityMutations.merge(current.attributes(), fragment.attributes(), true, new AttributeChanges());
        return new Entity(current.id(), types, scopes, attributes, current.createdAt(), now);
    }

    public AttributeChanges appendAttributes(Caller caller, String id, JsonNode payload, JsonLdContext context,
                                             boolean noOverwrite) {
        ObjectNode object = EntityParser.requireObject(payload, "An attribute fragment");
        requireSameId(id, object);
        Instant now = now();
        EntityParser.Fragment fragment = EntityParser.parseFragment(object, context, now);
        if (fragment.attributes().isEmpty() && fragment.types() == null && fragment.scopes() == null) {
            throw MeridianException.badData("The request names no attribute to append");
        }
        AttributeChanges changes = new AttributeChanges();
        modify(caller, id, now, current -> {
            List<String> types = withTypes(current, fragment.types());
            // Scopes are replaced, or with noOverwrite added to (clause 5.6.3).
            List<String> scopes = current.scopes();
            if (fragment.scopes() != null) {
                LinkedHashSet<String> union = new LinkedHashSet<>(noOverwrite ? current.scopes() : List.of());
                union.addAll(fragment.scopes());
                scopes = List.copyOf(union);
            }
            return new Entity(id, types, scopes,
                    EntityMutations.append(current.attributes(), fragment.attributes(), noOverwrite, changes),
                    current.createdAt(), now);
        });
        return changes;
    }

    public AttributeChanges updateAttributes(Caller caller, String id, JsonNode payload, JsonLdContext context) {
        ObjectNode object = EntityParser.requireObject(payload, "An attribute fragment");
        Instant now = now();
        requireSameId(id, object);
        EntityParser.Fragment fragment = EntityParser.parseFragment(object, context, now);
        if (fragment.attributes().isEmpty() && fragment.types() == null && fragment.scopes() == null) {
            throw MeridianException.badData("The request names no attribute to update");
        }
        AttributeChanges changes = new AttributeChanges();
        modify(caller, id, now, current -> {
            // Types are added to (an entity keeps every type it had); scopes are replaced where there are some.
            List<String> types = withTypes(current, fragment.types());
            List<String> scopes = current.scopes();
            if (fragment.scopes() != null && current.scopes().isEmpty()) {
                changes.notUpdated(NgsiLd.SCOPE, "the entity has no scope to update; append it");
            } else if (fragment.scopes() != null) {
                scopes = fragment.scopes();
            }
            return new Entity(id, types, scopes, EntityMutations.update(current.attributes(), fragment.attributes(), changes),
                    current.createdAt(), now);
        });
        return changes;
    }

    /** PATCH /entities/{id}/attrs/{attr}: the given members replace the stored ones. */
    public void partialUpdateAttribute(Caller caller, String id, String attributeName, JsonNode payload,
                                       JsonLdContext context) {
        String iri = context.expandTerm(attributeName);
        Instant now = now();
        modify(caller, id, now, current -> {
            if (!current.attributes().has(iri)) {
                throw new MeridianException(BrokerError.ATTRIBUTE_NOT_FOUND, "The entity " + id + " has no attribute " + attributeName);
            }
            requireSameType(payload, current.attributes().get(iri), attributeName);
            ObjectNode patch = attributeFragment(attributeName, iri, withStoredValue(payload, current.attributes().get(iri)),
                    context, now);
            AttributeChanges changes = new AttributeChanges();
            ObjectNode merged = EntityMutations.merge(current.attributes(), patch, false, changes);
            if (!changes.complete()) {
                throw new MeridianException(BrokerError.ATTRIBUTE_NOT_FOUND, "The entity " + id + " has no instance of " + attributeName + " with that datasetId");
            }
            return current.withAttributes(merged, now);
        });
    }

    /** PUT /entities/{id}/attrs/{attr}: replaces the attribute whole. */
    public void replaceAttribute(Caller caller, String id, String attributeName, JsonNode payload, JsonLdContext context) {
        String iri = context.expandTerm(attributeName);
        if (isScope(attributeName, iri)) {
            throw MeridianException.badData("scope is not an attribute to replace; update or append it on /attrs");
        }
        Instant now = now();
        ObjectNode replacement = attributeFragment(attributeName, iri, payload, context, now);
        modify(caller, id, now, current -> {
            if (!current.attributes().has(iri)) {
                throw new MeridianException(BrokerError.ATTRIBUTE_NOT_FOUND, "The entity " + id + " has no attribute " + attributeName);
            }
            return current.withAttributes(EntityMutations.replaceAttribute(current.attributes(), iri,
                    (ArrayNode) replacement.get(iri)), now);
        });
    }

    private static ObjectNode attributeFragment(String attributeName, String iri, JsonNode payload, JsonLdContext context,
                                                Instant now) {
        EntityParser.checkName(attributeName, "attribute name");
        ObjectNode fragment = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        fragment.set(iri, EntityParser.parseAttribute(attributeName, iri, payload, context, now));
        return fragment;
    }

    public void deleteAttribute(Caller caller, String id, String attributeName, String datasetId, boolean deleteAll,
                                JsonLdContext context) {
        String iri = context.expandTerm(attributeName);
        Instant now = now();
        if (isScope(attributeName, iri)) {
            modify(caller, id, now, current -> {
                if (current.scopes().isEmpty()) {
                    throw new MeridianException(BrokerError.ATTRIBUTE_NOT_FOUND, "The entity " + id + " has no scope");
                }
                return new Entity(id, current.types(), List.of(), current.attributes(), current.createdAt(), now);
            });
            return;
        }
        modify(caller, id, now, current -> {
            ObjectNode remaining = EntityMutations.deleteAttribute(current.attributes(), iri, datasetId, deleteAll);
            if (remaining == null) {
                throw new MeridianException(BrokerError.ATTRIBUTE_NOT_FOUND, "The entity " + id + " has no attribute " + attributeName
                        + (datasetId == null ? "" : " with datasetId " + datasetId));
            }
            return current.withAttributes(remaining, now);
        });
    }

    /**
     * Purge with keep or drop (clause 5.6.21): removes attributes of an entity, keeping only those named by keep, or
     * dropping those named by drop; one write.
     */
    public void dropAttributes(Caller caller, String id, Set<String> keep, Set<String> drop) {
        Instant now = now();
        modify(caller, id, now, current -> {
            ObjectNode remaining = current.attributes().deepCopy();
            remaining.properties().removeIf(attribute -> keep != null ? !keep.contains(attribute.getKey())
                    : drop.contains(attribute.getKey()));
            return current.withAttributes(remaining, now);
        });
    }

    private static final List<String> VALUE_MEMBERS = List.of("value", "object", "languageMap", "vocab", "json",
            "valueList", "objectList");

    /**
     * A partial update may give only sub-attributes or metadata (clause 5.6.4): the attribute keeps its type and value,
     * which are taken from the stored instance of the same datasetId so that the fragment parses as that attribute.
     */
    private static JsonNode withStoredValue(JsonNode payload, JsonNode stored) {
        if (!(payload instanceof ObjectNode object) || object.has("type") || VALUE_MEMBERS.stream().anyMatch(object::has)) {
            return payload;
        }
        String datasetId = object.path("datasetId").asText("");
        for (JsonNode instance : stored) {
            if (instance.path("datasetId").asText("").equals(datasetId)) {
                org.meridian.core.ngsild.AttributeType type = org.meridian.core.ngsild.AttributeType.ofStored(instance.path("type").asText());
                ObjectNode completed = object.deepCopy();
                completed.put("type", type.typeName());
                completed.set(type.valueMember(), instance.get(type.valueMember()));
                return completed;
            }
        }
        return payload;
    }

    /**
     * A partial update changes members of an attribute, not what kind of attribute it is (clause 5.6.4): a given type
     * must be the stored one (replace the attribute to change it).
     */
    private static void requireSameType(JsonNode payload, JsonNode stored, String attributeName) {
        JsonNode given = payload.isObject() ? payload.get("type") : null;
        if (given == null || !given.isTextual()) {
            return;
        }
        String type = org.meridian.core.ngsild.AttributeType.fromName(given.asText())
                .map(org.meridian.core.ngsild.AttributeType::typeName).orElse(given.asText());
        for (JsonNode instance : stored) {
            if (instance.path("type").asText().equals(type)) {
                return;
            }
        }
        throw MeridianException.badData("'" + attributeName + "' is a " + stored.get(0).path("type").asText()
                + ", not a " + type + "; a partial update keeps the kind of attribute (replace it with PUT)");
    }

    /** An entity keeps every type it had; a fragment's types are added (null: none given). */
    private static List<String> withTypes(Entity current, List<String> added) {
        if (added == null) {
            return current.types();
        }
        LinkedHashSet<String> union = new LinkedHashSet<>(current.types());
        union.addAll(added);
        return List.copyOf(union);
    }

    private static boolean isScope(String name, String iri) {
        return name.equals("scope") || iri.equals(NgsiLd.SCOPE);
    }

    /** Reads the entity for update, applies the change, writes it and records the change, in one transaction. */
    private void modify(Caller caller, String id, Instant now, UnaryOperator<Entity> change) {
        Set<String> writable = writes.writable(caller);
        writer.write(caller.tenant(), ChangeWriter.TenantUse.MUST_EXIST, writing -> {
            Entity current = writing.lock(id).orElseThrow(() -> new MeridianException(BrokerError.ENTITY_NOT_FOUND, "No entity " + id));
            WritePolicies.require(writable, id, current.types());
            ObjectNode before = current.attributes().deepCopy();
            Entity next = change.apply(current);
            WritePolicies.require(writable, id, next.types());
            writing.upsert(List.of(next));
            writing.record(List.of(EntityChange.updated(before, next, now.toString())));
            return null;
        });
    }

    private static void requireSameId(String id, ObjectNode object) {
        JsonNode bodyId = object.has("id") ? object.get("id") : object.get("@id");
        if (bodyId != null && !id.equals(bodyId.asText())) {
            throw MeridianException.badData("The id in the body (" + bodyId.asText() + ") differs from the id in the URL (" + id + ")");
        }
    }

    private void requireTenant(Connection connection, String tenant) throws SQLException {
        tenants.require(connection, tenant);
    }

    static List<String> idsOf(List<Entity> list) {
        List<String> ids = new ArrayList<>(list.size());
        list.forEach(entity -> ids.add(entity.id()));
        return ids;
    }
}
