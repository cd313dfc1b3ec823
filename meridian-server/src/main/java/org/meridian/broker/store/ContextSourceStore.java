package org.meridian.broker.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.meridian.core.csource.StoredSource;
import org.meridian.core.json.Json;

/**
 * Context source registrations and subscriptions to them: rows of the request as sent and its @context. The two
 * tables have one shape; which one a store serves is fixed when it is made.
 */
public final class ContextSourceStore {
    private final String table;
    private final boolean subscriptions;

    private ContextSourceStore(String table, boolean subscriptions) {
        this.table = table;
        this.subscriptions = subscriptions;
    }

    public static ContextSourceStore registrations() {
        return new ContextSourceStore("csource_registration", false);
    }

    public static ContextSourceStore subscriptions() {
        return new ContextSourceStore("csource_subscription", true);
    }

    private String columns() {
        return "id, body, context, expires_at, created_at, modified_at, owner" + (subscriptions ? ", active" : "");
    }

    /** Inserts; false when the id is taken. */
    public boolean insert(Connection connection, String tenant, StoredSource row) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (tenant, " + columns()
                + ") VALUES (?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?" + (subscriptions ? ", ?" : "") + ") ON CONFLICT DO NOTHING")) {
            insert.setString(1, tenant);
            bind(insert, 2, row);
            return insert.executeUpdate() == 1;
        }
    }

    public boolean update(Connection connection, String tenant, StoredSource row) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + table + " SET body = ?::jsonb, expires_at = ?, "
                + "modified_at = ?" + (subscriptions ? ", active = ?" : "") + " WHERE tenant = ? AND id = ?")) {
            update.setString(1, Json.write(row.body()));
            update.setTimestamp(2, row.expiresAt() == null ? null : Timestamp.from(row.expiresAt()));
            update.setTimestamp(3, Timestamp.from(row.modifiedAt()));
            int next = 4;
            if (subscriptions) {
                update.setBoolean(next++, row.active());
            }
            update.setString(next++, tenant);
            update.setString(next, row.id());
            return update.executeUpdate() == 1;
        }
    }

    private void bind(PreparedStatement statement, int first, StoredSource row) throws SQLException {
        statement.setString(first, row.id());
        statement.setString(first + 1, Json.write(row.body()));
        statement.setString(first + 2, row.context() == null ? null : Json.write(row.context()));
        statement.setTimestamp(first + 3, row.expiresAt() == null ? null : Timestamp.from(row.expiresAt()));
        statement.setTimestamp(first + 4, Timestamp.from(row.createdAt()));
        statement.setTimestamp(first + 5, Timestamp.from(row.modifiedAt()));
        statement.setString(first + 6, row.owner() == null ? "" : row.owner());
        if (subscriptions) {
            statement.setBoolean(first + 7, row.active());
        }
    }

    public Optional<StoredSource> find(Connection connection, String tenant, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + columns() + " FROM " + table
                + " WHERE tenant = ? AND id = ?")) {
            select.setString(1, tenant);
            select.setString(2, id);
            List<StoredSource> rows = read(select);
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
        }
    }

    /** A tenant's rows by id, at most {@code max} (of the owner's only, when given). */
    public List<StoredSource> list(Connection connection, String tenant, String owner, int max) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + columns() + " FROM " + table
                + " WHERE tenant = ?" + (owner != null ? " AND owner = ?" : "") + " ORDER BY id LIMIT ?")) {
            select.setString(1, tenant);
            int next = 2;
            if (owner != null) {
                select.setString(next++, owner);
            }
            select.setInt(next, max);
            return read(select);
        }
    }

    /** Every tenant's active subscriptions with a timeInterval (periodic notifications), with their tenant, in one read. */
    public List<java.util.Map.Entry<String, StoredSource>> periodic(Connection connection) throws SQLException {
        List<java.util.Map.Entry<String, StoredSource>> rows = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT " + columns() + ", tenant FROM " + table
                + " WHERE active AND jsonb_exists(body, 'timeInterval') ORDER BY tenant, id LIMIT 10000")) {
            int tenantColumn = subscriptions ? 9 : 8;
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.add(java.util.Map.entry(result.getString(tenantColumn), row(result)));
                }
            }
        }
        return rows;
    }

    /**
     * Counts a notification in a subscription's NotificationParams (timesSent, lastNotification, lastSuccess or
     * lastFailure, status) in one statement, so a change of the subscription made meanwhile is never written over.
     */
    public void recordNotification(Connection connection, String tenant, String id, boolean delivered, Instant at) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + table + " SET body = jsonb_set(body, '{notification}',"
                + " coalesce(body -> 'notification', '{}'::jsonb) || jsonb_build_object('timesSent',"
                + " coalesce((body -> 'notification' ->> 'timesSent')::bigint, 0) + 1, 'lastNotification', ?::text, ?::text, ?::text,"
                + " 'status', ?::text)) WHERE tenant = ? AND id = ?")) {
            update.setString(1, at.toString());
            update.setString(2, delivered ? "lastSuccess" : "lastFailure");
            update.setString(3, at.toString());
            update.setString(4, delivered ? "ok" : "failed");
            update.setString(5, tenant);
            update.setString(6, id);
            update.executeUpdate();
        }
    }

    public int count(Connection connection, String tenant) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM " + table + " WHERE tenant = ?")) {
            select.setString(1, tenant);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    public boolean delete(Connection connection, String tenant, String id) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE tenant = ? AND id = ?")) {
            delete.setString(1, tenant);
            delete.setString(2, id);
            return delete.executeUpdate() == 1;
        }
    }

    private List<StoredSource> read(PreparedStatement select) throws SQLException {
        List<StoredSource> rows = new ArrayList<>();
        try (ResultSet result = select.executeQuery()) {
            while (result.next()) {
                rows.add(row(result));
            }
        }
        return rows;
    }

    private StoredSource row(ResultSet result) throws SQLException {
        String context = result.getString(3);
        Timestamp expires = result.getTimestamp(4);
        return new StoredSource(result.getString(1), Json.parseTrusted(result.getString(2)),
                context == null ? null : Json.parseTrusted(context), !subscriptions || result.getBoolean(8),
                expires == null ? null : expires.toInstant(), result.getString(7),
                result.getTimestamp(5).toInstant(), result.getTimestamp(6).toInstant());
    }
}
