package org.meridian.broker;

import org.meridian.broker.delivery.Notification;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.meridian.broker.store.EntityStore;
import org.meridian.core.ngsild.Entity;
import org.meridian.core.security.ReadScope;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.meridian.broker.store.NotificationStore;
import org.meridian.broker.store.SubscriptionStore;
import org.meridian.core.error.MeridianException;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.EntityChange;
import org.meridian.core.subscription.StoredSubscription;
import org.meridian.core.subscription.Subscription;
import org.meridian.core.subscription.SubscriptionParser;
import org.meridian.core.security.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Matches entity changes against a tenant's deliverable subscriptions and renders the notifications they cause. It runs
 * inside the transaction that writes the change, so a change and its notifications commit together: the notification
 * queue is the subscriptions' outbox, and nothing is written, read back and matched a second time (measured: that
 * round trip was the larger half of the notification pipeline's database time). A tenant's subscriptions are parsed
 * once and reused until their version (moved by every create, update and delete) changes.
 */
final class SubscriptionMatcher {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionMatcher.class);

    /** A deliverable subscription, parsed, with its row as stored. */
    record Active(StoredSubscription row, Subscription subscription, JsonLdContext context) {
    }

    /** A tenant's deliverable subscriptions at one version. */
    static final class Subscribers {
        static final Subscribers NONE = new Subscribers("0", new SubscriptionIndex<>(List.of(), Active::subscription), true);

        private final String version;
        private final SubscriptionIndex<Active> index;
        private final boolean empty;

        private Subscribers(String version, SubscriptionIndex<Active> index, boolean empty) {
            this.version = version;
            this.index = index;
            this.empty = empty;
        }

        /** Whether no change of the tenant can notify anyone now: writers then skip copying entities for rendering. */
        boolean isEmpty() {
            return empty;
        }
    }

    private final SubscriptionStore subscriptions;
    private final ContextService contexts;
    private final int maxQueryTerms;
    private final Map<String, Subscribers> byTenant = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> reloading = new ConcurrentHashMap<>();

    private final ReadPolicies policies;

    SubscriptionMatcher(SubscriptionStore subscriptions, ContextService contexts, int maxQueryTerms, ReadPolicies policies) {
        this.policies = policies;
        this.subscriptions = subscriptions;
        this.contexts = contexts;
        this.maxQueryTerms = maxQueryTerms;
    }

    /**
     * The tenant's deliverable subscriptions as of this transaction: one small read of the version, and a reload (by
     * one writer, the others waiting for it) only when it moved.
     */
    Subscribers subscribers(Connection connection, String tenant) throws SQLException {
        String version = subscriptions.version(connection, tenant);
        Subscribers current = byTenant.get(tenant);
        if (current != null && current.version.equals(version)) {
            return current;
        }
        if (current == null && version.equals("0")) {
            return Subscribers.NONE;
        }
        ReentrantLock lock = reloading.computeIfAbsent(tenant, key -> new ReentrantLock());
        lock.lock();
        try {
            current = byTenant.get(tenant);
            if (current != null && current.version.equals(version)) {
                return current;
            }
            List<Active> active = new ArrayList<>();
            for (StoredSubscription row : subscriptions.deliverable(connection, List.of(tenant))) {
                Active parsed = activate(row);
                if (parsed != null) {
                    active.add(parsed);
                }
            }
            Subscribers loaded = new Subscribers(version, new SubscriptionIndex<>(List.copyOf(active), Active::subscription),
                    active.isEmpty());
            byTenant.put(tenant, loaded);
            return loaded;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whom a subscription notifies on behalf of: the caller that created it, as stored with it; {@link
     * ReadPolicies#ownerScope} brings it up to date (roles, departments, disabled) and asks the policies as they are.
     */
    static Caller owner(StoredSubscription row) {
        return row.owner();
    }

    /** The notifications the changes cause, in the order of the changes. */
    List<NotificationStore.Pending> notifications(String tenant, Subscribers subscribers, List<EntityChange> changes, Instant now) {
        return notifications(tenant, subscribers, changes, now, null);
    }

    /**
     * The notifications the changes cause; with the write's connection, subscriptions that join linked entities
     * (notification.join) read them there, as the subscriber may see them.
     */
    List<NotificationStore.Pending> notifications(String tenant, Subscribers subscribers, List<EntityChange> changes, Instant now,
                                                  Connection connection) {
        if (subscribers.isEmpty()) {
            return List.of();
        }
        List<NotificationStore.Pending> pending = new ArrayList<>();
        for (EntityChange change : changes) {
            for (Active active : subscribers.index.candidates(change.entity())) {
                try {
                    // The subscriber is notified of what it may read: matched and rendered as its scope shows it.
                    ReadScope scope = policies.ownerScope(owner(active.row()));
                    EntityChange seen = ReadPolicies.visible(scope, change).orElse(null);
                    if (seen != null && !active.subscription().isExpired(now) && active.subscription().matches(seen)) {
                        JsonNode presented = Notification.presentedContext(active.row().body(), active.row().context());
                        Function<Set<String>, Map<String, Entity>> linked = connection == null ? null
                                : ids -> readLinked(connection, tenant, scope, ids);
                        ObjectNode payload = NotificationRenderer.render(active.subscription(), presented,
                                presented == active.row().context() ? active.context() : contexts.resolve(presented), seen, now,
                                active.row().body(), linked);
                        pending.add(new NotificationStore.Pending(tenant, active.row().id(), active.row().createdAt(), payload));
                        policies.notified(owner(active.row()), active.row().id(), seen.entity());
                    }
                } catch (RuntimeException | StackOverflowError e) {
                    // Matching runs inside the user's write: a subscription that cannot be evaluated (a regular
                    // expression that overflows the stack) misses this change rather than failing the write.
                    LOG.warn("subscription {} of tenant '{}' could not be evaluated against {}: {}", active.row().id(),
                            tenant, change.entity().id(), e.toString());
                }
            }
        }
        return pending;
    }

    private static Map<String, Entity> readLinked(Connection connection, String tenant, ReadScope scope, Set<String> ids) {
        try {
            Map<String, Entity> found = new java.util.HashMap<>();
            for (Entity entity : new EntityStore().findAll(connection, tenant, ids, false)) {
                ReadPolicies.visible(scope, entity).ifPresent(shown -> found.put(shown.id(), shown));
            }
            return found;
        } catch (SQLException e) {
            throw new IllegalStateException("linked entities could not be read", e);
        }
    }

    Active activate(StoredSubscription row) {
        Active active = activate(row.tenant(), row.id(), row.body(), row.context());
        return active == null ? null : new Active(row, active.subscription(), active.context());
    }

    /** Parses a stored subscription; null (logged) when it cannot be used now, and its notifications wait. */
    Active activate(String tenant, String id, JsonNode body, JsonNode contextValue) {
        try {
            JsonLdContext context = contexts.resolve(contextValue);
            // Stored subscriptions were checked on write; only an expiry time now in the past can fail here.
            Subscription subscription = SubscriptionParser.parse(id, body, context, maxQueryTerms, Instant.EPOCH);
            return new Active(null, subscription, context);
        } catch (MeridianException e) {
            LOG.warn("subscription {} of tenant '{}' cannot be used now ({}); its notifications wait", id, tenant, e.detail());
            return null;
        }
    }
}
