package org.meridian.broker;

import java.time.Clock;
import java.time.Duration;
import org.meridian.broker.store.NotificationStore;
import org.meridian.broker.store.SubscriptionStore;
import org.meridian.core.error.MeridianException;
import org.meridian.core.security.Caller;
import org.meridian.core.subscription.StoredSubscription;
import org.meridian.platform.db.TenantStore;
import org.meridian.platform.db.Transactions;

/**
 * The notifications of an {@code sse:} subscription for server-sent-events clients. They stay queued for
 * {@link #KEEP} (at most {@link #MAX_KEPT} per subscription) and every client reads them from its own position, so
 * several clients of one subscription (two operators' screens) each get every notification; a client that reconnects
 * with its last event id resumes where it was; and a client that fell further behind than what is kept is told through
 * which position it missed notifications. The queue lives in the database, so a client may connect to any node, and
 * what arrives while no client listens waits for the next one.
 */
public final class NotificationStream {
    public static final Duration KEEP = Duration.ofMinutes(10);
    public static final int MAX_KEPT = 10_000;
    private static final int PAGE = 100;

    /** Receives a client's notifications; each method returns false when the client has gone. */
    public interface Sink {
        boolean send(long position, String notification);

        /** Notifications after the client's position, through {@code position}, were trimmed before it read them. */
        boolean missed(long position);
    }

    private final Transactions transactions;
    private final NotificationStore queue;
    private final SubscriptionStore subscriptions;
    private final TenantStore tenants;
    private final Clock clock;

    public NotificationStream(Transactions transactions, NotificationStore queue, SubscriptionStore subscriptions,
                              TenantStore tenants, Clock clock) {
        this.transactions = transactions;
        this.queue = queue;
        this.subscriptions = subscriptions;
        this.tenants = tenants;
        this.clock = clock;
    }

    /** Checks that the subscription exists and is a stream subscription. */
    public void require(Caller caller, String subscriptionId) {
        String tenant = caller.tenant();
        StoredSubscription row = transactions.readOnly(connection -> {
            tenants.require(connection, tenant);
            return SubscriptionService.owned(caller, subscriptions.find(connection, tenant, subscriptionId), subscriptionId);
        });
        String uri = row.body().path("notification").path("endpoint").path("uri").asText("");
        if (!uri.startsWith("sse:")) {
            throw MeridianException.badData("The subscription " + subscriptionId + " delivers to " + uri
                    + "; only subscriptions with an sse: endpoint can be streamed");
        }
    }

    /**
     * Sends a client the notifications after its position (0: all that are kept).
     *
     * @return the client's new position, or -1 when it has gone
     */
    public long drain(Caller caller, String subscriptionId, long position, Sink sink) {
        String tenant = caller.tenant();
        NotificationStore.StreamPage page = transactions.readOnly(connection ->
                queue.after(connection, tenant, subscriptionId, position, PAGE));
        long current = position;
        if (current > 0 && current < page.trimmedThrough()) {
            if (!sink.missed(page.trimmedThrough())) {
                return -1;
            }
            current = page.trimmedThrough();
        }
        int sent = 0;
        for (NotificationStore.Queued notification : page.notifications()) {
            if (!sink.send(notification.sequence(), notification.payload())) {
                return -1;
            }
            current = notification.sequence();
            sent++;
        }
        if (sent > 0) {
            int count = sent;
            transactions.inRelaxedTransaction(connection -> {
                subscriptions.recordSuccess(connection, tenant, subscriptionId, clock.instant(), count);
                return null;
            });
        }
        return current;
    }

    /** Drops what no client may ask for any more; run periodically by one node. */
    public int trim() {
        return transactions.inTransaction(connection -> queue.trimStreams(connection, KEEP, MAX_KEPT));
    }
}
