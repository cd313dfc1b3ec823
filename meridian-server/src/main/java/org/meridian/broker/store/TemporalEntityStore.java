package org.meridian.broker.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.meridian.core.json.Json;
import org.meridian.core.ngsild.DateTimes;
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
            row.set("attrs", entity.attributes());
            row.put("location_box", EntityStore.locationBox(entity.attributes()));
        }
        try (PreparedStatement upsert = connection.prepareStatement(
                "INSERT INTO temporal_entity (tenant, id, types, scopes, created_at, modified_at, deleted_at, attrs, location_box) "
                        + "SELECT ?, r.id, r.types, coalesce(r.scopes, '{}'), r.created_at, now(), now(), r.attrs, r.location_box "
                        + "FROM jsonb_to_recordset(?::jsonb) AS r(id text, types text[], scopes text[], created_at timestamptz, "
                        + "attrs jsonb, location_box box) "
                        + "ON CONFLICT (tenant, id) DO UPDATE SET types = excluded.types, scopes = excluded.scopes, "
                        + "modified_at = excluded.modified_at, deleted_at = excluded.deleted_at, attrs = excluded.attrs, "
                        + "location_box = excluded.location_box")) {
            upsert.setString(1, tenant);
            upsert.setString(2, Json.write(rows));
            upsert.executeUpdate();
        }
    }

    /**
     * Creates the temporal entity, or adds types to it, and keeps the latest of the given instances as its state;
     * returns true when it was created.
     */
    public boolean save(Connection connection, String tenant, Entity entity) throws SQLException {
        ObjectNode state = latest(stateOf(connection, tenant, entity.id()), entity.attributes());
        try (PreparedStatement upsert = connection.prepareStatement(
                "INSERT INTO temporal_entity AS t (tenant, id, types, scopes, created_at, modified_at, attrs, location_box) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?::box) "
                        + "ON CONFLICT (tenant, id) DO UPDATE SET modified_at = excluded.modified_at, attrs = excluded.attrs, "
                        + "location_box = excluded.location_box, "
                        + "types = ARRAY(SELECT DISTINCT unnest(t.types || excluded.types)) RETURNING (xmax = 0)")) {
            upsert.setString(1, tenant);
            upsert.setString(2, entity.id());
            upsert.setArray(3, connection.createArrayOf("text", entity.types().toArray()));
            upsert.setArray(4, connection.createArrayOf("text", entity.scopes().toArray()));
            upsert.setTimestamp(5, Timestamp.from(entity.createdAt()));
            upsert.setTimestamp(6, Timestamp.from(entity.modifiedAt()));
            upsert.setString(7, Json.write(state));
            upsert.setString(8, EntityStore.locationBox(state));
            try (var rows = upsert.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    /** Adds instances to the state of an entity known only to the temporal API (nothing for a live entity). */
    public void addToState(Connection connection, String tenant, String id, ObjectNode attributes) throws SQLException {
        ObjectNode stored = stateOf(connection, tenant, id);
        if (stored == null) {
            return;
        }
        ObjectNode state = latest(stored, attributes);
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE temporal_entity SET attrs = ?::jsonb, location_box = ?::box WHERE tenant = ? AND id = ?")) {
            update.setString(1, Json.write(state));
            update.setString(2, EntityStore.locationBox(state));
            update.setString(3, tenant);
            update.setString(4, id);
            update.executeUpdate();
        }
    }

    /** The stored state, locked for the update that follows; null when the entity is not a temporal one. */
    private static ObjectNode stateOf(Connection connection, String tenant, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT attrs FROM temporal_entity WHERE tenant = ? AND id = ? FOR UPDATE")) {
            select.setString(1, tenant);
            select.setString(2, id);
            try (var rows = select.executeQuery()) {
                return rows.next() ? (ObjectNode) Json.parseTrusted(rows.getString(1)) : null;
            }
        }
    }

    /** The state with each given instance in place of the stored one of its datasetId, when it is not older. */
    static ObjectNode latest(ObjectNode stored, ObjectNode attributes) {
        ObjectNode state = stored == null ? Json.mapper().createObjectNode() : stored;
        for (var attribute : attributes.properties()) {
            ArrayNode kept = state.get(attribute.getKey()) instanceof ArrayNode array ? array : state.putArray(attribute.getKey());
            for (JsonNode instance : attribute.getValue()) {
                String datasetId = instance.path("datasetId").asText("");
                int at = -1;
                for (int i = 0; i < kept.size() && at < 0; i++) {
                    if (kept.get(i).path("datasetId").asText("").equals(datasetId)) {
                        at = i;
                    }
                }
                if (at < 0) {
                    kept.add(instance);
                } else if (!timeOf(instance).isBefore(timeOf(kept.get(at)))) {
                    kept.set(at, instance);
                }
            }
        }
        return state;
    }

    /** When an instance holds: its observedAt, else when it was written. */
    private static Instant timeOf(JsonNode instance) {
        for (String member : List.of("observedAt", "modifiedAt", "createdAt")) {
            if (instance.hasNonNull(member)) {
                Instant time = DateTimes.instantOrNull(instance.get(member).asText());
                return time == null ? Instant.EPOCH : time;
            }
        }
        return Instant.EPOCH;
    }

    public boolean delete(Connection connection, String tenant, String id) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM temporal_entity WHERE tenant = ? AND id = ?")) {
            delete.setString(1, tenant);
            delete.setString(2, id);
            return delete.executeUpdate() > 0;
        }
    }
}
