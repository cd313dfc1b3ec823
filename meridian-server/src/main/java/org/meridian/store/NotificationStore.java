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
import org.meridian.core.json.Json;

/** Per-subscription queues of notifications waiting for delivery. */
public final class NotificationStore {
    /** A queued notification. */
    public record Queued(long sequence, String tenant, String subscriptionId, JsonNode payload, int attempts) {
    }

    public void enqueue(Connection connection, String tenant, String subscriptionId, JsonNode payload) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO notification (tenant, subscription_id, payload) VALUES (?, ?, ?::jsonb)")) {
            insert.setString(1, tenant);
            insert.setString(2, subscriptionId);
            insert.setString(3, Json.write(payload));
            insert.executeUpdate();
        }
    }

    /** The first notification of every queue whose turn has come, skipping subscriptions not in the active state. */
    public List<Queued> heads(Connection connection, int limit) throws SQLException {
        List<Queued> heads = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT h.seq, h.tenant, h.subscription_id, h.payload, h.attempts FROM ("
                        + " SELECT DISTINCT ON (n.tenant, n.subscription_id) n.* FROM notification n"
                        + " ORDER BY n.tenant, n.subscription_id, n.seq) h"
                        + " JOIN subscription s ON s.tenant = h.tenant AND s.id = h.subscription_id"
                        + " WHERE h.next_attempt_at <= now() AND s.status = 'active' AND s.active"
                        + " ORDER BY h.seq LIMIT ?")) {
            select.setInt(1, limit);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    heads.add(new Queued(rows.getLong(1), rows.getString(2), rows.getString(3),
                            Json.parseTrusted(rows.getString(4)), rows.getInt(5)));
                }
            }
        }
        return heads;
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
