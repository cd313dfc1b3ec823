package org.meridian.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.meridian.core.error.MeridianException;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.AttributeChanges;
import org.meridian.core.ngsild.Entity;
import org.meridian.core.ngsild.EntityChange;
import org.meridian.core.ngsild.EntityMutations;
import org.meridian.core.ngsild.EntityParser;
import org.meridian.core.security.Caller;
import org.meridian.broker.store.EntityStore;
import org.meridian.platform.db.Transactions;

/**
 * Batch operations (clause 5.6.7–5.6.10, 5.6.20). Entities that fail validation are reported and left out; the valid
 * ones are written in one transaction with a handful of statements, whatever the batch size.
 */
public final class BatchService implements AutoCloseable {
    /** Result of an upsert: which entities were created (201) as opposed to updated (204). */
    public record UpsertResult(BatchResult result, List<String> created) {
    }

    /** Requests with at most this many entities are written in groups; larger ones amortise their own transaction. */
    private static final int GROUPED_MAX_ENTITIES = 20;
    private static final int GROUP_MAX_ENTITIES = 500;
    /** How long a group writer waits for a row lock before its requests are written by their callers instead. */
    private static final java.time.Duration GROUP_LOCK_TIMEOUT = java.time.Duration.ofMillis(500);

    private final ChangeWriter writer;
    private final Transactions transactions;
    private final EntityStore entities;
    private final WritePolicies writes;
    private final int maxBatchSize;
    private final GroupCommit<GroupKey, List<Entity>, Outcome> groupCommit;

    /**
     * @param groupWriters how many groups of small writes are written at once; 0 writes each request on its own
     */
    public BatchService(Transactions transactions, ChangeWriter writer, EntityStore entities, WritePolicies writes, int maxBatchSize,
                        int groupWriters) {
        this.transactions = transactions;
        this.entities = entities;
        this.writes = writes;
        this.writer = writer;
        this.maxBatchSize = maxBatchSize;
        this.groupCommit = groupWriters <= 0 ? null : new GroupCommit<>("meridian-group-commit", groupWriters,
                GROUP_MAX_ENTITIES, List::size, this::writeTogether);
    }

    /** Writes what is queued, then stops the group writers. */
    @Override
    public void close() {
        if (groupCommit != null) {
            groupCommit.close();
        }
    }

    /** @param contexts each valid entity's @context, by id (its names are shown in that context's terms) */
    private record Parsed(List<Entity> valid, BatchResult result, Map<String, JsonLdContext> contexts) {
    }

    /**
     * The @context of each element of a batch. With application/ld+json every element carries its own (clause 6.3.5),
     * and a mistake in one (none given, one that cannot be loaded) fails that element alone, as other errors do.
     */
    @FunctionalInterface
    public interface ElementContexts {
        /** The element's context; throws for this element alone. */
        JsonLdContext of(JsonNode element);

        static ElementContexts one(JsonLdContext context) {
            return element -> context;
        }
    }

    /**
     * The parsed entities the caller may write (their types as sent and as stored are all its own); the others fail
     * in the batch result with 403. Checked before the write: the stored types are read first (a type changes only by
     * its owner's writes, so the check holds for the write that follows).
     */
    private Parsed owned(Caller caller, Parsed parsed) {
        Set<String> writable = writes.writable(caller);
        if (writable == null || parsed.valid().isEmpty()) {
            return parsed;
        }
        Map<String, List<String>> stored = storedTypes(caller.tenant(), parsed.valid().stream().map(Entity::id).distinct().toList());
        List<Entity> allowed = new ArrayList<>();
        for (Entity entity : parsed.valid()) {
            if (WritePolicies.allows(writable, entity.types()) && WritePolicies.allows(writable, stored.getOrDefault(entity.id(), List.of()))) {
                allowed.add(entity);
            } else {
                parsed.result().failure(entity.id(), WritePolicies.notYours(entity.id()));
            }
        }
        return new Parsed(allowed, parsed.result(), parsed.contexts());
    }

    private Map<String, List<String>> storedTypes(String tenant, List<String> ids) {
        return transactions.readOnly(connection -> {
            Map<String, List<String>> types = new java.util.HashMap<>();
            for (Entity entity : entities.findAll(connection, tenant, ids, false)) {
                types.put(entity.id(), entity.types());
            }
            return types;
        });
    }

    private Parsed parseAll(JsonNode payload, ElementContexts contexts, boolean fragments, Instant now) {
        List<JsonNode> elements = elements(payload);
        BatchResult result = new BatchResult();
        List<Entity> valid = new ArrayList<>();
        Map<String, JsonLdContext> contextById = new java.util.HashMap<>();
        for (JsonNode element : elements) {
            String id = element.path("id").asText(element.path("@id").asText(""));
            try {
                JsonLdContext context = contexts.of(element);
                Entity entity;
                if (fragments) {
                    ObjectNode object = EntityParser.requireObject(element, "An entity");
                    String checkedId = EntityParser.entityId(object);
                    EntityParser.Fragment fragment = EntityParser.parseFragment(object, context, now);
                    entity = new Entity(checkedId, fragment.types() == null ? List.of() : fragment.types(),
                            fragment.scopes(), fragment.attributes(), now, now);
                } else {
                    entity = EntityParser.parseEntity(element, context, now);
                }
                valid.add(entity);
                contextById.put(entity.id(), context);
            } catch (MeridianException e) {
                result.failure(id, e);
            }
        }
        return new Parsed(valid, result, contextById);
    }

    private List<JsonNode> elements(JsonNode payload) {
        if (!payload.isArray()) {
            throw MeridianException.badData("A batch operation takes a JSON array");
        }
        if (payload.isEmpty()) {
            throw MeridianException.badData("A batch operation needs at least one element");
        }
        if (payload.size() > maxBatchSize) {
            throw new MeridianException(BrokerError.BATCH_TOO_LARGE, "A batch may hold at most " + maxBatchSize + " elements (MERIDIAN_MAX_BATCH_SIZE); this one has " + payload.size());
        }
        List<JsonNode> elements = new ArrayList<>();
        payload.forEach(elements::add);
        return elements;
    }

    public BatchResult create(Caller caller, JsonNode payload, ElementContexts contexts) {
        String tenant = caller.tenant();
        Parsed parsed = owned(caller, parseAll(payload, contexts, false, writer.now()));
        Map<String, Entity> unique = new LinkedHashMap<>();
        for (Entity entity : parsed.valid()) {
            if (unique.putIfAbsent(entity.id(), entity) != null) {
                parsed.result().failure(entity.id(), new MeridianException(BrokerError.ENTITY_EXISTS,
                        "The entity " + entity.id() + " appears twice in the batch"));
            }
        }
        Set<String> inserted = unique.isEmpty() ? Set.of() : write(tenant, Kind.CREATE, List.copyOf(unique.values())).written();
        for (String id : unique.keySet()) {
            if (inserted.contains(id)) {
                parsed.result().success(id);
            } else {
                parsed.result().failure(id, new MeridianException(BrokerError.ENTITY_EXISTS, "The entity " + id + " already exists"));
            }
        }
        return parsed.result();
    }

    /** POST /entities: creates one entity, grouped with concurrent small writes; returns its id. */
    public String createOne(Caller caller, JsonNode payload, JsonLdContext context) {
        String tenant = caller.tenant();
        Entity entity = EntityParser.parseEntity(payload, context, writer.now());
        WritePolicies.require(writes.writable(caller), entity.id(), entity.types());
        if (write(tenant, Kind.CREATE, List.of(entity)).written().isEmpty()) {
            throw new MeridianException(BrokerError.ENTITY_EXISTS, "The entity " + entity.id() + " already exists");
        }
        return entity.id();
    }

    /** Upsert: create missing entities; replace existing ones, or with {@code update} append to them. */
    public UpsertResult upsert(Caller caller, JsonNode payload, JsonLdContext context, boolean update) {
        return upsert(caller, payload, ElementContexts.one(context), update);
    }

    public UpsertResult upsert(Caller caller, JsonNode payload, ElementContexts contexts, boolean update) {
        String tenant = caller.tenant();
        Parsed parsed = owned(caller, parseAll(payload, contexts, false, writer.now()));
        if (parsed.valid().isEmpty()) {
            return new UpsertResult(parsed.result(), List.of());
        }
        Outcome outcome = write(tenant, update ? Kind.UPSERT_UPDATE : Kind.UPSERT_REPLACE, parsed.valid());
        parsed.valid().stream().map(Entity::id).distinct().forEach(parsed.result()::success);
        return new UpsertResult(parsed.result(), List.copyOf(outcome.written()));
    }

    /** Batch update: append attributes to existing entities (noOverwrite keeps existing ones). */
    public BatchResult update(Caller caller, JsonNode payload, ElementContexts contexts, boolean noOverwrite) {
        return modifyExisting(caller, payload, contexts, noOverwrite ? Kind.UPDATE_NO_OVERWRITE : Kind.UPDATE);
    }

    /** Batch merge: merge-patch each existing entity. */
    public BatchResult merge(Caller caller, JsonNode payload, ElementContexts contexts) {
        return modifyExisting(caller, payload, contexts, Kind.MERGE);
    }

    /** An existing entity after one incoming entity of the given kind of write. */
    private static Entity apply(Kind kind, Entity base, Entity incoming, AttributeChanges changes) {
        var types = union(base.types(), incoming.types());
        var scopes = incoming.scopes().isEmpty() ? base.scopes() : incoming.scopes();
        return switch (kind) {
            case UPSERT_REPLACE -> new Entity(base.id(), incoming.types(), incoming.scopes(),
                    EntityMutations.replaceAll(base.attributes(), incoming.attributes()), base.createdAt(), incoming.modifiedAt());
            case UPSERT_UPDATE -> new Entity(base.id(), types, scopes, EntityMutations.append(base.attributes(),
                    incoming.attributes(), false, new AttributeChanges()), base.createdAt(), incoming.modifiedAt());
            case UPDATE, UPDATE_NO_OVERWRITE -> new Entity(base.id(), types, base.scopes(), EntityMutations.append(
                    base.attributes(), incoming.attributes(), kind == Kind.UPDATE_NO_OVERWRITE, changes),
                    base.createdAt(), incoming.modifiedAt());
            case MERGE -> new Entity(base.id(), types, scopes, EntityMutations.merge(base.attributes(), incoming.attributes(),
                    true, new AttributeChanges()), base.createdAt(), incoming.modifiedAt());
            case CREATE -> throw new IllegalArgumentException("a create never applies to an existing entity");
        };
    }

    private BatchResult modifyExisting(Caller caller, JsonNode payload, ElementContexts contexts, Kind kind) {
        Parsed parsed = owned(caller, parseAll(payload, contexts, true, writer.now()));
        if (parsed.valid().isEmpty()) {
            return parsed.result();
        }
        Outcome outcome = write(caller.tenant(), kind, parsed.valid());
        parsed.valid().stream().map(Entity::id).filter(id -> !outcome.missing().contains(id) && !outcome.kept().containsKey(id)).distinct()
                .forEach(parsed.result()::success);
        outcome.missing().forEach(id -> parsed.result().failure(id, new MeridianException(BrokerError.ENTITY_NOT_FOUND, "No entity " + id)));
        // With noOverwrite, an entity whose existing attributes were kept was not updated as asked (clause 5.6.9):
        // reported like the single-entity append reports them (207), the rest of its attributes written.
        outcome.kept().forEach((id, names) -> parsed.result().failure(id, MeridianException.badData(
                "Attributes kept as they were (noOverwrite): " + String.join(", ", names.stream().map(parsed.contexts().get(id)::compactIri).toList()))));
        return parsed.result();
    }

    /** The kinds of write that group commit may combine; requests of different kinds never share a transaction. */
    private enum Kind { CREATE, UPSERT_REPLACE, UPSERT_UPDATE, UPDATE, UPDATE_NO_OVERWRITE, MERGE }

    private record GroupKey(String tenant, Kind kind) {
    }

    /**
     * What one request's write did: the ids it created (create, upsert), and for updates the ids it found missing
     * (in the order given, repeated ids once).
     */
    private record Outcome(Set<String> written, Set<String> missing, Map<String, Set<String>> kept) {
        Outcome(Set<String> written, Set<String> missing) {
            this(written, missing, Map.of());
        }
    }

    /** Small requests share transactions with concurrent ones (group commit); large ones amortise their own. */
    private Outcome write(String tenant, Kind kind, List<Entity> entities) {
        GroupKey key = new GroupKey(tenant, kind);
        if (groupCommit == null || entities.size() > GROUPED_MAX_ENTITIES) {
            return writeTogether(key, List.of(entities), false).getFirst();
        }
        return groupCommit.submit(key, entities);
    }

    /**
     * Writes the requests in one transaction, in order, exactly as if each had been written alone after the previous
     * one. Requests touching an entity an earlier request of the group touched start a new round of statements, so
     * every request's change reaches the history and the subscribers as its own (two updates of one entity are never
     * folded into one).
     */
    private List<Outcome> writeTogether(GroupKey key, List<List<Entity>> requests, boolean boundedWaits) {
        boolean mayCreate = key.kind() == Kind.CREATE || key.kind() == Kind.UPSERT_REPLACE || key.kind() == Kind.UPSERT_UPDATE;
        return writer.write(key.tenant(), mayCreate ? ChangeWriter.TenantUse.CREATE_IF_NEW : ChangeWriter.TenantUse.MUST_EXIST,
                boundedWaits ? GROUP_LOCK_TIMEOUT : null, writing -> {
                    List<Outcome> done = new ArrayList<>(requests.size());
                    for (List<List<Entity>> round : disjointRounds(requests)) {
                        done.addAll(key.kind() == Kind.CREATE ? createRound(writing, round) : modifyRound(writing, key, round));
                    }
                    return done;
                });
    }

    /** Consecutive runs of requests of which no two touch the same entity. */
    private static List<List<List<Entity>>> disjointRounds(List<List<Entity>> requests) {
        List<List<List<Entity>>> rounds = new ArrayList<>();
        List<List<Entity>> round = new ArrayList<>();
        Set<String> touched = new java.util.HashSet<>();
        for (List<Entity> request : requests) {
            Set<String> ids = new java.util.HashSet<>(EntityService.idsOf(request));
            if (!round.isEmpty() && ids.stream().anyMatch(touched::contains)) {
                rounds.add(round);
                round = new ArrayList<>();
                touched.clear();
            }
            round.add(request);
            touched.addAll(ids);
        }
        rounds.add(round);
        return rounds;
    }

    private static List<Outcome> createRound(ChangeWriter.Writing writing, List<List<Entity>> round) throws SQLException {
        List<Entity> all = round.stream().flatMap(List::stream).toList();
        Set<String> inserted = writing.insertNew(all);
        writing.record(all.stream().filter(entity -> inserted.contains(entity.id())).map(EntityChange::created).toList());
        List<Outcome> outcomes = new ArrayList<>(round.size());
        for (List<Entity> request : round) {
            Set<String> mine = new java.util.LinkedHashSet<>();
            request.stream().map(Entity::id).filter(inserted::contains).forEach(mine::add);
            outcomes.add(new Outcome(mine, Set.of()));
        }
        return outcomes;
    }

    private static List<Outcome> modifyRound(ChangeWriter.Writing writing, GroupKey key, List<List<Entity>> round)
            throws SQLException {
        boolean upsert = key.kind() == Kind.UPSERT_REPLACE || key.kind() == Kind.UPSERT_UPDATE;
        List<Entity> all = round.stream().flatMap(List::stream).toList();
        Map<String, Entity> current = writing.lockAll(EntityService.idsOf(all));
        Map<String, ObjectNode> before = before(current);
        Map<String, Entity> next = new LinkedHashMap<>();
        List<Outcome> outcomes = new ArrayList<>(round.size());
        for (List<Entity> request : round) {
            Set<String> created = new java.util.LinkedHashSet<>();
            Set<String> missing = new java.util.LinkedHashSet<>();
            Map<String, Set<String>> kept = new LinkedHashMap<>();
            for (Entity incoming : request) {
                AttributeChanges changes = new AttributeChanges();
                Entity base = next.containsKey(incoming.id()) ? next.get(incoming.id()) : current.get(incoming.id());
                if (upsert) {
                    if (base == null) {
                        created.add(incoming.id());
                    }
                    next.put(incoming.id(), base == null ? incoming : apply(key.kind(), base, incoming, changes));
                } else if (base == null) {
                    missing.add(incoming.id());
                } else {
                    next.put(incoming.id(), apply(key.kind(), base, incoming, changes));
                }
                changes.notUpdated().forEach(skipped -> kept.computeIfAbsent(incoming.id(), id -> new java.util.LinkedHashSet<>())
                        .add(skipped.attributeName()));
            }
            outcomes.add(new Outcome(created, missing, kept));
        }
        writing.upsert(List.copyOf(next.values()));
        writing.record(changes(next, before));
        return outcomes;
    }

    public BatchResult delete(Caller caller, JsonNode payload) {
        String tenant = caller.tenant();
        List<JsonNode> elements = elements(payload);
        BatchResult result = new BatchResult();
        List<String> ids = new ArrayList<>();
        for (JsonNode element : elements) {
            try {
                if (!element.isTextual()) {
                    throw MeridianException.badData("Batch delete takes an array of entity ids");
                }
                ids.add(EntityParser.requireUri(element.asText(), "The entity id"));
            } catch (MeridianException e) {
                result.failure(element.asText(""), e);
            }
        }
        Set<String> writable = writes.writable(caller);
        if (writable != null && !ids.isEmpty()) {
            Map<String, List<String>> stored = storedTypes(tenant, ids);
            ids.removeIf(id -> {
                boolean refused = !WritePolicies.allows(writable, stored.getOrDefault(id, List.of()));
                if (refused) {
                    result.failure(id, WritePolicies.notYours(id));
                }
                return refused;
            });
        }
        if (ids.isEmpty()) {
            return result;
        }
        Set<String> deleted = writer.write(tenant, ChangeWriter.TenantUse.MUST_EXIST, writing -> {
            Map<String, Entity> existing = writing.lockAll(ids);
            Set<String> gone = writing.deleteAll(ids);
            writing.record(existing.values().stream().map(EntityChange::deleted).toList());
            return gone;
        });
        Set<String> reported = new java.util.HashSet<>();
        for (String id : ids) {
            if (deleted.contains(id) && reported.add(id)) {
                result.success(id);
            } else {
                // An id given twice is deleted once: the second time there is nothing left to delete.
                result.failure(id, new MeridianException(BrokerError.ENTITY_NOT_FOUND, "No entity " + id
                        + (reported.contains(id) ? " (deleted earlier in this batch)" : "")));
            }
        }
        return result;
    }

    /** Copies of the stored attributes, taken before the batch changes the documents in place. */
    private static Map<String, ObjectNode> before(Map<String, Entity> current) {
        Map<String, ObjectNode> copies = new LinkedHashMap<>();
        current.forEach((id, entity) -> copies.put(id, entity.attributes().deepCopy()));
        return copies;
    }

    /** The changes, each entity's stamped with the time its request was read (every changed instance carries it). */
    private static List<EntityChange> changes(Map<String, Entity> next, Map<String, ObjectNode> before) {
        List<EntityChange> changes = new ArrayList<>(next.size());
        next.forEach((id, entity) -> changes.add(before.containsKey(id)
                ? EntityChange.updated(before.get(id), entity, entity.modifiedAt().toString()) : EntityChange.created(entity)));
        return changes;
    }

    private static List<String> union(List<String> a, List<String> b) {
        var union = new java.util.LinkedHashSet<>(a);
        union.addAll(b);
        return List.copyOf(union);
    }
}
