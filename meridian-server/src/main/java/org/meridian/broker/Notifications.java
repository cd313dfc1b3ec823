package org.meridian.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.meridian.core.error.MeridianException;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.json.Json;
import org.meridian.core.subscription.Subscription;
import org.meridian.core.subscription.SubscriptionParser;
import org.meridian.store.NotificationStore;
import org.meridian.store.OutboxStore;
import org.meridian.store.SubscriptionStore;
import org.meridian.store.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns outbox events into notifications and delivers them.
 *
 * <p>Two loops, each on one node of a cluster at a time (a {@link Lease}): the dispatcher claims outbox events, matches
 * them against the subscriptions and queues a notification per match, all in one transaction; the sender delivers the
 * head of every subscription's queue concurrently, removing it only when the receiver answered 2xx. A crash at any
 * point leaves the event or the notification in the database: delivery is at least once, in order per subscription,
 * and a slow or dead receiver holds up only its own queue.
 */
public final class Notifications implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);
    private static final int BATCH = 500;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    private final Transactions transactions;
    private final OutboxStore outbox;
    private final SubscriptionStore subscriptions;
    private final NotificationStore queue;
    private final ContextService contexts;
    private final Clock clock;
    private final int maxFailures;
    private final int maxQueryTerms;
    private final Duration timeout;
    private final HttpClient client;
    private final Lease dispatchLease;
    private final Lease sendLease;
    private final Semaphore wakeDispatcher = new Semaphore(0);
    private final Semaphore wakeSender = new Semaphore(0);
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;
    private final List<Thread> threads = new ArrayList<>();

    /** Delivery settings. */
    public record Options(int maxFailures, Duration timeout, int maxQueryTerms) {
    }

    public Notifications(DataSource dataSource, Transactions transactions, OutboxStore outbox, SubscriptionStore subscriptions,
                         NotificationStore queue, ContextService contexts, Clock clock, Options options) {
        this.transactions = transactions;
        this.outbox = outbox;
        this.subscriptions = subscriptions;
        this.queue = queue;
        this.contexts = contexts;
        this.clock = clock;
        this.maxFailures = options.maxFailures();
        this.maxQueryTerms = options.maxQueryTerms();
        this.timeout = options.timeout();
        this.client = HttpClient.newBuilder().connectTimeout(options.timeout()).build();
        this.dispatchLease = new Lease(dataSource, 0x4d455249_00000001L, "notification matching");
        this.sendLease = new Lease(dataSource, 0x4d455249_00000002L, "notification delivery");
    }

    public void start() {
        threads.add(Thread.ofVirtual().name("meridian-dispatcher").start(() -> loop(dispatchLease, wakeDispatcher, this::dispatch)));
        threads.add(Thread.ofVirtual().name("meridian-sender").start(() -> loop(sendLease, wakeSender, this::send)));
    }

    /** Called after a write committed: there may be new events. */
    public void changed() {
        wakeDispatcher.release();
    }

    private interface Step {
        int run();
    }

    private void loop(Lease lease, Semaphore wake, Step step) {
        while (running) {
            try {
                int done = lease.held() ? step.run() : 0;
                if (done == 0) {
                    wake.tryAcquire(lease.held() ? 200 : 5_000, TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("notification loop failed, retrying in 1 s: {}", e.toString(), e);
                sleepQuietly(1_000);
            }
        }
    }

    /** Matches one batch of outbox events; returns how many were handled. */
    private int dispatch() {
        int handled = transactions.inTransaction(connection -> {
            List<OutboxStore.Event> events = outbox.claim(connection, BATCH);
            if (events.isEmpty()) {
                return 0;
            }
            List<String> tenants = events.stream().map(OutboxStore.Event::tenant).distinct().toList();
            Map<String, List<Active>> byTenant = new HashMap<>();
            for (SubscriptionStore.Row row : subscriptions.deliverable(connection, tenants)) {
                Active active = activate(row);
                if (active != null) {
                    byTenant.computeIfAbsent(row.tenant(), k -> new ArrayList<>()).add(active);
                }
            }
            Instant now = clock.instant();
            for (OutboxStore.Event event : events) {
                for (Active active : byTenant.getOrDefault(event.tenant(), List.of())) {
                    if (active.subscription().matches(event.change())) {
                        ObjectNode payload = NotificationRenderer.render(active.subscription(), active.row().context(),
                                active.context(), event.change(), now);
                        queue.enqueue(connection, event.tenant(), active.row().id(), payload);
                    }
                }
            }
            outbox.delete(connection, events.stream().map(OutboxStore.Event::sequence).toList());
            return events.size();
        });
        if (handled > 0) {
            wakeSender.release();
        }
        return handled;
    }

    private record Active(SubscriptionStore.Row row, Subscription subscription, JsonLdContext context) {
    }

    private Active activate(SubscriptionStore.Row row) {
        try {
            JsonLdContext context = contexts.resolve(row.context());
            // Stored subscriptions were checked on write; only an expiry time now in the past can fail here.
            Subscription subscription = SubscriptionParser.parse(row.id(), row.body(), context, maxQueryTerms, Instant.EPOCH);
            return new Active(row, subscription, context);
        } catch (MeridianException e) {
            LOG.warn("subscription {} of tenant '{}' cannot be used now ({}); its notifications wait", row.id(), row.tenant(), e.detail());
            return null;
        }
    }

    /** Starts delivery of the head of every due queue; returns how many deliveries were started. */
    private int send() {
        List<NotificationStore.Queued> heads = transactions.readOnly(connection -> queue.heads(connection, 200));
        int started = 0;
        for (NotificationStore.Queued head : heads) {
            String key = head.tenant() + "\n" + head.subscriptionId();
            if (!inFlight.add(key)) {
                continue;
            }
            started++;
            Thread.ofVirtual().name("meridian-notify").start(() -> {
                try {
                    deliver(head);
                } finally {
                    inFlight.remove(key);
                    wakeSender.release();
                }
            });
        }
        return started;
    }

    private void deliver(NotificationStore.Queued head) {
        SubscriptionStore.Row row = transactions.readOnly(connection ->
                subscriptions.find(connection, head.tenant(), head.subscriptionId())).orElse(null);
        if (row == null) {
            return;
        }
        Active active = activate(row);
        if (active == null) {
            return;
        }
        Subscription.Endpoint endpoint = active.subscription().endpoint();
        boolean delivered = post(endpoint, head.tenant(), row.context(), head.payload());
        Instant now = clock.instant();
        transactions.inTransaction(connection -> {
            if (delivered) {
                queue.delete(connection, head.sequence());
                subscriptions.recordSuccess(connection, head.tenant(), head.subscriptionId(), now);
                Double throttling = active.subscription().throttlingSeconds();
                if (throttling != null) {
                    queue.holdQueue(connection, head.tenant(), head.subscriptionId(),
                            now.plusMillis((long) (throttling * 1000)));
                }
            } else {
                long backoff = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(head.attempts(), 16));
                queue.retryLater(connection, head.sequence(), now.plusMillis(backoff));
                subscriptions.recordFailure(connection, head.tenant(), head.subscriptionId(), now, maxFailures);
            }
            return null;
        });
    }

    private boolean post(Subscription.Endpoint endpoint, String tenant, JsonNode contextValue, JsonNode payload) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.uri()).timeout(timeout)
                .header("Content-Type", endpoint.accept())
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(payload)));
        if (endpoint.accept().equals("application/json")) {
            String url = contextValue != null && contextValue.isTextual() ? contextValue.asText()
                    : org.meridian.core.ngsild.NgsiLd.CORE_CONTEXT_V1_8;
            request.header("Link", "<" + url + ">; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\"");
        }
        if (!tenant.isEmpty()) {
            request.header("NGSILD-Tenant", tenant);
        }
        endpoint.receiverInfo().forEach(request::header);
        try {
            HttpResponse<Void> response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() >= 200 && response.statusCode() < 300;
        } catch (java.io.IOException | IllegalArgumentException e) {
            LOG.debug("notification to {} failed: {}", endpoint.uri(), e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        wakeDispatcher.release();
        wakeSender.release();
        for (Thread thread : threads) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        dispatchLease.close();
        sendLease.close();
    }
}
