package org.meridian.broker.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.meridian.core.json.Json;

/** Per-subscription queues of notifications waiting for delivery. */
public final class NotificationStore {
    /** A subscription's queue: notifications queue per tenant and subscription id. */
    public record QueueKey(String tenant, String subscriptionId) {
    }

    /**
     * A queued notification, with the subscription it belongs to as stored now: its body and context as JSON text,
     * parsed only by a sender that has not parsed this version of the subscription yet.
     */
    public record Queued(long sequence, String tenant, String subscriptionId, String payload, int attempts,
                         String subscriptionBody, String subscriptionContext, Instant subscriptionModifiedAt, boolean due) {
        public JsonNode subscriptionContextValue() {
            return subscriptionContext == null ? null : Json.parseTrusted(subscriptionContext);
        }

        public QueueKey queue() {
            return new QueueKey(tenant, subscriptionId);
        }
    }

    /** Stream subscriptions are collected by their clients, not pushed by the sender. */
    private static final String PUSHED = " AND (s.body #>> '{notification,endpoint,uri}') NOT LIKE 'sse:%' ";

    /** Whether a notification's turn has come: not waiting for a retry, its queue not held by throttling. */
    private static final String DUE = "(n.next_attempt_at <= now() AND coalesce(s.hold_until <= now(), true))";

    /** What {@link #read} reads: a notification (n) and its subscription (s), all but whether it is due. */
    private static final String QUEUED = "SELECT n.seq, n.tenant, n.subscription_id, n.payload, n.attempts, s.body, s.context, "
            + "s.modified_at, ";

    /**
     * Joins a notification to the subscription it was queued for: the same id, and the same incarnation of it (not one
     * deleted and created again under that id while the write that queued the notification ran).
     */
    private static final String ITS_SUBSCRIPTION = "s.tenant = n.tenant AND s.id = n.subscription_id "
            + "AND (n.subscription_created_at IS NULL OR n.subscription_created_at = s.created_at)";

    private static final String SELECT = QUEUED + DUE + " FROM notification n JOIN subscription s ON " + ITS_SUBSCRIPTION + " ";

    /** A notification to queue. */
    public record Pending(String tenant, String subscriptionId, Instant subscriptionCreatedAt, JsonNode payload) {
        public QueueKey queue() {
            return new QueueKey(tenant, subscriptionId);
        }
    }

    /** Queues notifications in one statement, keeping their order. */
    public void enqueue(Connection connection, List<Pending> pending) throws SQLException {
        if (pending.isEmpty()) {
            return;
        }
        Object[] tenants = new Object[pending.size()];
        Object[] ids = new Object[pending.size()];
        Object[] created = new Object[pending.size()];
        Object[] payloads = new Object[pending.size()];
        for (int i = 0; i < pending.size(); i++) {
            tenants[i] = pending.get(i).tenant();
            ids[i] = pending.get(i).subscriptionId();
            created[i] = pending.get(i).subscriptionCreatedAt().toString();
            payloads[i] = Json.write(pending.get(i).payload());
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO notification (tenant, subscription_id, subscription_created_at, payload) "
                        + "SELECT r.tenant, r.subscription_id, r.created, r.payload FROM unnest(?::text[], ?::text[], "
                        + "?::timestamptz[], ?::text[]) WITH ORDINALITY AS r(tenant, subscription_id, created, payload, n) ORDER BY r.n")) {
            insert.setArray(1, connection.createArrayOf("text", tenants));
            insert.setArray(2, connection.createArrayOf("text", ids));
            insert.setArray(3, connection.createArrayOf("text", created));
            insert.setArray(4, connection.createArrayOf("text", payloads));
            insert.executeUpdate();
        }
    }

    /** A notification the receiver took. */
    public record Delivered(long sequence, String tenant, String subscriptionId, Instant at) {
    }

    /**
     * Removes delivered notifications and counts them on their subscriptions, in one statement: deliveries complete in
     * groups, so the queue's bookkeeping costs one round trip per group, not one transaction per notification.
     */
    public void complete(Connection connection, List<Delivered> delivered) throws SQLException {
        if (delivered.isEmpty()) {
            return;
        }
        Object[] sequences = new Object[delivered.size()];
        Object[] tenants = new Object[delivered.size()];
        Object[] ids = new Object[delivered.size()];
        Object[] times = new Object[delivered.size()];
        for (int i = 0; i < delivered.size(); i++) {
            Delivered notification = delivered.get(i);
            sequences[i] = notification.sequence();
            tenants[i] = notification.tenant();
            ids[i] = notification.subscriptionId();
            times[i] = notification.at().toString();
        }
        try (PreparedStatement statement = connection.prepareStatement(
                // The statistics count what the DELETE removed, which also makes it run first: notifications are
                // locked before their subscription, the order every other writer of both keeps (a subscription's
                // deletion among them), so none of them can deadlock with this.
                "WITH done AS (DELETE FROM notification WHERE seq = ANY(?) RETURNING seq), "
                        + "counted AS (SELECT d.tenant, d.id, count(*) AS n, max(d.at::timestamptz) AS at "
                        + "FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[]) AS d(seq, tenant, id, at) "
                        + "JOIN done ON done.seq = d.seq GROUP BY d.tenant, d.id) "
                        // A failure recorded after these deliveries (completions are written late) still counts.
                        + "UPDATE subscription s SET times_sent = s.times_sent + c.n, consecutive_failures = CASE WHEN "
                        + "s.last_failure IS NULL OR s.last_failure < c.at THEN 0 ELSE s.consecutive_failures END, "
                        + "last_notification = greatest(s.last_notification, c.at), last_success = greatest(s.last_success, c.at) "
                        + "FROM counted c WHERE s.tenant = c.tenant AND s.id = c.id")) {
            statement.setArray(1, connection.createArrayOf("bigint", sequences));
            statement.setArray(2, connection.createArrayOf("bigint", sequences));
            statement.setArray(3, connection.createArrayOf("text", tenants));
            statement.setArray(4, connection.createArrayOf("text", ids));
            statement.setArray(5, connection.createArrayOf("text", times));
            statement.executeUpdate();
        }
    }

    /** The first notification of every queue whose turn has come, skipping subscriptions not in the active state. */
    public List<Queued> heads(Connection connection, int limit) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                QUEUED + "true FROM ("
                        + " SELECT DISTINCT ON (q.tenant, q.subscription_id) q.* FROM notification q"
                        + " ORDER BY q.tenant, q.subscription_id, q.seq) n"
                        + " JOIN subscription s ON " + ITS_SUBSCRIPTION
                        + " WHERE " + DUE + " AND s.status = 'active' AND s.active" + PUSHED
                        + " ORDER BY n.seq LIMIT ?")) {
            select.setInt(1, limit);
            return read(select);
        }
    }

    /**
     * The notifications of one queue after {@code sequence}, in order, due or not: a drainer delivers them in turn and
     * stops at the first that is not due, so a notification waiting for its retry is never overtaken by a later one.
     */
    public List<Queued> following(Connection connection, String tenant, String subscriptionId, long sequence, int limit)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT
                + "WHERE n.tenant = ? AND n.subscription_id = ? AND n.seq > ? "
                + "AND s.status = 'active' AND s.active" + PUSHED + "ORDER BY n.seq LIMIT ?")) {
            select.setString(1, tenant);
            select.setString(2, subscriptionId);
            select.setLong(3, sequence);
            select.setInt(4, limit);
            return read(select);
        }
    }

    /**
     * The first notifications of each of several queues (at most {@code limit} each), in order, due or not: the queues
     * writes just filled, read in one statement rather than one per queue.
     */
    public Map<QueueKey, List<Queued>> firstOfQueues(Connection connection, java.util.Collection<QueueKey> queues, int limit)
            throws SQLException {
        Object[] tenants = queues.stream().map(QueueKey::tenant).toArray();
        Object[] ids = queues.stream().map(QueueKey::subscriptionId).toArray();
        try (PreparedStatement select = connection.prepareStatement(
                QUEUED + DUE + " FROM unnest(?::text[], ?::text[]) AS q(tenant, subscription_id) CROSS JOIN LATERAL "
                        + "(SELECT * FROM notification WHERE tenant = q.tenant AND subscription_id = q.subscription_id ORDER BY seq LIMIT ?) n "
                        + "JOIN subscription s ON " + ITS_SUBSCRIPTION + " "
                        + "WHERE s.status = 'active' AND s.active" + PUSHED + "ORDER BY n.seq")) {
            select.setArray(1, connection.createArrayOf("text", tenants));
            select.setArray(2, connection.createArrayOf("text", ids));
            select.setInt(3, limit);
            Map<QueueKey, List<Queued>> byQueue = new java.util.HashMap<>();
            for (Queued queued : read(select)) {
                byQueue.computeIfAbsent(queued.queue(), key -> new ArrayList<>()).add(queued);
            }
            return byQueue;
        }
    }

    private static List<Queued> read(PreparedStatement select) throws SQLException {
        List<Queued> queued = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                queued.add(new Queued(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getString(4),
                        rows.getInt(5), rows.getString(6), rows.getString(7), rows.getTimestamp(8).toInstant(), rows.getBoolean(9)));
            }
        }
        return queued;
    }

    /** A stream client's next notifications: those after its position, and through which position were trimmed. */
    public record StreamPage(List<Queued> notifications, long trimmedThrough) {
    }

    /** The notifications of a stream queue after {@code position}, oldest first. */
    public StreamPage after(Connection connection, String tenant, String subscriptionId, long position, int limit)
            throws SQLException {
        List<Queued> notifications;
        try (PreparedStatement select = connection.prepareStatement(SELECT
                + "WHERE n.tenant = ? AND n.subscription_id = ? AND n.seq > ? ORDER BY n.seq LIMIT ?")) {
            select.setString(1, tenant);
            select.setString(2, subscriptionId);
            select.setLong(3, position);
            select.setInt(4, limit);
            notifications = read(select);
        }
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT stream_trimmed_through FROM subscription WHERE tenant = ? AND id = ?")) {
            select.setString(1, tenant);
            select.setString(2, subscriptionId);
            try (ResultSet result = select.executeQuery()) {
                return new StreamPage(notifications, result.next() ? result.getLong(1) : 0);
            }
        }
    }

    /**
     * Trims stream queues to what clients may still ask for: notifications queued within {@code keep}, at most
     * {@code maxPerQueue} per subscription. Each queue loses a prefix, so "trimmed through" is one position.
     */
    public int trimStreams(Connection connection, java.time.Duration keep, int maxPerQueue) throws SQLException {
        try (PreparedStatement trim = connection.prepareStatement("""
                WITH bound AS (
                  SELECT s.tenant, s.id, greatest(
                    (SELECT max(n.seq) FROM notification n WHERE n.tenant = s.tenant AND n.subscription_id = s.id
                       AND n.next_attempt_at < now() - ?::interval),
                    (SELECT n.seq FROM notification n WHERE n.tenant = s.tenant AND n.subscription_id = s.id
                       ORDER BY n.seq DESC OFFSET ? LIMIT 1)) AS through
                  FROM subscription s WHERE (s.body #>> '{notification,endpoint,uri}') LIKE 'sse:%'),
                trimmed AS (
                  DELETE FROM notification n USING bound b
                  WHERE b.through IS NOT NULL AND n.tenant = b.tenant AND n.subscription_id = b.id AND n.seq <= b.through
                  RETURNING n.tenant, n.subscription_id)
                UPDATE subscription s SET stream_trimmed_through = greatest(s.stream_trimmed_through, b.through)
                FROM bound b WHERE b.through IS NOT NULL AND s.tenant = b.tenant AND s.id = b.id
                  AND EXISTS (SELECT 1 FROM trimmed t WHERE t.tenant = b.tenant AND t.subscription_id = b.id)""")) {
            trim.setString(1, keep.toSeconds() + " seconds");
            trim.setInt(2, maxPerQueue);
            return trim.executeUpdate();
        }
    }

    /**
     * Removes notifications whose subscription is gone: queued by a write that matched a subscription deleted (and
     * perhaps created again under its id) while it ran; the queue has no foreign key, which would make every write lock
     * its subscriptions' rows. Never delivered: the sender reads queues joined with their subscription's incarnation.
     */
    public int deleteOrphans(Connection connection) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM notification n WHERE NOT EXISTS "
                + "(SELECT 1 FROM subscription s WHERE " + ITS_SUBSCRIPTION + ")")) {
            return delete.executeUpdate();
        }
    }

    public void delete(Connection connection, long sequence) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM notification WHERE seq = ?")) {
            delete.setLong(1, sequence);
            delete.executeUpdate();
        }
    }

    public void retryLater(Connection connection, long sequence, Instant at) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE notification SET attempts = attempts + 1, next_attempt_at = ? WHERE seq = ?")) {
            update.setTimestamp(1, Timestamp.from(at));
            update.setLong(2, sequence);
            update.executeUpdate();
        }
    }

    /** Holds back a whole queue until the given time (throttling), notifications queued later included. */
    public void holdQueue(Connection connection, String tenant, String subscriptionId, Instant until) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE subscription SET hold_until = greatest(hold_until, ?) WHERE tenant = ? AND id = ?")) {
            update.setTimestamp(1, Timestamp.from(until));
            update.setString(2, tenant);
            update.setString(3, subscriptionId);
            update.executeUpdate();
        }
    }
}
