package org.meridian.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.meridian.broker.store.EntityQueries;
import org.meridian.broker.store.EntityStore;
import org.meridian.broker.store.HistoryReader;
import org.meridian.broker.store.HistoryStore;
import org.meridian.broker.store.TemporalEntityStore;
import org.meridian.core.error.MeridianException;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.Entity;
import org.meridian.core.ngsild.EntityParser;
import org.meridian.core.query.EntitySelection;
import org.meridian.core.security.Caller;
import org.meridian.core.security.ReadScope;
import org.meridian.core.temporal.EntityHistory;
import org.meridian.core.temporal.HistoryBucket;
import org.meridian.core.temporal.HistoryInstance;
import org.meridian.platform.db.TenantStore;
import org.meridian.platform.db.Transactions;

/** The temporal API over the attribute history: reads (clause 5.7.3, 5.7.4) and history edits (clause 5.6.11–5.6.16). */
public final class TemporalService {
    /**
     * What to read.
     *
     * @param attributes expanded names, or null for all
     * @param timeColumn observed_at (observedAt, falling back to the recording time), recorded_at (modifiedAt) or
     *                   deleted_at (deletions only, by when they happened)
     * @param lastN the newest N instances per attribute, or 0
     * @param bucketSeconds the aggregation period, or 0 for one bucket over the whole range
     * @param methods the aggregation methods asked for
     */
    public record Request(List<String> attributes, String timeColumn, Instant from, Instant to, int lastN,
                          int maxInstances, boolean aggregate, long bucketSeconds, List<String> methods) {
        boolean distinctCount() {
            return methods.contains("distinctCount");
        }

        /** When an instance happened in this request's time property (what its order and cut follow). */
        public Instant timeOf(HistoryInstance instance) {
            return HistoryReader.time(instance, timeColumn);
        }
    }

    /** A page of entities' recent instances: how many entities the page held, and their instances by entity id. */
    public record RecentHistory(int entities, Map<String, List<HistoryInstance>> instances) {
    }

    private final Transactions transactions;
    private final EntityStore entities;
    private final EntityQueries queries;
    private final HistoryStore history;
    private final HistoryReader historyReader = new HistoryReader();
    private final TenantStore tenants;
    private final TemporalEntityStore temporalEntities;
    private final Clock clock;
    private final ReadPolicies policies;
    private final WritePolicies writes;

    public TemporalService(Transactions transactions, EntityStore entities, EntityQueries queries, HistoryStore history,
                           TenantStore tenants, TemporalEntityStore temporalEntities, ReadPolicies policies,
                           WritePolicies writes, Clock clock) {
        this.policies = policies;
        this.writes = writes;
        this.transactions = transactions;
        this.entities = entities;
        this.queries = queries;
        this.history = history;
        this.tenants = tenants;
        this.temporalEntities = temporalEntities;
        this.clock = clock;
    }

    /** The entity's history, also after the entity was deleted or when it only ever existed in the temporal API. */
    public EntityHistory retrieve(Caller caller, String id, Request request) {
        String tenant = caller.tenant();
        ReadScope scope = policies.scope(caller);
        EntityHistory shown = transactions.readOnly(connection -> {
            tenants.require(connection, tenant);
            Entity entity = known(connection, tenant, id);
            if (!scope.admits(entity)) {
                throw new MeridianException(BrokerError.ENTITY_NOT_FOUND, "No entity " + id);
            }
            return ReadPolicies.mask(scope, read(connection, tenant, entity, request, scope));
        });
        policies.shown(caller, "temporal retrieve " + id, List.of(shown.entity()));
        return shown;
    }

    private Entity known(Connection connection, String tenant, String id) throws SQLException {
        Optional<Entity> current = entities.find(connection, tenant, id, false);
        if (current.isPresent()) {
            return current.get();
        }
        return temporalEntities.find(connection, tenant, id).orElseThrow(() -> new MeridianException(BrokerError.ENTITY_NOT_FOUND, "No entity " + id));
    }

    /**
     * POST /temporal/entities (clause 5.6.11): adds the given instances to the entity's history, creating its temporal
     * representation when the entity is unknown. The current state of the entity is not changed: imported history is
     * history. Returns true when the entity was created.
     */
    public boolean createOrUpdate(Caller caller, JsonNode payload, JsonLdContext context) {
        String tenant = caller.tenant();
        Entity entity = EntityParser.parseTemporalEntity(payload, context, clock.instant());
        java.util.Set<String> writable = writes.writable(caller);
        WritePolicies.require(writable, entity.id(), entity.types());
        return transactions.inTransaction(connection -> {
            tenants.ensure(connection, tenant);
            Optional<Entity> stored = entities.find(connection, tenant, entity.id(), false);
            (stored.isPresent() ? stored : temporalEntities.find(connection, tenant, entity.id()))
                    .ifPresent(known -> WritePolicies.require(writable, entity.id(), known.types()));
            boolean created = entities.find(connection, tenant, entity.id(), false).isEmpty()
                    && temporalEntities.save(connection, tenant, entity);
            history.append(connection, tenant, entity.id(), entity.attributes());
            return created;
        });
    }

    /** POST /temporal/entities/{id}/attrs (clause 5.6.12). */
    public void appendAttributes(Caller caller, String id, JsonNode payload, JsonLdContext context) {
        String tenant = caller.tenant();
        java.util.Set<String> writable = writes.writable(caller);
        ObjectNode object = EntityParser.requireObject(payload, "A temporal attribute fragment");
        ObjectNode attributes = EntityParser.parseTemporalAttributes(object, context, clock.instant());
        if (attributes.isEmpty()) {
            throw MeridianException.badData("No attribute instances to add");
        }
        transactions.inTransaction(connection -> {
            tenants.require(connection, tenant);
            WritePolicies.require(writable, id, known(connection, tenant, id).types());
            history.append(connection, tenant, id, attributes);
            temporalEntities.addToState(connection, tenant, id, attributes);
            return null;
        });
    }

    /** DELETE /temporal/entities/{id} (clause 5.6.16): the history goes, the current entity (if any) stays. */
    public void delete(Caller caller, String id) {
        String tenant = caller.tenant();
        java.util.Set<String> writable = writes.writable(caller);
        transactions.inTransaction(connection -> {
            tenants.require(connection, tenant);
            WritePolicies.require(writable, id, known(connection, tenant, id).types());
            history.deleteEntity(connection, tenant, id);
            temporalEntities.delete(connection, tenant, id);
            return null;
        });
    }

    /** DELETE /temporal/entities/{id}/attrs/{attr} (clause 5.6.13). */
    public void deleteAttribute(Caller caller, String id, String attribute, String datasetId, boolean all) {
        String tenant = caller.tenant();
        java.util.Set<String> writable = writes.writable(caller);
        transactions.inTransaction(connection -> {
            tenants.require(connection, tenant);
            WritePolicies.require(writable, id, known(connection, tenant, id).types());
            if (history.deleteAttribute(connection, tenant, id, attribute, datasetId, all) == 0) {
                throw new MeridianException(BrokerError.ATTRIBUTE_NOT_FOUND, "The entity " + id + " has no history of that attribute"
                        + (datasetId == null || all ? "" : " with datasetId " + datasetId));
            }
            return null;
        });
    }

    /** PATCH /temporal/entities/{id}/attrs/{attr}/{instanceId} (clause 5.6.14): the given members replace stored ones. */
    public void modifyInstance(Caller caller, String id, String attribute, long instanceId, ObjectNode patch) {
        String tenant = caller.tenant();
        java.util.Set<String> writable = writes.writable(caller);
        Instant now = clock.instant();
        transactions.inTransaction(connection -> {
            tenants.require(connection, tenant);
            WritePolicies.require(writable, id, known(connection, tenant, id).types());
            HistoryInstance stored = historyReader.instance(connection, tenant, id, attribute, instanceId)
                    .orElseThrow(() -> new MeridianException(BrokerError.INSTANCE_NOT_FOUND, "No instance " + instanceId + " of that attribute"));
            ObjectNode merged = ((ObjectNode) stored.instance()).deepCopy();
            if (!patch.path("type").asText().equals(merged.path("type").asText())) {
                // A new type brings its own value member: the old one must not linger next to it.
                for (String member : List.of("value", "object", "languageMap", "vocab", "json", "valueList", "objectList")) {
                    merged.remove(member);
                }
            }
            patch.properties().forEach(member -> {
                if (!member.getKey().equals("createdAt")) {
                    merged.set(member.getKey(), member.getValue());
                }
            });
            merged.put("modifiedAt", now.toString());
            history.replaceInstance(connection, tenant, id, stored, merged);
            return null;
        });
    }

    /**
     * A page's aggregation from the roll-up, its entities split in two halves queried at once on two connections. The
     * work is PostgreSQL's (a month of hours for 100 entities is 72,000 buckets, and the cut hours at the range's
     * ends are read from the instances); one query uses one core. Measured on the temporal benchmark: about 190 ms a
     * page in one query. Each half takes its own connection, never while holding another, so a busy pool cannot
     * deadlock on it.
     */
    private Map<String, Map<String, Map<String, String>>> aggregateRolledUp(String tenant, List<String> ids, Request request) {
        java.util.function.Function<List<String>, Map<String, Map<String, Map<String, String>>>> part = some ->
                transactions.readOnly(connection -> historyReader.aggregateAsJson(connection, tenant, some, request.attributes(),
                        request.from(), request.to(), request.bucketSeconds(), request.methods()));
        if (ids.size() < PARALLEL_AGGREGATION_MIN_ENTITIES) {
            return part.apply(ids);
        }
        List<String> second = ids.subList(ids.size() / 2, ids.size());
        java.util.concurrent.CompletableFuture<Map<String, Map<String, Map<String, String>>>> other =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> part.apply(second), PARALLEL);
        Map<String, Map<String, Map<String, String>>> rendered = new java.util.HashMap<>(part.apply(ids.subList(0, ids.size() / 2)));
        try {
            rendered.putAll(other.join());
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
        return rendered;
    }

    private static final int PARALLEL_AGGREGATION_MIN_ENTITIES = 20;
    private static final java.util.concurrent.Executor PARALLEL = task -> Thread.ofVirtual().name("meridian-aggregation").start(task);

    public void deleteInstance(Caller caller, String id, String attribute, long instanceId) {
        String tenant = caller.tenant();
        java.util.Set<String> writable = writes.writable(caller);
        transactions.inTransaction(connection -> {
            tenants.require(connection, tenant);
            WritePolicies.require(writable, id, known(connection, tenant, id).types());
            if (!history.deleteInstance(connection, tenant, id, attribute, instanceId)) {
                throw new MeridianException(BrokerError.INSTANCE_NOT_FOUND, "No instance " + instanceId + " of that attribute");
            }
            return null;
        });
    }

    /** Histories of the entities selected, as the caller may see them. */
    public List<EntityHistory> query(Caller caller, EntitySelection selection, int limit, int offset, Request request) {
        ReadScope scope = policies.scope(caller);
        List<EntityHistory> shown = queryAll(caller, selection, scope, limit, offset, request).stream()
                .map(history -> ReadPolicies.mask(scope, history)).toList();
        policies.shown(caller, "temporal query " + selection.describe(), shown.stream().map(EntityHistory::entity).toList());
        return shown;
    }

    /**
     * The recent instances of a page of the selected entities, as the caller may see them, in one read of the history
     * (each series' newest {@code perSeries} in [from, to) of observation time, recorded since {@code recordedSince}),
     * and not entered in the exchange ledger:
     * what the platform reads back of readings it was already handed (the rules' windows after a restart), not a new
     * read by anyone.
     */
    public RecentHistory recentUnrecorded(Caller caller, EntitySelection selection, int limit, int offset,
                                          List<String> attributes, Instant from, Instant to, Instant recordedSince, int perSeries) {
        String tenant = caller.tenant();
        ReadScope scope = policies.scope(caller);
        return transactions.readOnly(connection -> {
            tenants.require(connection, tenant);
            List<Entity> page = queries.queryWithHistory(connection, tenant, selection, scope, limit, offset).entities();
            if (page.isEmpty()) {
                return new RecentHistory(0, Map.of());
            }
            Map<String, List<HistoryInstance>> read = historyReader.recentInstances(connection, tenant,
                    page.stream().map(Entity::id).toList(), attributes, from, to, recordedSince, perSeries);
            Map<String, List<HistoryInstance>> shown = new java.util.HashMap<>();
            for (Entity entity : page) {
                ReadScope.View view = scope.viewOf(entity.types());
                List<HistoryInstance> instances = read.getOrDefault(entity.id(), List.of()).stream()
                        .filter(instance -> view != null && view.shows(instance.attribute())).toList();
                if (!instances.isEmpty()) {
                    shown.put(entity.id(), instances);
                }
            }
            return new RecentHistory(page.size(), shown);
        });
    }

    private List<EntityHistory> queryAll(Caller caller, EntitySelection selection, ReadScope scope, int limit, int offset,
                                         Request request) {
        String tenant = caller.tenant();
        if (request.aggregate() && rolledUp(request)) {
            List<Entity> page = transactions.readOnly(connection -> {
                tenants.require(connection, tenant);
                return queries.queryWithHistory(connection, tenant, selection, scope, limit, offset).entities();
            });
            Map<String, Map<String, Map<String, String>>> rendered = aggregateRolledUp(tenant, page.stream().map(Entity::id).toList(), request);
            List<EntityHistory> histories = new java.util.ArrayList<>();
            page.forEach(entity -> histories.add(new EntityHistory(entity, List.of(), List.of(), null,
                    rendered.getOrDefault(entity.id(), Map.of()))));
            return histories;
        }
        return transactions.readOnly(connection -> {
            tenants.require(connection, tenant);
            List<Entity> page = queries.queryWithHistory(connection, tenant, selection, scope, limit, offset).entities();
            List<EntityHistory> histories = new java.util.ArrayList<>();
            if (request.aggregate()) {
                // One grouped query for the whole page rather than one per entity.
                Map<String, List<HistoryBucket>> buckets = aggregate(connection, tenant, page, request);
                page.forEach(entity -> histories.add(new EntityHistory(entity, List.of(),
                        buckets.getOrDefault(entity.id(), List.of()), null)));
                return histories;
            }
            for (Entity entity : page) {
                histories.add(read(connection, tenant, entity, request, scope));
            }
            return histories;
        });
    }

    private Map<String, List<HistoryBucket>> aggregate(Connection connection, String tenant, List<Entity> entities,
                                                             Request request) throws SQLException {
        if (entities.isEmpty()) {
            return Map.of();
        }
        return historyReader.aggregate(connection, tenant, entities.stream().map(Entity::id).toList(), request.attributes(),
                request.timeColumn(), request.from(), request.to(), request.bucketSeconds());
    }

    private static boolean rolledUp(Request request) {
        return !request.methods().isEmpty() && HistoryReader.rollupApplies(request.timeColumn(), request.from(), request.to(),
                request.bucketSeconds(), request.distinctCount());
    }

    private EntityHistory read(Connection connection, String tenant, Entity entity, Request request, ReadScope scope)
            throws SQLException {
        if (request.aggregate() && rolledUp(request)) {
            return new EntityHistory(entity, List.of(), List.of(), null, historyReader.aggregateAsJson(connection, tenant, List.of(entity.id()),
                    request.attributes(), request.from(), request.to(), request.bucketSeconds(), request.methods())
                    .getOrDefault(entity.id(), Map.of()));
        }
        if (request.aggregate()) {
            return new EntityHistory(entity, List.of(), aggregate(connection, tenant, List.of(entity), request)
                    .getOrDefault(entity.id(), List.of()), null);
        }
        List<HistoryInstance> instances = historyReader.instances(connection, tenant, entity.id(), request.attributes(),
                scope.viewOf(entity.types()), request.timeColumn(), request.from(), request.to(), request.lastN(), request.maxInstances() + 1);
        // Read in the order of the cut (by time across every attribute); shown by attribute, oldest first.
        java.util.function.Function<HistoryInstance, Instant> time = request::timeOf;
        EntityHistory.Cut cut = null;
        if (instances.size() > request.maxInstances()) {
            instances = instances.subList(0, request.maxInstances());
            Set<String> without = new TreeSet<>(historyReader.attributesOf(connection, tenant, entity.id(),
                    request.attributes(), scope.viewOf(entity.types())));
            instances.forEach(instance -> without.remove(instance.attribute()));
            cut = new EntityHistory.Cut(without);
        }
        List<HistoryInstance> shown = new java.util.ArrayList<>(instances);
        shown.sort(java.util.Comparator.comparing(HistoryInstance::attribute).thenComparing(time)
                .thenComparingLong(HistoryInstance::instanceId));
        return new EntityHistory(entity, shown, List.of(), cut);
    }
}
