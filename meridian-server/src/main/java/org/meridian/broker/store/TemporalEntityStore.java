package org.meridian.broker.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import org.meridian.core.json.Json;
import org.meridian.core.ngsild.Entity;

/**
 * Entities the temporal API knows beyond the entity table: deleted ones, whose history stays readable, and ones
 * whose history was written through POST /temporal/entities only.
 */
public final class TemporalEntityStore {

    /** The entity without attributes, for rendering its history; empty when unknown. */
    public Optional<Entity> find(Connection connection, String tenant, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id, types, scopes, created_at, modified_at, '{}' AS attrs FROM temporal_entity WHERE tenant = ? AND id = ?")) {
            select.setString(1, tenant);
            select.setString(2, id);
            List<Entity> found = EntityStore.readEntities(select);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
        }
    }

    /** Remembers entities that were deleted, so their history keeps a type to be found and rendered by. */
    public void rememberDeleted(Connection connection, String tenant, List<Entity> deleted) throws SQLException {
        if (deleted.isEmpty()) {
            return;
        }
        var rows = Json.mapper().createArrayNode();
        for (Entity entity : deleted) {
            var row = rows.addObject();
            row.put("id", entity.id());
            entity.types().forEach(row.withArray("types")::add);
            entity.scopes().forEach(row.withArray("scopes")::add);
            row.put("created_at", entity.createdAt().toString());
        }
        try (PreparedStatement upsert = connection.prepareStatement(
                "INSERT INTO temporal_entity (tenant, id, types, scopes, created_at, modified_at, deleted_at) "
                        + "SELECT ?, r.id, r.types, coalesce(r.scopes, '{}'), r.created_at, now(), now() "
                        + "FROM jsonb_to_recordset(?::jsonb) AS r(id text, types text[], scopes text[], created_at timestamptz) "
                        + "ON CONFLICT (tenant, id) DO UPDATE SET types = excluded.types, scopes = excluded.scopes, "
                        + "modified_at = excluded.modified_at, deleted_at = excluded.deleted_at")) {
            upsert.setString(1, tenant);
            upsert.setString(2, Json.write(rows));
            upsert.executeUpdate();
        }
    }

    /** Creates the temporal entity, or adds types to it; returns true when it was created. */
    public boolean save(Connection connection, String tenant, Entity entity) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(
                "INSERT INTO temporal_entity AS t (tenant, id, types, scopes, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (tenant, id) DO UPDATE SET modified_at = excluded.modified_at, "
                        + "types = ARRAY(SELECT DISTINCT unnest(t.types || excluded.types)) RETURNING (xmax = 0)")) {
            upsert.setString(1, tenant);
            upsert.setString(2, entity.id());
            upsert.setArray(3, connection.createArrayOf("text", entity.types().toArray()));
            upsert.setArray(4, connection.createArrayOf("text", entity.scopes().toArray()));
            upsert.setTimestamp(5, Timestamp.from(entity.createdAt()));
            upsert.setTimestamp(6, Timestamp.from(entity.modifiedAt()));
            try (var rows = upsert.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    public boolean delete(Connection connection, String tenant, String id) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM temporal_entity WHERE tenant = ? AND id = ?")) {
            delete.setString(1, tenant);
            delete.setString(2, id);
            return delete.executeUpdate() > 0;
        }
    }
}
