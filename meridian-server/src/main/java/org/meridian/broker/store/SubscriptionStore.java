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
import java.util.Optional;
import org.meridian.core.json.Json;
import org.meridian.core.subscription.StoredSubscription;

/** Subscription rows: the request as sent, its context, and delivery statistics. */
public final class SubscriptionStore {

    private static final String COLUMNS = "tenant, id, body, context, active, expires_at, status, times_sent, times_failed, "
            + "consecutive_failures, last_notification, last_success, last_failure, created_at, owner, owner_departments, owner_roles";

    public boolean insert(Connection connection, String tenant, String id, JsonNode body, JsonNode context, boolean active,
                          Instant expiresAt, Instant now, org.meridian.core.security.Caller owner) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO subscription (tenant, id, body, context, active, expires_at, created_at, modified_at, owner, "
                        + "owner_departments, owner_roles) VALUES (?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            insert.setString(1, tenant);
            insert.setString(2, id);
            insert.setString(3, Json.write(body));
            insert.setString(4, context == null ? null : Json.write(context));
            insert.setBoolean(5, active);
            insert.setTimestamp(6, expiresAt == null ? null : Timestamp.from(expiresAt));
            insert.setTimestamp(7, Timestamp.from(now));
            insert.setTimestamp(8, Timestamp.from(now));
            insert.setString(9, owner.subject());
            insert.setArray(10, connection.createArrayOf("text", owner.departments().toArray()));
            insert.setArray(11, connection.createArrayOf("text", owner.roles().toArray()));
            boolean inserted = insert.executeUpdate() == 1;
            if (inserted) {
                // What is queued under this id belongs to a deleted subscription of the same id (a write that
                // matched it while it was being deleted), not to this one.
                deleteQueue(connection, tenant, id);
            }
            return inserted;
        }
    }

    private static void deleteQueue(Connection connection, String tenant, String id) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM notification WHERE tenant = ? AND subscription_id = ?")) {
            delete.setString(1, tenant);
            delete.setString(2, id);
            delete.executeUpdate();
        }
    }

    /** Replaces the definition; an update also revives a subscription that failed. */
    public boolean update(Connection connection, String tenant, String id, JsonNode body, boolean active, Instant expiresAt,
                          Instant now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE subscription SET body = ?::jsonb, active = ?, expires_at = ?, status = 'active', "
                        + "consecutive_failures = 0, modified_at = ? WHERE tenant = ? AND id = ?")) {
            update.setString(1, Json.write(body));
            update.setBoolean(2, active);
            update.setTimestamp(3, expiresAt == null ? null : Timestamp.from(expiresAt));
            update.setTimestamp(4, Timestamp.from(now));
            update.setString(5, tenant);
            update.setString(6, id);
            return update.executeUpdate() == 1;
        }
    }

    public Optional<StoredSubscription> find(Connection connection, String tenant, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM subscription WHERE tenant = ? AND id = ?")) {
            select.setString(1, tenant);
            select.setString(2, id);
            List<StoredSubscription> rows = read(select);
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
        }
    }

    /** A page of the tenant's subscriptions: all, or (owner not null) those the owner made. */
    public List<StoredSubscription> list(Connection connection, String tenant, String owner, int limit, int offset) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
                + " FROM subscription WHERE tenant = ? AND (?::text IS NULL OR owner = ?) ORDER BY id LIMIT ? OFFSET ?")) {
            select.setString(1, tenant);
            select.setString(2, owner);
            select.setString(3, owner);
            select.setInt(4, limit);
            select.setInt(5, offset);
            return read(select);
        }
    }

    /** A cheap fingerprint of a tenant's subscriptions: it changes whenever one is created, updated or deleted. */
    public String version(Connection connection, String tenant) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT version FROM subscription_version WHERE tenant = ?")) {
            select.setString(1, tenant);
            try (ResultSet result = select.executeQuery()) {
                return result.next() ? String.valueOf(result.getLong(1)) : "0";
            }
        }
    }

    /** Subscriptions that may receive notifications now, for the given tenants. */
    public List<StoredSubscription> deliverable(Connection connection, List<String> tenants) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM subscription "
                + "WHERE tenant = ANY(?) AND active AND status = 'active' AND (expires_at IS NULL OR expires_at > now())")) {
            select.setArray(1, connection.createArrayOf("text", tenants.toArray()));
            return read(select);
        }
    }

    /** Deliverable periodic subscriptions (timeInterval) of every tenant. */
    public List<StoredSubscription> periodic(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM subscription "
                + "WHERE body -> 'timeInterval' IS NOT NULL AND active AND status = 'active' AND (expires_at IS NULL OR expires_at > now())")) {
            return read(select);
        }
    }

    public boolean delete(Connection connection, String tenant, String id) throws SQLException {
        // The queue first: the sender locks a notification, then its subscription (recording a delivery or a failure),
        // and taking them in the other order deadlocked with it.
        deleteQueue(connection, tenant, id);
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM subscription WHERE tenant = ? AND id = ?")) {
            delete.setString(1, tenant);
            delete.setString(2, id);
            return delete.executeUpdate() == 1;
        }
    }

    public void recordSuccess(Connection connection, String tenant, String id, Instant at, long count) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE subscription SET times_sent = times_sent + ?, consecutive_failures = 0, last_notification = ?, "
                        + "last_success = ? WHERE tenant = ? AND id = ?")) {
            update.setLong(1, count);
            update.setTimestamp(2, Timestamp.from(at));
            update.setTimestamp(3, Timestamp.from(at));
            update.setString(4, tenant);
            update.setString(5, id);
            update.executeUpdate();
        }
    }

    /** Counts a failed attempt; after {@code maxFailures} in a row the subscription is marked failed. */
    public void recordFailure(Connection connection, String tenant, String id, Instant at, int maxFailures) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE subscription SET times_sent = times_sent + 1, times_failed = times_failed + 1, "
                        + "consecutive_failures = consecutive_failures + 1, last_notification = ?, last_failure = ?, "
                        + "status = CASE WHEN consecutive_failures + 1 >= ? THEN 'failed' ELSE status END "
                        + "WHERE tenant = ? AND id = ?")) {
            update.setTimestamp(1, Timestamp.from(at));
            update.setTimestamp(2, Timestamp.from(at));
            update.setInt(3, maxFailures);
            update.setString(4, tenant);
            update.setString(5, id);
            update.executeUpdate();
        }
    }

    private static java.util.Set<String> strings(java.sql.Array array) throws SQLException {
        return array == null ? java.util.Set.of() : java.util.Set.of((String[]) array.getArray());
    }

    private static List<StoredSubscription> read(PreparedStatement select) throws SQLException {
        List<StoredSubscription> rows = new ArrayList<>();
        try (ResultSet result = select.executeQuery()) {
            while (result.next()) {
                String context = result.getString("context");
                rows.add(new StoredSubscription(result.getString("tenant"), result.getString("id"), Json.parseTrusted(result.getString("body")),
                        context == null ? null : Json.parseTrusted(context), result.getBoolean("active"),
                        instant(result.getTimestamp("expires_at")), result.getString("status"), result.getLong("times_sent"),
                        result.getLong("times_failed"), result.getInt("consecutive_failures"),
                        instant(result.getTimestamp("last_notification")), instant(result.getTimestamp("last_success")),
                        instant(result.getTimestamp("last_failure")), instant(result.getTimestamp("created_at")),
                        new org.meridian.core.security.Caller(result.getString("tenant"), result.getString("owner"),
                                strings(result.getArray("owner_departments")), strings(result.getArray("owner_roles")))));
            }
        }
        return rows;
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
