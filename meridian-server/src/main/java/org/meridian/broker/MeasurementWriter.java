package org.meridian.broker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.meridian.core.ngsild.AttributeChanges;
import org.meridian.core.ngsild.Entity;
import org.meridian.core.ngsild.EntityChange;
import org.meridian.core.ngsild.EntityMutations;
import org.meridian.core.security.Caller;

/**
 * Writes device measurements as entity updates: a batch in one transaction, each measurement its own change in the
 * history and (when subscriptions select it) the notification queues, so none is merged away. A measurement for an
 * entity that is missing (never created, or deleted) creates it from the device's type and static attributes.
 */
public final class MeasurementWriter {

    /**
     * One measurement, already checked and mapped.
     *
     * @param attributes expanded attribute name to an array with one instance
     * @param staticAttributes the device's static attributes, made (a fresh tree) only when the entity is created
     */
    public record Update(String entityId, String entityType, java.util.function.Supplier<ObjectNode> staticAttributes,
                         ObjectNode attributes, Instant at) {
    }

    private final ChangeWriter writer;
    private final WritePolicies writes;
    private final org.meridian.platform.db.Transactions transactions;
    private final org.meridian.broker.store.EntityStore entities;

    public MeasurementWriter(ChangeWriter writer, WritePolicies writes, org.meridian.platform.db.Transactions transactions,
                             org.meridian.broker.store.EntityStore entities) {
        this.writer = writer;
        this.writes = writes;
        this.transactions = transactions;
        this.entities = entities;
    }

    /**
     * Refuses (403) provisioning that would let devices write what the caller may not: devices write as the platform,
     * so what they may write is decided when they are provisioned, against the types their entities will have and the
     * types those entities have now.
     */
    public void requireWritable(Caller caller, java.util.Collection<Entity> planned) {
        Set<String> writable = writes.writable(caller);
        if (writable == null || planned.isEmpty()) {
            return;
        }
        for (Entity entity : planned) {
            WritePolicies.require(writable, entity.id(), entity.types());
        }
        List<Entity> stored = transactions.readOnly(connection ->
                entities.findAll(connection, caller.tenant(), planned.stream().map(Entity::id).toList(), false));
        for (Entity entity : stored) {
            WritePolicies.require(writable, entity.id(), entity.types());
        }
    }

    /** Refuses (403) a device group whose entity type the caller may not write. */
    public void requireWritableType(Caller caller, String type) {
        Set<String> writable = writes.writable(caller);
        if (!WritePolicies.allows(writable, List.of(type))) {
            throw new org.meridian.core.error.MeridianException(BrokerError.NOT_YOUR_DATA, "Devices of type " + type
                    + " would write a type your department does not own");
        }
    }

    /** Creates the entities that do not exist yet, for devices just provisioned; returns how many were created. */
    public int createMissing(Caller caller, List<Entity> entities) {
        String tenant = caller.tenant();
        if (entities.isEmpty()) {
            return 0;
        }
        return writer.write(tenant, ChangeWriter.TenantUse.CREATE_IF_NEW, writing -> {
            Set<String> inserted = writing.insertNew(entities);
            writing.record(entities.stream().filter(e -> inserted.contains(e.id())).map(EntityChange::created).toList());
            return inserted.size();
        });
    }

    /** Applies the updates in order, all or nothing. */
    public void write(Caller caller, List<Update> updates) {
        String tenant = caller.tenant();
        if (updates.isEmpty()) {
            return;
        }
        writer.write(tenant, ChangeWriter.TenantUse.CREATE_IF_NEW, writing -> {
            List<String> ids = updates.stream().map(Update::entityId).distinct().toList();
            Map<String, Entity> current = writing.lockAll(ids);
            // Only what subscriptions need costs copies: the entity after each change and the values before it.
            boolean notify = writing.notifies();
            List<EntityChange> changes = new ArrayList<>(updates.size());
            for (Update update : updates) {
                Entity base = current.get(update.entityId());
                if (base == null) {
                    ObjectNode attributes = update.staticAttributes().get();
                    attributes.setAll(update.attributes().deepCopy());
                    Entity created = new Entity(update.entityId(), List.of(update.entityType()), List.of(), attributes,
                            update.at(), update.at());
                    current.put(created.id(), created);
                    changes.add(EntityChange.created(notify ? copy(created) : created));
                    continue;
                }
                ObjectNode previous = notify ? previousValues(base.attributes(), update.attributes()) : null;
                Entity next = base.withAttributes(EntityMutations.append(base.attributes(), update.attributes(), false,
                        new AttributeChanges()), update.at());
                current.put(next.id(), next);
                // The history records the instances this measurement wrote, whatever later ones in the batch do.
                Entity written = notify ? copy(next) : new Entity(next.id(), next.types(), next.scopes(), update.attributes(),
                        next.createdAt(), next.modifiedAt());
                changes.add(new EntityChange(EntityChange.Kind.UPDATED, written, update.attributes().properties().stream()
                        .map(Map.Entry::getKey).collect(java.util.stream.Collectors.toSet()), previous));
            }
            writing.upsert(List.copyOf(current.values()));
            writing.record(changes);
            return null;
        });
    }

    private static Entity copy(Entity entity) {
        return new Entity(entity.id(), entity.types(), entity.scopes(), entity.attributes().deepCopy(), entity.createdAt(),
                entity.modifiedAt());
    }

    private static ObjectNode previousValues(ObjectNode attributes, ObjectNode changed) {
        ObjectNode previous = attributes.objectNode();
        changed.fieldNames().forEachRemaining(name -> {
            if (attributes.has(name)) {
                previous.set(name, attributes.get(name).deepCopy());
            }
        });
        return previous;
    }
}
