package org.meridian.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.meridian.broker.store.EntityQueries;
import org.meridian.broker.store.EntityStore;
import org.meridian.broker.store.HistoryStore;
import org.meridian.broker.store.NotificationStore;
import org.meridian.core.error.MeridianException;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.AttributeChanges;
import org.meridian.core.ngsild.Entity;
import org.meridian.core.ngsild.EntityChange;
import org.meridian.core.ngsild.EntityMutations;
import org.meridian.core.ngsild.EntityParser;
import org.meridian.core.query.EntityPage;
import org.meridian.core.query.EntitySelection;
import org.meridian.core.security.Caller;
import org.meridian.platform.db.TenantStore;
import org.meridian.platform.db.Transactions;

/**
 * The NGSI-LD entity operations (clause 5.6 and 5.7). Each operation parses and checks its input completely before it
 * opens a transaction, and changes a stored entity only inside one, so a failed request stores nothing.
 */
public final class EntityService {
    private final Transactions transactions;
    private final EntityStore entities;
    private final EntityQueries queries;
    private final TenantStore tenants;
    private final NotificationStore queue;
    private final Notifications notifications;
    private final HistoryStore history;
    private final Clock clock;

    /**
     * @param notifications matches changes against subscriptions, and is told which queues a commit filled
     */
    public EntityService(Transactions transactions, EntityStore entities, EntityQueries queries, TenantStore tenants,
                         NotificationStore queue, HistoryStore history, Notifications notifications, Clock clock) {
        this.transactions = transactions;
        this.entities = entities;
        this.queries = queries;
        this.tenants = tenants;
        this.queue = queue;
        this.notifications = notifications;
        this.history = history;
        this.clock = clock;
    }

    private Instant now() {
        return clock.instant();
    }

    public Entity retrieve(Caller caller, String id) {
        String tenant = caller.tenant();
        return transactions.readOnly(connection -> {
            requireTenant(connection, tenant);
            return entities.find(connection, tenant, id, false)
                    .orElseThrow(() -> MeridianException.notFound("No entity " + id));
        });
    }

    public EntityPage query(Caller caller, EntitySelection selection, int limit, int offset, boolean count) {
        String tenant = caller.tenant();
        return transactions.readOnly(connection -> {
            requireTenant(connection, tenant);
            return queries.query(connection, tenant, selection, limit, offset, count);
        });
    }

    public void delete(Caller caller, String id) {
        String tenant = caller.tenant();
        CommitSignal signal = new CommitSignal();
        transactions.inTransaction(connection -> {
            requireTenant(connection, tenant);
            Entity current = entities.find(connection, tenant, id, true)
                    .orElseThrow(() -> MeridianException.notFound("No entity " + id));
            entities.delete(connection, tenant, id);
            record(connection, tenant, List.of(EntityChange.deleted(current)), signal);
            return null;
        });
        signal.fire();
    }

    /** PUT /entities/{id}: the new content replaces everything but the id and the creation time. */
    public void replace(Caller caller, String id, JsonNode payload, JsonLdContext context) {
        String tenant = caller.tenant();
        ObjectNode object = EntityParser.requireObject(payload, "An entity");
        requireSameId(id, object);
        object.put("id", id);
        Instant now = now();
        Entity replacement = EntityParser.parseEntity(object, context, now);
        modify(tenant, id, now, current -> new Entity(id, replacement.types(), replacement.scopes(),
                EntityMutations.replaceAll(current.attributes(), replacement.attributes()), current.createdAt(), now));
    }

    /** PATCH /entities/{id}: JSON merge patch semantics over attributes (clause 5.6.17). */
    public void merge(Caller caller, String id, JsonNode payload, JsonLdContext context) {
        String tenant = caller.tenant();
        ObjectNode object = EntityParser.requireObject(payload, "An entity fragment");
        requireSameId(id, object);
        Instant now = now();
        EntityParser.Fragment fragment = EntityParser.parseFragment(object, context, now);
        modify(tenant, id, now, current -> mergeFragment(current, fragment, now));
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
        String tenant = caller.tenant();
        ObjectNode object = EntityParser.requireObject(payload, "An attribute fragment");
        requireSameId(id, object);
        Instant now = now();
        EntityParser.Fragment fragment = EntityParser.parseFragment(object, context, now);
        if (fragment.attributes().isEmpty() && fragment.types() == null && fragment.scopes() == null) {
            throw MeridianException.badData("The request names no attribute to append");
        }
        AttributeChanges changes = new AttributeChanges();
        modify(tenant, id, now, current -> {
            List<String> types = current.types();
            if (fragment.types() != null) {
                LinkedHashSet<String> union = new LinkedHashSet<>(current.types());
                union.addAll(fragment.types());
                types = List.copyOf(union);
            }
            return new Entity(id, types, fragment.scopes() != null ? fragment.scopes() : current.scopes(),
                    EntityMutations.append(current.attributes(), fragment.attributes(), noOverwrite, changes),
                    current.createdAt(), now);
        });
        return changes;
    }

    public AttributeChanges updateAttributes(Caller caller, String id, JsonNode payload, JsonLdContext context) {
        String tenant = caller.tenant();
        ObjectNode object = EntityParser.requireObject(payload, "An attribute fragment");
        Instant now = now();
        ObjectNode attributes = EntityParser.parseAttributes(object, context, now);
        if (attributes.isEmpty()) {
            throw MeridianException.badData("The request names no attribute to update");
        }
        AttributeChanges changes = new AttributeChanges();
        modify(tenant, id, now, current -> current.withAttributes(
                EntityMutations.update(current.attributes(), attributes, changes), now));
        return changes;
    }

    /** PATCH /entities/{id}/attrs/{attr}: the given members replace the stored ones. */
    public void partialUpdateAttribute(Caller caller, String id, String attributeName, JsonNode payload,
                                       JsonLdContext context) {
        String tenant = caller.tenant();
        String iri = context.expandTerm(attributeName);
        Instant now = now();
        ObjectNode patch = attributeFragment(attributeName, iri, payload, context, now);
        modify(tenant, id, now, current -> {
            if (!current.attributes().has(iri)) {
                throw MeridianException.notFound("The entity " + id + " has no attribute " + attributeName);
            }
            AttributeChanges changes = new AttributeChanges();
            ObjectNode merged = EntityMutations.merge(current.attributes(), patch, false, changes);
            if (!changes.complete()) {
                throw MeridianException.notFound("The entity " + id + " has no instance of " + attributeName + " with that datasetId");
            }
            return current.withAttributes(merged, now);
        });
    }

    /** PUT /entities/{id}/attrs/{attr}: replaces the attribute whole. */
    public void replaceAttribute(Caller caller, String id, String attributeName, JsonNode payload, JsonLdContext context) {
        String tenant = caller.tenant();
        String iri = context.expandTerm(attributeName);
        Instant now = now();
        ObjectNode replacement = attributeFragment(attributeName, iri, payload, context, now);
        modify(tenant, id, now, current -> {
            if (!current.attributes().has(iri)) {
                throw MeridianException.notFound("The entity " + id + " has no attribute " + attributeName);
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
        String tenant = caller.tenant();
        String iri = context.expandTerm(attributeName);
        Instant now = now();
        modify(tenant, id, now, current -> {
            ObjectNode remaining = EntityMutations.deleteAttribute(current.attributes(), iri, datasetId, deleteAll);
            if (remaining == null) {
                throw MeridianException.notFound("The entity " + id + " has no attribute " + attributeName
                        + (datasetId == null ? "" : " with datasetId " + datasetId));
            }
            return current.withAttributes(remaining, now);
        });
    }

    /** Reads the entity for update, applies the change, writes it, its history and its notifications in one transaction. */
    private void modify(String tenant, String id, Instant now, UnaryOperator<Entity> change) {
        CommitSignal signal = new CommitSignal();
        transactions.inTransaction(connection -> {
            requireTenant(connection, tenant);
            Entity current = entities.find(connection, tenant, id, true)
                    .orElseThrow(() -> MeridianException.notFound("No entity " + id));
            ObjectNode before = current.attributes().deepCopy();
            Entity next = change.apply(current);
            entities.upsert(connection, tenant, List.of(next));
            record(connection, tenant, List.of(EntityChange.updated(before, next, now.toString())), signal);
            return null;
        });
        signal.fire();
    }

    private static void requireSameId(String id, ObjectNode object) {
        JsonNode bodyId = object.has("id") ? object.get("id") : object.get("@id");
        if (bodyId != null && !id.equals(bodyId.asText())) {
            throw MeridianException.badData("The id in the body (" + bodyId.asText() + ") differs from the id in the URL (" + id + ")");
        }
    }

    void requireTenant(Connection connection, String tenant) throws SQLException {
        tenants.require(connection, tenant);
    }

    Transactions transactions() {
        return transactions;
    }

    EntityStore store() {
        return entities;
    }

    /**
     * Every change goes to the history and, when subscriptions select it, to their notification queues: in the
     * transaction of the change, so both commit with it or not at all.
     */
    void record(Connection connection, String tenant, List<EntityChange> changes, CommitSignal signal) throws SQLException {
        if (!changes.isEmpty()) {
            record(connection, tenant, changes, signal, subscribers(connection, tenant));
        }
    }

    /** {@link #record} with the tenant's subscribers already read in this transaction (one query fewer). */
    void record(Connection connection, String tenant, List<EntityChange> changes, CommitSignal signal,
                SubscriptionMatcher.Subscribers subscribers) throws SQLException {
        history.record(connection, tenant, changes);
        List<NotificationStore.Pending> pending = notifications.matcher().notifications(tenant, subscribers, changes, now());
        queue.enqueue(connection, pending);
        pending.forEach(notification -> signal.filled.add(notification.queue()));
    }

    /** The tenant's subscribers now; {@link SubscriptionMatcher.Subscribers#isEmpty()} when changes notify nobody. */
    SubscriptionMatcher.Subscribers subscribers(Connection connection, String tenant) throws SQLException {
        return notifications.matcher().subscribers(connection, tenant);
    }

    CommitSignal newSignal() {
        return new CommitSignal();
    }

    /** Names the notification queues a transaction filled to the sender, once (and only if) it committed. */
    final class CommitSignal {
        private final java.util.Set<NotificationStore.QueueKey> filled = new java.util.LinkedHashSet<>();

        void fire() {
            if (!filled.isEmpty()) {
                notifications.filled(filled);
            }
        }
    }

    TenantStore tenants() {
        return tenants;
    }

    Instant currentTime() {
        return now();
    }

    static List<String> idsOf(List<Entity> list) {
        List<String> ids = new ArrayList<>(list.size());
        list.forEach(entity -> ids.add(entity.id()));
        return ids;
    }
}
