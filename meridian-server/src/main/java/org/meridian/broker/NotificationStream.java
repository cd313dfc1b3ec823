package org.meridian.broker;

import java.time.Clock;
import java.util.List;
import org.meridian.core.error.MeridianException;
import org.meridian.store.NotificationStore;
import org.meridian.store.SubscriptionStore;
import org.meridian.store.TenantStore;
import org.meridian.store.Transactions;

/**
 * Collects the queued notifications of an {@code sse:} subscription for a server-sent-events client. The queue lives in
 * the database, so a client may connect to any node, and what arrives while no client listens waits for the next one.
 */
public final class NotificationStream {
    /** Receives notifications; returns false when the client has gone. */
    @FunctionalInterface
    public interface Sink {
        boolean send(long sequence, String notification);
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
    public void require(String tenant, String subscriptionId) {
        SubscriptionStore.Row row = transactions.readOnly(connection -> {
            tenants.require(connection, tenant);
            return subscriptions.find(connection, tenant, subscriptionId)
                    .orElseThrow(() -> MeridianException.notFound("No subscription " + subscriptionId));
        });
        String uri = row.body().path("notification").path("endpoint").path("uri").asText("");
        if (!uri.startsWith("sse:")) {
            throw MeridianException.badData("The subscription " + subscriptionId + " delivers to " + uri
                    + "; only subscriptions with an sse: endpoint can be streamed");
        }
    }

    /**
     * Sends what is queued, oldest first, and removes it once sent.
     *
     * @return how many notifications were sent, or -1 when the client has gone
     */
    public int drain(String tenant, String subscriptionId, Sink sink) {
        List<NotificationStore.Queued> queued = transactions.readOnly(connection -> queue.oldest(connection, tenant, subscriptionId, 100));
        long last = -1;
        int sent = 0;
        for (NotificationStore.Queued notification : queued) {
            if (!sink.send(notification.sequence(), notification.payload())) {
                break;
            }
            last = notification.sequence();
            sent++;
        }
        if (last >= 0) {
            long through = last;
            int count = sent;
            transactions.inTransaction(connection -> {
                queue.deleteThrough(connection, tenant, subscriptionId, through);
                subscriptions.recordSuccess(connection, tenant, subscriptionId, clock.instant(), count);
                return null;
            });
        }
        return sent < queued.size() ? -1 : sent;
    }
}
