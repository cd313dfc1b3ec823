package org.meridian.broker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.meridian.broker.delivery.DeliveryChannels;
import org.meridian.broker.delivery.Notification;
import org.meridian.broker.store.EntityQueries;
import org.meridian.broker.store.NotificationStore.QueueKey;
import org.meridian.broker.store.NotificationStore;
import org.meridian.broker.store.OutboxStore;
import org.meridian.broker.store.SubscriptionStore;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;
import org.meridian.core.json.Json;
import org.meridian.core.subscription.Subscription;
import org.meridian.platform.ExpiringCache;
import org.meridian.platform.db.Lease;
import org.meridian.platform.db.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the notifications that writes queue.
 *
 * <p>A write matches its changes against the subscriptions and queues their notifications in its own transaction
 * ({@link SubscriptionMatcher}), then names the queues it filled to the sender here. The sender, on one node of a
 * cluster at a time (a {@link Lease}), delivers every queue concurrently, in order, removing a notification only when
 * the receiver answered 2xx. A crash at any point leaves the notification in the database: delivery is at least once,
 * in order per entity (writes of one entity are serialised by its row lock, so their notifications queue in commit
 * order; writes of different entities may commit in another order than they queued), and a slow or dead receiver
 * holds up only its own queue. The dispatcher (also under a
 * lease) queues periodic notifications, and matches outbox events left by a version that queued through the outbox.
 */
public final class Notifications implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);
    private static final int BATCH = 500;
    /**
     * How many notifications of one queue a drainer reads at once. Small: a read batch is sent without reading the
     * subscription again, so a deleted or paused subscription may still receive what was read before the change.
     */
    private static final int FOLLOWING = 10;
    /** How many filled queues the sender reads in one statement. */
    private static final int QUEUES_PER_READ = 200;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    /** How long the completer lets completions gather after writing some: at most this much later in the statistics. */
    private static final long COMPLETION_GATHERING_MILLIS = 20;

    private final Transactions transactions;
    private final OutboxStore outbox;
    private final SubscriptionStore subscriptions;
    private final NotificationStore queue;
    private final SubscriptionMatcher matcher;
    private final Clock clock;
    private final int maxFailures;
    private final DeliveryChannels channels;
    private final Lease dispatchLease;
    private final Lease sendLease;
    private final Semaphore wakeDispatcher = new Semaphore(0);
    private final Semaphore wakeSender = new Semaphore(0);
    private final Semaphore wakeCompleter = new Semaphore(0);
    /** Deliveries whose completion is not written yet. */
    private final java.util.Queue<NotificationStore.Delivered> completions = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Set<QueueKey> inFlight = ConcurrentHashMap.newKeySet();
    /** Queues writes filled, for the sender to drain. */
    private final java.util.Queue<QueueKey> filled = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Queues filled while their drainer was running: it looks again before it stops. */
    private final Set<QueueKey> lookAgain = ConcurrentHashMap.newKeySet();
    private long nextHeadsScan = System.nanoTime();
    /**
     * Notifications this node delivered lately, whose removal may not be written (or read) yet: never sent twice by it.
     * Bounded; a notification whose completion was lost (a PostgreSQL crash under a relaxed commit) is sent again once
     * it has left this set, or after a restart (at least once).
     */
    private final Set<Long> deliveredRecently = java.util.Collections.newSetFromMap(java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(1024, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                    return size() > 200_000;
                }
            }));
    /** Parsed subscriptions by tenant, id and modification time, so a delivery does not parse its subscription. */
    private final ExpiringCache<String, SubscriptionMatcher.Active> parsed = new ExpiringCache<>(Duration.ofSeconds(60), 10_000);
    private final PeriodicNotifications periodic;
    private volatile boolean running = true;
    /** Whether this node holds the send lease, as the sender loop last saw: read by writers, never a round trip. */
    private volatile boolean sending;
    /** Until the outbox was found empty once: events left there by an earlier version are matched, then never again. */
    private boolean outboxMayHaveEvents = true;
    private long nextOrphanSweep = System.nanoTime();
    private final List<Thread> threads = new ArrayList<>();

    /** Delivery settings. */
    public record Options(int maxFailures, int maxQueryTerms) {
    }

    public Notifications(DataSource dataSource, Transactions transactions, OutboxStore outbox, SubscriptionStore subscriptions,
                         NotificationStore queue, ContextService contexts, EntityQueries entityQueries, QueryPlanner planner,
                         ReadPolicies policies, DeliveryChannels channels, Clock clock, Options options) {
        this.transactions = transactions;
        this.outbox = outbox;
        this.subscriptions = subscriptions;
        this.queue = queue;
        this.matcher = new SubscriptionMatcher(subscriptions, contexts, options.maxQueryTerms(), policies);
        this.periodic = new PeriodicNotifications(transactions, subscriptions, queue, matcher, entityQueries, planner, policies,
                clock);
        this.clock = clock;
        this.maxFailures = options.maxFailures();
        this.channels = channels;
        this.dispatchLease = new Lease(dataSource, 0x4d455249_00000001L, "notification matching");
        this.sendLease = new Lease(dataSource, 0x4d455249_00000002L, "notification delivery");
    }

    public void start() {
        threads.add(Thread.ofVirtual().name("meridian-dispatcher").start(() -> loop(dispatchLease, wakeDispatcher, this::dispatch)));
        threads.add(Thread.ofVirtual().name("meridian-sender").start(() -> loop(sendLease, wakeSender, this::send)));
        threads.add(Thread.ofVirtual().name("meridian-completer").start(() -> loop(null, wakeCompleter, this::complete)));
    }

    SubscriptionMatcher matcher() {
        return matcher;
    }

    /**
     * Called after a write that queued notifications committed, with the queues it filled: named only once committed
     * (a drainer reading earlier would find nothing), and only where they are sent.
     */
    void filled(java.util.Collection<QueueKey> queues) {
        if (sending) {
            filled.addAll(queues);
        }
        wakeSender.release();
    }

    private interface Step {
        int run();
    }

    private void loop(Lease lease, Semaphore wake, Step step) {
        while (running) {
            try {
                boolean held = lease == null || lease.held();
                if (lease == sendLease) {
                    sending = held;
                }
                int done = held ? step.run() : 0;
                if (done == 0) {
                    wake.tryAcquire(held ? 200 : 5_000, TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (isOutage(e)) {
                    LOG.debug("notification loop waits for the database: {}", e.getMessage());
                } else {
                    LOG.error("notification loop failed, retrying in 1 s: {}", e.toString(), e);
                }
                sleepQuietly(1_000);
            }
        }
    }

    /** Queues periodic notifications that are due, and matches outbox events left by an earlier version; returns how many. */
    private int dispatch() {
        int periodic;
        try {
            periodic = this.periodic.queueDue();
            if (periodic > 0) {
                wakeSender.release();
            }
        } catch (RuntimeException e) {
            // Periodic notifications must never hold up the rest.
            if (!isOutage(e)) {
                LOG.error("periodic notifications failed, retrying in a second: {}", e.toString(), e);
            }
            periodic = 0;
        }
        long now = System.nanoTime();
        if (now - nextOrphanSweep >= 0) {
            // Once a minute: what a write queued for a subscription deleted while it ran (never delivered, see
            // NotificationStore#deleteOrphans), stream notifications kept long enough (NotificationStream), and outbox
            // events from a node of an earlier version (a rolling upgrade).
            nextOrphanSweep = now + 60_000_000_000L;
            transactions.inTransaction(connection -> queue.deleteOrphans(connection)
                    + queue.trimStreams(connection, NotificationStream.KEEP, NotificationStream.MAX_KEPT));
            outboxMayHaveEvents = true;
        }
        return periodic + (outboxMayHaveEvents ? matchOutbox() : 0);
    }

    /**
     * Matches a batch of events from the outbox, where versions before writes queued their notifications themselves
     * put every change; runs until the outbox is empty once (after an upgrade), in the order of the events.
     */
    private int matchOutbox() {
        Set<QueueKey> queued = new java.util.LinkedHashSet<>();
        int handled = transactions.inTransaction(connection -> {
            queued.clear();
            List<OutboxStore.Event> events = outbox.claim(connection, BATCH);
            Instant now = clock.instant();
            List<NotificationStore.Pending> pending = new ArrayList<>();
            for (OutboxStore.Event event : events) {
                // The matcher skips (and logs) a subscription that cannot be evaluated: no event blocks the others.
                pending.addAll(matcher.notifications(event.tenant(), matcher.subscribers(connection, event.tenant()),
                        List.of(event.change()), now, connection));
            }
            queue.enqueue(connection, pending);
            outbox.delete(connection, events.stream().map(OutboxStore.Event::sequence).toList());
            pending.forEach(notification -> queued.add(notification.queue()));
            return events.size();
        });
        if (handled == 0) {
            outboxMayHaveEvents = false;
        } else {
            filled(queued);
        }
        return handled;
    }

    /**
     * Starts a drainer for every queue that may have a due notification and none running; returns how many started.
     * The queues writes just filled are named to the sender in memory, and their first notifications are read in one
     * statement for many queues (a read per queue was the pipeline's most frequent statement). A scan of all queues'
     * heads (one query over the whole table) runs once a second for the rest: retries that came due, throttled
     * queues, queues filled before a restart or by another node. Each drainer delivers its queue in order until it is
     * empty, not yet due, or failing.
     */
    private int send() {
        Set<QueueKey> claimed = new java.util.LinkedHashSet<>();
        for (QueueKey key = filled.poll(); key != null; key = filled.poll()) {
            if (claim(key)) {
                claimed.add(key);
            }
        }
        int started = 0;
        List<QueueKey> waiting = new ArrayList<>(claimed);
        for (int from = 0; from < waiting.size(); from += QUEUES_PER_READ) {
            // In slices: one statement's result stays small however many queues a burst of writes filled.
            List<QueueKey> slice = waiting.subList(from, Math.min(waiting.size(), from + QUEUES_PER_READ));
            Map<QueueKey, List<NotificationStore.Queued>> first;
            try {
                first = transactions.readOnly(connection -> queue.firstOfQueues(connection, slice, FOLLOWING));
            } catch (RuntimeException e) {
                List<QueueKey> unread = waiting.subList(from, waiting.size());
                unread.forEach(this::release);
                filled.addAll(unread);
                throw e;
            }
            for (QueueKey key : slice) {
                List<NotificationStore.Queued> due = first.getOrDefault(key, List.of());
                if (due.isEmpty()) {
                    release(key); // delivered meanwhile by a drainer that just stopped, or a stream's queue
                } else {
                    startDrainer(key, due, true);
                    started++;
                }
            }
        }
        long now = System.nanoTime();
        if (now - nextHeadsScan >= 0) {
            nextHeadsScan = now + 1_000_000_000L;
            for (NotificationStore.Queued head : transactions.readOnly(connection -> queue.heads(connection, 500))) {
                QueueKey key = head.queue();
                if (claim(key)) {
                    startDrainer(key, List.of(head), false);
                    started++;
                }
            }
        }
        return started;
    }

    /** Takes a queue for one drainer; when one is at it already, that one is told to look again before it stops. */
    private boolean claim(QueueKey key) {
        while (!inFlight.add(key)) {
            lookAgain.add(key);
            if (inFlight.contains(key)) {
                return false; // the running drainer sees lookAgain when it stops, or has not stopped yet
            }
        }
        return true;
    }

    private void release(QueueKey key) {
        inFlight.remove(key);
        if (lookAgain.remove(key)) {
            filled.add(key);
            wakeSender.release();
        }
    }

    /** Drains a claimed queue on a virtual thread of its own, starting with the notifications given. */
    private void startDrainer(QueueKey key, List<NotificationStore.Queued> first, boolean wholeQueue) {
        Thread.ofVirtual().name("meridian-notify").start(() -> {
            try {
                drain(key, first, wholeQueue);
            } catch (RuntimeException e) {
                if (running) { // when stopping, the database may close under a delivery: it is made again after the restart
                    LOG.error("delivery to subscription {} failed unexpectedly: {}", key.subscriptionId(), e.toString(), e);
                }
            } finally {
                release(key);
            }
        });
    }

    /**
     * Delivers a queue in order, from the notifications given (the start of the queue when {@code wholeQueue}, at
     * most {@link #FOLLOWING} of them, else only its head) until it is empty or reaches a notification that is not
     * due (waiting for a retry, or held by throttling): nothing overtakes it.
     */
    private void drain(QueueKey key, List<NotificationStore.Queued> first, boolean wholeQueue) {
        long after = Long.MIN_VALUE;
        List<NotificationStore.Queued> due = first;
        while (running && !due.isEmpty()) {
            for (NotificationStore.Queued current : due) {
                after = current.sequence();
                if (deliveredRecently.contains(current.sequence())) {
                    continue; // delivered; its completion is not written yet
                }
                if (!current.due() || !deliver(current)) {
                    return;
                }
                deliveredRecently.add(current.sequence());
            }
            if (wholeQueue && due.size() < FOLLOWING) {
                // The read had the rest of the queue. Whatever is queued since was named to the sender, which starts
                // this queue again once this drainer stops (lookAgain), or is found by the heads scan.
                return;
            }
            due = following(key, after);
            wholeQueue = true;
        }
    }

    private List<NotificationStore.Queued> following(QueueKey key, long after) {
        return transactions.readOnly(connection -> queue.following(connection, key.tenant(), key.subscriptionId(), after, FOLLOWING));
    }

    /** Delivers one notification; returns whether the next of its queue may follow now. */
    private boolean deliver(NotificationStore.Queued head) {
        SubscriptionMatcher.Active active = parsed.get(head.tenant() + "\n" + head.subscriptionId() + "\n" + head.subscriptionModifiedAt(),
                key -> matcher.activate(head.tenant(), head.subscriptionId(), Json.parseTrusted(head.subscriptionBody()),
                        head.subscriptionContextValue()));
        if (active == null) {
            return false;
        }
        Subscription.Endpoint endpoint = active.subscription().endpoint();
        boolean delivered = channels.push(new Notification(endpoint, head.tenant(), Notification.presentedContext(
                Json.parseTrusted(head.subscriptionBody()), head.subscriptionContextValue()), head.payload()));
        Instant now = clock.instant();
        Double throttling = active.subscription().throttlingSeconds();
        if (delivered && throttling == null) {
            completions.add(new NotificationStore.Delivered(head.sequence(), head.tenant(), head.subscriptionId(), now));
            wakeCompleter.release();
            return true;
        }
        transactions.inTransaction(connection -> {
            if (delivered) {
                queue.delete(connection, head.sequence());
                subscriptions.recordSuccess(connection, head.tenant(), head.subscriptionId(), now, 1);
                queue.holdQueue(connection, head.tenant(), head.subscriptionId(), now.plusMillis((long) (throttling * 1000)));
            } else {
                long backoff = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(head.attempts(), 16));
                queue.retryLater(connection, head.sequence(), now.plusMillis(backoff));
                subscriptions.recordFailure(connection, head.tenant(), head.subscriptionId(), now, maxFailures);
            }
            return null;
        });
        return false;
    }

    /**
     * Writes the completions of deliveries, whatever has accumulated since the last write, in one relaxed commit. A
     * completion lost in a crash only means its notification is delivered again (at least once); one that fails to be
     * written is kept and tried again, since this node will not deliver that notification a second time.
     */
    private int complete() {
        List<NotificationStore.Delivered> batch = new ArrayList<>();
        NotificationStore.Delivered next;
        while (batch.size() < BATCH && (next = completions.poll()) != null) {
            batch.add(next);
        }
        if (batch.isEmpty()) {
            return 0;
        }
        try {
            transactions.inRelaxedTransaction(connection -> {
                queue.complete(connection, batch);
                return null;
            });
        } catch (RuntimeException e) {
            completions.addAll(batch);
            throw e;
        }
        if (running && batch.size() < BATCH) {
            // Lets completions gather: under load one statement then removes tens of notifications instead of a
            // handful (measured: 7,165 completion transactions for 30,000 notifications without the pause).
            sleepQuietly(COMPLETION_GATHERING_MILLIS);
        }
        return batch.size();
    }

    /** The database does not answer: DatabaseProbe has said so once, the loops need not say it every second. */
    private static boolean isOutage(RuntimeException e) {
        return e instanceof MeridianException problem && problem.type() == ErrorType.SERVICE_UNAVAILABLE;
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
        wakeCompleter.release();
        for (Thread thread : threads) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            while (complete() > 0) {
                // the deliveries made up to the stop
            }
        } catch (RuntimeException e) {
            LOG.warn("{} delivered notifications not marked as such; they will be delivered again", completions.size());
        }
        dispatchLease.close();
        sendLease.close();
        channels.close();
    }
}
