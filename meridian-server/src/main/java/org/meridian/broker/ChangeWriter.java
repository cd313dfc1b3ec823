package org.meridian.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.meridian.broker.store.EntityStore;
import org.meridian.broker.store.HistoryStore;
import org.meridian.broker.store.NotificationStore;
import org.meridian.core.ngsild.Entity;
import org.meridian.core.ngsild.EntityChange;
import org.meridian.platform.bus.Event;
import org.meridian.platform.bus.EventBus;
import org.meridian.platform.db.TenantStore;
import org.meridian.platform.db.Transactions;

/**
 * The one write path for entities. Every entry (a single create or PATCH, the batch operations, merge, device
 * measurements over MQTT and HTTP, bulk import) opens its transaction here, locks and reads what it changes, writes
 * it, and records every change at one place, {@link Writing#record}: the history, the subscriptions' notification
 * queues and the change stream (one row per transaction, appended last), all in the transaction of the change, so they
 * commit with it or not at all. After
 * the commit the changes are handed on, here too: the notification sender is told which queues were filled, the
 * event bus that its consumers have something to read.
 */
public final class ChangeWriter {
    /** The stream entity changes are appended to. */
    public static final String STREAM = "entity";

    /** Whether a write may be the tenant's first (creates and upserts) or needs the tenant to exist (updates). */
    public enum TenantUse { CREATE_IF_NEW, MUST_EXIST }

    @FunctionalInterface
    public interface Work<T> {
        T write(Writing writing) throws SQLException;
    }

    private final Transactions transactions;
    private final EntityStore entities;
    private final TenantStore tenants;
    private final HistoryStore history;
    private final NotificationStore queue;
    private final Notifications notifications;
    private final EventBus bus;
    private final Clock clock;

    public ChangeWriter(Transactions transactions, EntityStore entities, TenantStore tenants, HistoryStore history,
                        NotificationStore queue, Notifications notifications, EventBus bus, Clock clock) {
        this.transactions = transactions;
        this.entities = entities;
        this.tenants = tenants;
        this.history = history;
        this.queue = queue;
        this.notifications = notifications;
        this.bus = bus;
        this.clock = clock;
    }

    public Instant now() {
        return clock.instant();
    }

    /** Runs the work in one transaction of the tenant's, and hands its changes on once (and only if) it committed. */
    public <T> T write(String tenant, TenantUse use, Work<T> work) {
        return write(tenant, use, null, work);
    }

    /** @param lockTimeout how long a row lock may be waited for before the write fails (null: as long as it takes) */
    public <T> T write(String tenant, TenantUse use, Duration lockTimeout, Work<T> work) {
        Writing writing = new Writing(tenant);
        T result = transactions.inTransaction(connection -> {
            writing.connection = connection;
            if (lockTimeout != null) {
                try (var statement = connection.createStatement()) {
                    statement.execute("SET LOCAL lock_timeout = '" + lockTimeout.toMillis() + "ms'");
                }
            }
            if (use == TenantUse.CREATE_IF_NEW) {
                tenants.ensure(connection, tenant);
            } else {
                tenants.require(connection, tenant);
            }
            T done = work.write(writing);
            // One event_log row for the whole transaction, appended last, while it still holds every lock it took.
            bus.append(connection, writing.events);
            return done;
        });
        writing.handOn();
        return result;
    }

    /** One transaction's writing: what it may do to entities, and the one place where its changes are recorded. */
    public final class Writing {
        private final String tenant;
        private Connection connection;
        private SubscriptionMatcher.Subscribers subscribers;
        private final Set<NotificationStore.QueueKey> filled = new LinkedHashSet<>();
        private final List<Event.Draft> events = new ArrayList<>();

        private Writing(String tenant) {
            this.tenant = tenant;
        }

        /** Reads the entity and locks it until the transaction ends. */
        public Optional<Entity> lock(String id) throws SQLException {
            return entities.find(connection, tenant, id, true);
        }

        /** Reads and locks the entities that exist among the ids, by id. */
        public Map<String, Entity> lockAll(Collection<String> ids) throws SQLException {
            Map<String, Entity> found = new LinkedHashMap<>();
            entities.findAll(connection, tenant, ids, true).forEach(entity -> found.put(entity.id(), entity));
            return found;
        }

        /** Inserts the entities that do not exist yet; returns the ids inserted. */
        public Set<String> insertNew(List<Entity> list) throws SQLException {
            return entities.insertNew(connection, tenant, list);
        }

        public void upsert(List<Entity> list) throws SQLException {
            entities.upsert(connection, tenant, list);
        }

        /** Deletes the entities; returns the ids that existed. */
        public Set<String> deleteAll(Collection<String> ids) throws SQLException {
            return entities.deleteAll(connection, tenant, ids);
        }

        /** Whether any subscription of the tenant's may be notified: when none is, changes need no copies for them. */
        public boolean notifies() throws SQLException {
            return !subscribers().isEmpty();
        }

        private SubscriptionMatcher.Subscribers subscribers() throws SQLException {
            if (subscribers == null) {
                subscribers = notifications.matcher().subscribers(connection, tenant);
            }
            return subscribers;
        }

        /**
         * Records changes already written: to the history, to the notification queues of the subscriptions that
         * select them, and to the change stream, in this transaction and in the order given.
         */
        public void record(List<EntityChange> changes) throws SQLException {
            if (changes.isEmpty()) {
                return;
            }
            history.record(connection, tenant, changes);
            SubscriptionMatcher.Subscribers selecting = subscribers();
            if (!selecting.isEmpty()) {
                List<NotificationStore.Pending> pending = notifications.matcher().notifications(tenant, selecting, changes, now(), connection);
                queue.enqueue(connection, pending);
                pending.forEach(notification -> filled.add(notification.queue()));
            }
            events.addAll(ChangeWriter.events(tenant, changes));
        }

        private void handOn() {
            if (!filled.isEmpty()) {
                notifications.filled(filled);
            }
            if (!events.isEmpty()) {
                bus.committed();
            }
        }
    }

    /** The change stream's events for the changes: the entity's types and what this change wrote. */
    static List<Event.Draft> events(String tenant, List<EntityChange> changes) {
        List<Event.Draft> events = new ArrayList<>(changes.size());
        for (EntityChange change : changes) {
            Entity entity = change.entity();
            ObjectNode payload = JsonNodeFactory.instance.objectNode();
            entity.types().forEach(payload.putArray("type")::add);
            if (change.kind() != EntityChange.Kind.DELETED) {
                ObjectNode attributes = payload.putObject("attributes");
                List<String> removed = new ArrayList<>();
                for (String name : change.changedAttributes()) {
                    JsonNode now = entity.attributes().get(name);
                    if (now == null) {
                        removed.add(name);
                    } else {
                        attributes.set(name, now);
                    }
                }
                if (!removed.isEmpty()) {
                    removed.forEach(payload.putArray("removed")::add);
                }
            }
            payload.put("modifiedAt", org.meridian.core.ngsild.DateTimes.formatUtc(entity.modifiedAt()));
            events.add(new Event.Draft(tenant, STREAM, entity.id(), change.kind().name().toLowerCase(Locale.ROOT), payload));
        }
        return events;
    }
}
