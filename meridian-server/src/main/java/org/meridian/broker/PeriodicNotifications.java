package org.meridian.broker;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.meridian.broker.store.EntityQueries;
import org.meridian.broker.store.NotificationStore;
import org.meridian.broker.store.NotificationStore.QueueKey;
import org.meridian.broker.store.SubscriptionStore;
import org.meridian.core.error.MeridianException;
import org.meridian.core.subscription.StoredSubscription;
import org.meridian.platform.db.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic subscriptions ({@code timeInterval}): a notification of the current state of what each selects, queued when
 * it is due, by the node that holds the dispatch lease. Delivered like any other notification.
 */
final class PeriodicNotifications {
    private static final Logger LOG = LoggerFactory.getLogger(PeriodicNotifications.class);

    private final Transactions transactions;
    private final SubscriptionStore subscriptions;
    private final NotificationStore queue;
    private final SubscriptionMatcher matcher;
    private final EntityQueries entityQueries;
    private final QueryPlanner planner;
    private final ReadPolicies policies;
    private final Clock clock;
    /** When each periodic subscription is next due. */
    private final Map<QueueKey, Instant> periodicDue = new ConcurrentHashMap<>();
    private Instant nextPeriodicCheck = Instant.EPOCH;
    /** When each subscription that cannot be evaluated was last said to be so. */
    private final Map<QueueKey, Instant> warnedAt = new ConcurrentHashMap<>();

    PeriodicNotifications(Transactions transactions, SubscriptionStore subscriptions, NotificationStore queue,
                          SubscriptionMatcher matcher, EntityQueries entityQueries, QueryPlanner planner,
                          ReadPolicies policies, Clock clock) {
        this.transactions = transactions;
        this.subscriptions = subscriptions;
        this.queue = queue;
        this.matcher = matcher;
        this.entityQueries = entityQueries;
        this.planner = planner;
        this.policies = policies;
        this.clock = clock;
    }

    /**
     * Queues a notification of the current state for each periodic subscription (timeInterval) that is due. Checked at
     * most once a second; after a change of lease holder each periodic subscription is notified at once, then on its
     * period. At most {@value #PERIODIC_MAX_ENTITIES} entities per notification.
     */
    int queueDue() {
        Instant now = clock.instant();
        if (now.isBefore(nextPeriodicCheck)) {
            return 0;
        }
        nextPeriodicCheck = now.plusSeconds(1);
        List<NotificationStore.Pending> pending = transactions.readOnly(connection -> {
            List<NotificationStore.Pending> due = new ArrayList<>();
            Set<QueueKey> seen = new java.util.HashSet<>();
            for (StoredSubscription row : subscriptions.periodic(connection)) {
                QueueKey key = new QueueKey(row.tenant(), row.id());
                seen.add(key);
                Instant next = periodicDue.get(key);
                if (next != null && now.isBefore(next)) {
                    continue;
                }
                SubscriptionMatcher.Active active = matcher.activate(row);
                if (active == null || !active.subscription().isPeriodic()) {
                    continue;
                }
                periodicDue.put(key, now.plusMillis((long) (active.subscription().timeIntervalSeconds() * 1000)));
                List<org.meridian.core.ngsild.Entity> entities;
                try {
                    entities = currentState(connection, row, active);
                } catch (MeridianException | java.sql.SQLException e) {
                    // A query PostgreSQL refuses (a regular expression it does not accept, too many geo candidates)
                    // concerns this subscription only. Reads here run without a transaction, so the next one is fine.
                    // Said once an hour per subscription, not at every period (a 1 s subscription filled the log).
                    Instant warned = warnedAt.get(key);
                    if (warned == null || !now.isBefore(warned.plus(java.time.Duration.ofHours(1)))) {
                        warnedAt.put(key, now);
                        LOG.warn("periodic subscription {} of tenant '{}' cannot be evaluated (said again in an hour if it"
                                + " still cannot): {}", row.id(), row.tenant(), e.getMessage());
                    }
                    continue;
                }
                if (!entities.isEmpty()) {
                    entities.forEach(entity -> policies.notified(SubscriptionMatcher.owner(row), row.id(), entity));
                    due.add(new NotificationStore.Pending(row.tenant(), row.id(), row.createdAt(), NotificationRenderer.renderCurrent(
                            active.subscription(), row.context(), active.context(), entities, now)));
                }
            }
            periodicDue.keySet().retainAll(seen);
            warnedAt.keySet().retainAll(seen);
            return due;
        });
        if (pending.isEmpty()) {
            return 0;
        }
        transactions.inTransaction(connection -> {
            queue.enqueue(connection, pending);
            return null;
        });
        return pending.size();
    }

    static final int PERIODIC_MAX_ENTITIES = 1000;

    /** The entities a periodic subscription selects now: its types, q, scopeQ and geoQ in SQL, ids and patterns here. */
    private List<org.meridian.core.ngsild.Entity> currentState(java.sql.Connection connection, StoredSubscription row,
                                                                 SubscriptionMatcher.Active active) throws java.sql.SQLException {
        JsonNode body = row.body();
        List<String> types = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        boolean allHaveIds = true;
        for (JsonNode selector : body.path("entities")) {
            types.add(selector.path("type").asText());
            if (selector.hasNonNull("id")) {
                ids.add(selector.get("id").asText());
            } else {
                allHaveIds = false;
            }
        }
        JsonNode selectors = body.path("entities");
        // Ids and a single id pattern narrow the query itself, so the entity limit applies to what is selected.
        String idPattern = selectors.size() == 1 && selectors.get(0).hasNonNull("idPattern") ? selectors.get(0).get("idPattern").asText() : null;
        JsonNode geoQ = body.get("geoQ");
        JsonNode coordinates = geoQ == null ? null : geoQ.get("coordinates");
        QueryRequest request = new QueryRequest(allHaveIds && !ids.isEmpty() ? ids : null, idPattern, String.join(",", types),
                text(body, "q"), text(body, "scopeQ"),
                geoQ == null ? null : text(geoQ, "georel"), geoQ == null ? null : text(geoQ, "geometry"),
                coordinates == null ? null : coordinates.isTextual() ? coordinates.asText() : coordinates.toString(),
                geoQ == null ? null : text(geoQ, "geoproperty"), null);
        List<org.meridian.core.ngsild.Entity> selected = new ArrayList<>();
        org.meridian.core.security.ReadScope scope = policies.ownerScope(SubscriptionMatcher.owner(row));
        for (var entity : entityQueries.query(connection, row.tenant(), planner.plan(request, active.context()), scope,
                PERIODIC_MAX_ENTITIES, 0, false).entities()) {
            // Selected as the owner sees it: a condition on a hidden attribute must not tell anything about it.
            org.meridian.core.ngsild.Entity seen = scope.mask(entity);
            if (active.subscription().selects(seen)) {
                selected.add(seen);
            }
        }
        return selected;
    }

    private static String text(JsonNode node, String member) {
        JsonNode value = node.get(member);
        return value == null || value.isNull() ? null : value.asText();
    }
}
