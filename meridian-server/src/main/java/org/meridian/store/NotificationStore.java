package org.meridian.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.meridian.core.json.Json;

/** Per-subscription queues of notifications waiting for delivery. */
public final class NotificationStore {
    /** A queued notification, with the subscription it belongs to as stored now. */
    public record Queued(long sequence, String tenant, String subscriptionId, JsonNode payload, int attempts,
                         JsonNode subscriptionBody, JsonNode subscriptionContext, Instant subscriptionModifiedAt) {
    }

    /** Stream subscriptions are collected by their clients, not pushed by the sender. */
    private static final String PUSHED = " AND (s.body #>> '{notification,endpoint,uri}') NOT LIKE 'sse:%' ";

    private static final String SELECT = "SELECT n.seq, n.tenant, n.subscription_id, n.payload, n.attempts, s.body, s.context, "
            + "s.modified_at FROM notification n JOIN subscription s ON s.tenant = n.tenant AND s.id = n.subscription_id ";

    /** A notification to queue. */
    public record Pending(String tenant, String subscriptionId, JsonNode payload) {
    }

    /** Queues notifications in one statement, keeping their order. */
    public void enqueue(Connection connection, List<Pending> pending) throws SQLException {
        if (pending.isEmpty()) {
            return;
        }
        com.fasterxml.jackson.databind.node.ArrayNode rows = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        for (Pending notification : pending) {
            rows.addObject().put("tenant", notification.tenant()).put("subscription_id", notification.subscriptionId())
                    .set("payload", notification.payload());
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO notification (tenant, subscription_id, payload) SELECT r.tenant, r.subscription_id, r.payload "
                        + "FROM ROWS FROM (jsonb_to_recordset(?::jsonb) AS (tenant text, subscription_id text, payload jsonb)) "
                        + "WITH ORDINALITY AS r(tenant, subscription_id, payload, n) ORDER BY r.n")) {
            insert.setString(1, Json.write(rows));
            insert.executeUpdate();
        }
    }

    /**
     * Removes a delivered notification, counts the success on its subscription, and returns the queue's next due
     * notification: one round trip where three would do the same.
     */
    public Optional<Queued> completeAndNext(Connection connection, Queued delivered, Instant at) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "WITH done AS (DELETE FROM notification WHERE seq = ?), "
                        + "counted AS (UPDATE subscription SET times_sent = times_sent + 1, consecutive_failures = 0, "
                        + "last_notification = ?, last_success = ? WHERE tenant = ? AND id = ?) "
                        + SELECT + "WHERE n.tenant = ? AND n.subscription_id = ? AND n.seq > ? AND n.next_attempt_at <= now() "
                        + "AND s.status = 'active' AND s.active ORDER BY n.seq LIMIT 1")) {
            statement.setLong(1, delivered.sequence());
            statement.setTimestamp(2, Timestamp.from(at));
            statement.setTimestamp(3, Timestamp.from(at));
            statement.setString(4, delivered.tenant());
            statement.setString(5, delivered.subscriptionId());
            statement.setString(6, delivered.tenant());
            statement.setString(7, delivered.subscriptionId());
            statement.setLong(8, delivered.sequence());
            List<Queued> next = read(statement);
            return next.isEmpty() ? Optional.empty() : Optional.of(next.getFirst());
        }
    }

    /** The first notification of every queue whose turn has come, skipping subscriptions not in the active state. */
    public List<Queued> heads(Connection connection, int limit) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT h.seq, h.tenant, h.subscription_id, h.payload, h.attempts, s.body, s.context, s.modified_at FROM ("
                        + " SELECT DISTINCT ON (n.tenant, n.subscription_id) n.* FROM notification n"
                        + " ORDER BY n.tenant, n.subscription_id, n.seq) h"
                        + " JOIN subscription s ON s.tenant = h.tenant AND s.id = h.subscription_id"
                        + " WHERE h.next_attempt_at <= now() AND s.status = 'active' AND s.active" + PUSHED
                        + " ORDER BY h.seq LIMIT ?")) {
            select.setInt(1, limit);
            return read(select);
        }
    }

    /** The next notification of one queue after {@code sequence}, if it is due. */
    public Optional<Queued> next(Connection connection, String tenant, String subscriptionId, long sequence) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT
                + "WHERE n.tenant = ? AND n.subscription_id = ? AND n.seq > ? AND n.next_attempt_at <= now() "
                + "AND s.status = 'active' AND s.active" + PUSHED + "ORDER BY n.seq LIMIT 1")) {
            select.setString(1, tenant);
            select.setString(2, subscriptionId);
            select.setLong(3, sequence);
            List<Queued> found = read(select);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
        }
    }

    private static List<Queued> read(PreparedStatement select) throws SQLException {
        List<Queued> queued = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                String context = rows.getString(7);
                queued.add(new Queued(rows.getLong(1), rows.getString(2), rows.getString(3), Json.parseTrusted(rows.getString(4)),
                        rows.getInt(5), Json.parseTrusted(rows.getString(6)), context == null ? null : Json.parseTrusted(context),
                        rows.getTimestamp(8).toInstant()));
            }
        }
        return queued;
    }

    /** The oldest notifications of one queue, for a stream client to collect. */
    public List<Queued> oldest(Connection connection, String tenant, String subscriptionId, int limit) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT
                + "WHERE n.tenant = ? AND n.subscription_id = ? ORDER BY n.seq LIMIT ?")) {
            select.setString(1, tenant);
            select.setString(2, subscriptionId);
            select.setInt(3, limit);
            return read(select);
        }
    }

    /** Removes a queue's notifications up to and including {@code sequence} (they were streamed). */
    public void deleteThrough(Connection connection, String tenant, String subscriptionId, long sequence) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM notification WHERE tenant = ? AND subscription_id = ? AND seq <= ?")) {
            delete.setString(1, tenant);
            delete.setString(2, subscriptionId);
            delete.setLong(3, sequence);
            delete.executeUpdate();
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

    /** Holds back a whole queue until the given time (throttling). */
    public void holdQueue(Connection connection, String tenant, String subscriptionId, Instant until) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE notification SET next_attempt_at = greatest(next_attempt_at, ?) WHERE tenant = ? AND subscription_id = ?")) {
            update.setTimestamp(1, Timestamp.from(until));
            update.setString(2, tenant);
            update.setString(3, subscriptionId);
            update.executeUpdate();
        }
    }
}
