package org.meridian.ingest.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.meridian.core.json.Json;

/** Import mappings by tenant and name, kept as the client wrote them. */
public final class ImportMappingStore {

    /** Returns true when the mapping was created, false when it replaced one. */
    public boolean save(Connection connection, String tenant, String name, JsonNode mapping, Instant now) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(
                "INSERT INTO import_mapping (tenant, name, mapping, modified_at) VALUES (?, ?, ?::jsonb, ?) "
                        + "ON CONFLICT (tenant, name) DO UPDATE SET mapping = excluded.mapping, modified_at = excluded.modified_at "
                        + "RETURNING (xmax = 0)")) {
            upsert.setString(1, tenant);
            upsert.setString(2, name);
            upsert.setString(3, Json.write(mapping));
            upsert.setTimestamp(4, Timestamp.from(now));
            try (ResultSet row = upsert.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }

    public Optional<JsonNode> find(Connection connection, String tenant, String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT mapping FROM import_mapping WHERE tenant = ? AND name = ?")) {
            select.setString(1, tenant);
            select.setString(2, name);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(Json.parseTrusted(row.getString(1))) : Optional.empty();
            }
        }
    }

    public Map<String, JsonNode> list(Connection connection, String tenant) throws SQLException {
        Map<String, JsonNode> mappings = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT name, mapping FROM import_mapping WHERE tenant = ? ORDER BY name")) {
            select.setString(1, tenant);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    mappings.put(rows.getString(1), Json.parseTrusted(rows.getString(2)));
                }
            }
        }
        return mappings;
    }

    public boolean delete(Connection connection, String tenant, String name) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM import_mapping WHERE tenant = ? AND name = ?")) {
            delete.setString(1, tenant);
            delete.setString(2, name);
            return delete.executeUpdate() > 0;
        }
    }
}
