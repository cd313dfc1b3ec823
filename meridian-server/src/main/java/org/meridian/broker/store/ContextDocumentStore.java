package org.meridian.broker.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.meridian.core.json.Json;
import org.meridian.core.jsonld.StoredContext;

/** Rows of the {@code @context} store. */
public final class ContextDocumentStore {

    public void insert(Connection connection, String localId, String url, String kind, JsonNode body) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO jsonld_context (local_id, url, kind, body) VALUES (?, ?, ?, ?::jsonb) "
                        + "ON CONFLICT (url) DO UPDATE SET body = excluded.body, kind = excluded.kind")) {
            insert.setString(1, localId);
            insert.setString(2, url);
            insert.setString(3, kind);
            insert.setString(4, Json.write(body));
            insert.executeUpdate();
        }
    }

    public Optional<StoredContext> findByUrlOrId(Connection connection, String urlOrId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT local_id, url, kind, body, created_at, last_usage, number_of_hits FROM jsonld_context "
                        + "WHERE url = ? OR local_id = ?")) {
            select.setString(1, urlOrId);
            select.setString(2, urlOrId);
            List<StoredContext> found = read(select);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
        }
    }

    public List<StoredContext> list(Connection connection, String kind) throws SQLException {
        String sql = "SELECT local_id, url, kind, body, created_at, last_usage, number_of_hits FROM jsonld_context"
                + (kind == null ? "" : " WHERE lower(kind) = lower(?)") + " ORDER BY created_at, url";
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            if (kind != null) {
                select.setString(1, kind);
            }
            return read(select);
        }
    }

    public boolean delete(Connection connection, String localId) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM jsonld_context WHERE local_id = ?")) {
            delete.setString(1, localId);
            return delete.executeUpdate() > 0;
        }
    }

    /** Adds uses counted by a node (each node writes its own counts when usage is read on it). */
    public void recordUse(Connection connection, String urlOrId, long uses) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE jsonld_context SET last_usage = now(), number_of_hits = number_of_hits + ? WHERE url = ? OR local_id = ?")) {
            update.setLong(1, uses);
            update.setString(2, urlOrId);
            update.setString(3, urlOrId);
            update.executeUpdate();
        }
    }

    private static List<StoredContext> read(PreparedStatement select) throws SQLException {
        List<StoredContext> contexts = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                var lastUsage = rows.getTimestamp("last_usage");
                contexts.add(new StoredContext(rows.getString("local_id"), rows.getString("url"), rows.getString("kind"),
                        Json.parseTrusted(rows.getString("body")), rows.getTimestamp("created_at").toInstant(),
                        lastUsage == null ? null : lastUsage.toInstant(), rows.getLong("number_of_hits")));
            }
        }
        return contexts;
    }
}
