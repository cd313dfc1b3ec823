package org.meridian.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.AttributeChanges;
import org.meridian.core.ngsild.Entity;
import org.meridian.core.ngsild.EntityChange;
import org.meridian.core.ngsild.EntityMutations;
import org.meridian.core.ngsild.EntityParser;

/**
 * Batch operations (clause 5.6.7–5.6.10, 5.6.20). Entities that fail validation are reported and left out; the valid
 * ones are written in one transaction with a handful of statements, whatever the batch size.
 */
public final class BatchService {
    /** Result of an upsert: which entities were created (201) as opposed to updated (204). */
    public record UpsertResult(BatchResult result, List<String> created) {
    }

    private final EntityService service;
    private final int maxBatchSize;

    public BatchService(EntityService service, int maxBatchSize) {
        this.service = service;
        this.maxBatchSize = maxBatchSize;
    }

    private record Parsed(List<Entity> valid, BatchResult result) {
    }

    private Parsed parseAll(JsonNode payload, JsonLdContext context, boolean fragments, Instant now) {
        List<JsonNode> elements = elements(payload);
        BatchResult result = new BatchResult();
        List<Entity> valid = new ArrayList<>();
        for (JsonNode element : elements) {
            String id = element.path("id").asText(element.path("@id").asText(""));
            try {
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
            } catch (MeridianException e) {
                result.failure(id, e);
            }
        }
        return new Parsed(valid, result);
    }

    private List<JsonNode> elements(JsonNode payload) {
        if (!payload.isArray()) {
            throw MeridianException.badData("A batch operation takes a JSON array");
        }
        if (payload.isEmpty()) {
            throw MeridianException.badData("A batch operation needs at least one element");
        }
        if (payload.size() > maxBatchSize) {
            throw MeridianException.badData("A batch may hold at most " + maxBatchSize + " elements (MERIDIAN_MAX_BATCH_SIZE); this one has " + payload.size());
        }
        List<JsonNode> elements = new ArrayList<>();
        payload.forEach(elements::add);
        return elements;
    }

    public BatchResult create(String tenant, JsonNode payload, JsonLdContext context) {
        Parsed parsed = parseAll(payload, context, false, service.currentTime());
        Map<String, Entity> unique = new LinkedHashMap<>();
        for (Entity entity : parsed.valid()) {
            if (unique.putIfAbsent(entity.id(), entity) != null) {
                parsed.result().failure(entity.id(), new MeridianException(ErrorType.ALREADY_EXISTS,
                        "The entity " + entity.id() + " appears twice in the batch"));
            }
        }
        EntityService.OutboxSignal signal = service.newSignal();
        Set<String> inserted = unique.isEmpty() ? Set.of() : service.transactions().inTransaction(connection -> {
            service.tenants().ensure(connection, tenant);
            Set<String> written = service.store().insertNew(connection, tenant, List.copyOf(unique.values()));
            List<EntityChange> changes = new ArrayList<>();
            unique.values().stream().filter(entity -> written.contains(entity.id())).forEach(entity -> changes.add(EntityChange.created(entity)));
            service.record(connection, tenant, changes, signal);
            return written;
        });
        signal.fire();
        for (String id : unique.keySet()) {
            if (inserted.contains(id)) {
                parsed.result().success(id);
            } else {
                parsed.result().failure(id, new MeridianException(ErrorType.ALREADY_EXISTS, "The entity " + id + " already exists"));
            }
        }
        return parsed.result();
    }

    /** Upsert: create missing entities; replace existing ones, or with {@code update} append to them. */
    public UpsertResult upsert(String tenant, JsonNode payload, JsonLdContext context, boolean update) {
        Instant now = service.currentTime();
        Parsed parsed = parseAll(payload, context, false, now);
        List<String> created = new ArrayList<>();
        if (!parsed.valid().isEmpty()) {
            EntityService.OutboxSignal signal = service.newSignal();
            service.transactions().inTransaction(connection -> {
                service.tenants().ensure(connection, tenant);
                Map<String, Entity> current = byId(service.store().findAll(connection, tenant,
                        EntityService.idsOf(parsed.valid()), true));
                Map<String, ObjectNode> before = before(current);
                Map<String, Entity> next = new LinkedHashMap<>();
                for (Entity incoming : parsed.valid()) {
                    Entity base = next.containsKey(incoming.id()) ? next.get(incoming.id()) : current.get(incoming.id());
                    next.put(incoming.id(), base == null ? incoming : combine(base, incoming, update));
                }
                service.store().upsert(connection, tenant, List.copyOf(next.values()));
                next.keySet().stream().filter(id -> !current.containsKey(id)).forEach(created::add);
                service.record(connection, tenant, changes(next, before, now), signal);
                return null;
            });
            signal.fire();
            parsed.valid().stream().map(Entity::id).distinct().forEach(parsed.result()::success);
        }
        return new UpsertResult(parsed.result(), created);
    }

    private Entity combine(Entity base, Entity incoming, boolean update) {
        if (update) {
            var attributes = EntityMutations.append(base.attributes(), incoming.attributes(), false, new AttributeChanges());
            return new Entity(base.id(), union(base.types(), incoming.types()), incoming.scopes().isEmpty()
                    ? base.scopes() : incoming.scopes(), attributes, base.createdAt(), incoming.modifiedAt());
        }
        return new Entity(base.id(), incoming.types(), incoming.scopes(),
                EntityMutations.replaceAll(base.attributes(), incoming.attributes()), base.createdAt(), incoming.modifiedAt());
    }

    /** Batch update: append attributes to existing entities (noOverwrite keeps existing ones). */
    public BatchResult update(String tenant, JsonNode payload, JsonLdContext context, boolean noOverwrite) {
        return modifyExisting(tenant, payload, context, (base, incoming) -> {
            AttributeChanges changes = new AttributeChanges();
            var attributes = EntityMutations.append(base.attributes(), incoming.attributes(), noOverwrite, changes);
            return new Entity(base.id(), union(base.types(), incoming.types()), base.scopes(), attributes,
                    base.createdAt(), incoming.modifiedAt());
        });
    }

    /** Batch merge: merge-patch each existing entity. */
    public BatchResult merge(String tenant, JsonNode payload, JsonLdContext context) {
        return modifyExisting(tenant, payload, context, (base, incoming) -> {
            var attributes = EntityMutations.merge(base.attributes(), incoming.attributes(), true, new AttributeChanges());
            return new Entity(base.id(), union(base.types(), incoming.types()),
                    incoming.scopes().isEmpty() ? base.scopes() : incoming.scopes(), attributes, base.createdAt(),
                    incoming.modifiedAt());
        });
    }

    private BatchResult modifyExisting(String tenant, JsonNode payload, JsonLdContext context,
                                       BiFunction<Entity, Entity, Entity> change) {
        Instant now = service.currentTime();
        Parsed parsed = parseAll(payload, context, true, now);
        if (parsed.valid().isEmpty()) {
            return parsed.result();
        }
        List<String> missing = new ArrayList<>();
        List<String> done = new ArrayList<>();
        EntityService.OutboxSignal signal = service.newSignal();
        service.transactions().inTransaction(connection -> {
            service.requireTenant(connection, tenant);
            Map<String, Entity> current = byId(service.store().findAll(connection, tenant,
                    EntityService.idsOf(parsed.valid()), true));
            Map<String, ObjectNode> before = before(current);
            Map<String, Entity> next = new LinkedHashMap<>();
            for (Entity incoming : parsed.valid()) {
                Entity base = next.containsKey(incoming.id()) ? next.get(incoming.id()) : current.get(incoming.id());
                if (base == null) {
                    missing.add(incoming.id());
                } else {
                    next.put(incoming.id(), change.apply(base, incoming));
                    done.add(incoming.id());
                }
            }
            service.store().upsert(connection, tenant, List.copyOf(next.values()));
            service.record(connection, tenant, changes(next, before, now), signal);
            return null;
        });
        signal.fire();
        done.stream().distinct().forEach(parsed.result()::success);
        missing.forEach(id -> parsed.result().failure(id, MeridianException.notFound("No entity " + id)));
        return parsed.result();
    }

    public BatchResult delete(String tenant, JsonNode payload) {
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
        if (ids.isEmpty()) {
            return result;
        }
        EntityService.OutboxSignal signal = service.newSignal();
        Set<String> deleted = service.transactions().inTransaction(connection -> {
            service.requireTenant(connection, tenant);
            List<Entity> existing = service.store().findAll(connection, tenant, ids, true);
            Set<String> gone = service.store().deleteAll(connection, tenant, ids);
            service.record(connection, tenant, existing.stream().map(EntityChange::deleted).toList(), signal);
            return gone;
        });
        signal.fire();
        for (String id : ids) {
            if (deleted.contains(id)) {
                result.success(id);
            } else {
                result.failure(id, MeridianException.notFound("No entity " + id));
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

    private static List<EntityChange> changes(Map<String, Entity> next, Map<String, ObjectNode> before, Instant now) {
        List<EntityChange> changes = new ArrayList<>(next.size());
        String stamp = now.toString();
        next.forEach((id, entity) -> changes.add(before.containsKey(id)
                ? EntityChange.updated(before.get(id), entity, stamp) : EntityChange.created(entity)));
        return changes;
    }

    private static Map<String, Entity> byId(List<Entity> list) {
        Map<String, Entity> map = new LinkedHashMap<>();
        list.forEach(entity -> map.put(entity.id(), entity));
        return map;
    }

    private static List<String> union(List<String> a, List<String> b) {
        var union = new java.util.LinkedHashSet<>(a);
        union.addAll(b);
        return List.copyOf(union);
    }
}
