package org.meridian.broker.store;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.locationtech.jts.geom.Envelope;
import org.meridian.core.json.Json;
import org.meridian.core.ngsild.Entity;

/** Reads and writes entity rows. Callers own the transaction; every statement is parameterised. */
public final class EntityStore {
    static final String COLUMNS = "id, types, scopes, created_at, modified_at, attrs";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Rows as JSON for jsonb_to_recordset: one round trip writes a whole batch and says which rows it wrote. */
    private static final String RECORDSET = "jsonb_to_recordset(?::jsonb) AS r(id text, types text[], scopes text[], "
            + "created_at timestamptz, modified_at timestamptz, attrs jsonb, location_box box)";

    public Optional<Entity> find(Connection connection, String tenant, String id, boolean forUpdate) throws SQLException {
        List<Entity> found = findAll(connection, tenant, List.of(id), forUpdate);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
    }

    /** Loads entities by id, ordered by id (a stable lock order avoids deadlocks between concurrent batches). */
    public List<Entity> findAll(Connection connection, String tenant, Collection<String> ids, boolean forUpdate)
            throws SQLException {
        String sql = "SELECT " + COLUMNS + " FROM entity WHERE tenant = ? AND id = ANY(?) ORDER BY id"
                + (forUpdate ? " FOR UPDATE" : "");
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, tenant);
            select.setArray(2, connection.createArrayOf("text", ids.toArray()));
            return readEntities(select);
        }
    }

    /** Inserts entities that do not exist yet; returns the ids actually inserted. */
    public Set<String> insertNew(Connection connection, String tenant, List<Entity> entities) throws SQLException {
        String sql = "INSERT INTO entity (tenant, id, types, scopes, created_at, modified_at, attrs, location_box) "
                + "SELECT ?, r.id, r.types, r.scopes, r.created_at, r.modified_at, r.attrs, r.location_box FROM " + RECORDSET
                + " ON CONFLICT (tenant, id) DO NOTHING RETURNING id";
        return writeReturningIds(connection, sql, tenant, entities);
    }

    /** Writes entities whole, inserting or replacing rows. */
    public Set<String> upsert(Connection connection, String tenant, List<Entity> entities) throws SQLException {
        String sql = "INSERT INTO entity (tenant, id, types, scopes, created_at, modified_at, attrs, location_box) "
                + "SELECT ?, r.id, r.types, r.scopes, r.created_at, r.modified_at, r.attrs, r.location_box FROM " + RECORDSET
                + " ON CONFLICT (tenant, id) DO UPDATE SET types = excluded.types, scopes = excluded.scopes, "
                + "modified_at = excluded.modified_at, attrs = excluded.attrs, location_box = excluded.location_box RETURNING id";
        return writeReturningIds(connection, sql, tenant, entities);
    }

    private Set<String> writeReturningIds(Connection connection, String sql, String tenant, List<Entity> entities)
            throws SQLException {
        if (entities.isEmpty()) {
            return Set.of();
        }
        ArrayNode rows = NODES.arrayNode();
        for (Entity entity : entities) {
            rows.add(row(entity));
        }
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, tenant);
            statement.setString(2, Json.write(rows));
            Set<String> written = new LinkedHashSet<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    written.add(result.getString(1));
                }
            }
            return written;
        }
    }

    private static ObjectNode row(Entity entity) {
        ObjectNode row = NODES.objectNode();
        row.put("id", entity.id());
        ArrayNode types = row.putArray("types");
        entity.types().forEach(types::add);
        ArrayNode scopes = row.putArray("scopes");
        entity.scopes().forEach(scopes::add);
        row.put("created_at", org.meridian.core.ngsild.DateTimes.formatUtc(entity.createdAt()));
        row.put("modified_at", org.meridian.core.ngsild.DateTimes.formatUtc(entity.modifiedAt()));
        row.set("attrs", entity.attributes());
        String box = locationBox(entity.attributes());
        if (box != null) {
            row.put("location_box", box);
        }
        return row;
    }

    /** The bounding box of the entity's location GeoProperty, as PostgreSQL box text, or null. */
    static String locationBox(ObjectNode attributes) {
        Envelope envelope = Entity.locationEnvelope(attributes);
        if (envelope == null) {
            return null;
        }
        return "(" + envelope.getMaxX() + "," + envelope.getMaxY() + "),(" + envelope.getMinX() + "," + envelope.getMinY() + ")";
    }

    public boolean delete(Connection connection, String tenant, String id) throws SQLException {
        return !deleteAll(connection, tenant, List.of(id)).isEmpty();
    }

    public Set<String> deleteAll(Connection connection, String tenant, Collection<String> ids) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM entity WHERE tenant = ? AND id = ANY(?) RETURNING id")) {
            delete.setString(1, tenant);
            delete.setArray(2, connection.createArrayOf("text", ids.toArray()));
            Set<String> deleted = new LinkedHashSet<>();
            try (ResultSet rows = delete.executeQuery()) {
                while (rows.next()) {
                    deleted.add(rows.getString(1));
                }
            }
            return deleted;
        }
    }

    static List<Entity> readEntities(PreparedStatement select) throws SQLException {
        List<Entity> entities = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                entities.add(readEntity(rows));
            }
        }
        return entities;
    }

    static Entity readEntity(ResultSet row) throws SQLException {
        return new Entity(
                row.getString("id"),
                strings(row.getArray("types")),
                strings(row.getArray("scopes")),
                (ObjectNode) Json.parseTrusted(row.getString("attrs")),
                row.getTimestamp("created_at").toInstant(),
                row.getTimestamp("modified_at").toInstant());
    }

    static List<String> strings(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        return Arrays.asList((String[]) array.getArray());
    }
}
