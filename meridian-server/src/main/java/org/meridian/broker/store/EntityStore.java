package org.meridian.broker.store;

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

    /**
     * Rows sent as one array per column: one round trip writes a whole batch and says which rows it wrote. Against a
     * JSON document of rows ({@code jsonb_to_recordset}), which PostgreSQL parses whole and then converts field by
     * field, it takes a fifth less of PostgreSQL's time per row, measured alone (docs/performance.md, "Rules", seventh
     * session). A row's types and scopes travel as array literals, its box as text: arrays of arrays must be
     * rectangular, and box arrays are delimited by ';'.
     */
    private static final String ROWS = "unnest(?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[], "
            + "?::jsonb[], ?::text[]) AS r(id, types, scopes, created_at, modified_at, attrs, location_box)";
    private static final String ROW_VALUES = "r.id, r.types::text[], r.scopes::text[], r.created_at, r.modified_at, r.attrs, "
            + "r.location_box::box";

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
                + "SELECT ?, " + ROW_VALUES + " FROM " + ROWS + " ON CONFLICT (tenant, id) DO NOTHING RETURNING id";
        return writeReturningIds(connection, sql, tenant, entities);
    }

    /** Writes entities whole, inserting or replacing rows. */
    public Set<String> upsert(Connection connection, String tenant, List<Entity> entities) throws SQLException {
        String sql = "INSERT INTO entity (tenant, id, types, scopes, created_at, modified_at, attrs, location_box) "
                + "SELECT ?, " + ROW_VALUES + " FROM " + ROWS
                + " ON CONFLICT (tenant, id) DO UPDATE SET types = excluded.types, scopes = excluded.scopes, "
                + "modified_at = excluded.modified_at, attrs = excluded.attrs, location_box = excluded.location_box RETURNING id";
        return writeReturningIds(connection, sql, tenant, entities);
    }

    private Set<String> writeReturningIds(Connection connection, String sql, String tenant, List<Entity> entities)
            throws SQLException {
        if (entities.isEmpty()) {
            return Set.of();
        }
        int size = entities.size();
        String[] ids = new String[size];
        String[] types = new String[size];
        String[] scopes = new String[size];
        String[] createdAt = new String[size];
        String[] modifiedAt = new String[size];
        String[] attributes = new String[size];
        String[] boxes = new String[size];
        for (int i = 0; i < size; i++) {
            Entity entity = entities.get(i);
            ids[i] = entity.id();
            types[i] = arrayLiteral(entity.types());
            scopes[i] = arrayLiteral(entity.scopes());
            createdAt[i] = org.meridian.core.ngsild.DateTimes.formatUtc(entity.createdAt());
            modifiedAt[i] = org.meridian.core.ngsild.DateTimes.formatUtc(entity.modifiedAt());
            attributes[i] = Json.write(entity.attributes());
            boxes[i] = locationBox(entity.attributes());
        }
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, tenant);
            Object[][] columns = {ids, types, scopes, createdAt, modifiedAt, attributes, boxes};
            for (int column = 0; column < columns.length; column++) {
                statement.setArray(column + 2, connection.createArrayOf("text", columns[column]));
            }
            Set<String> written = new LinkedHashSet<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    written.add(result.getString(1));
                }
            }
            return written;
        }
    }

    /** A PostgreSQL array literal of the texts, each quoted, so no text can end an element or the array. */
    private static String arrayLiteral(List<String> texts) {
        StringBuilder literal = new StringBuilder("{");
        for (String text : texts) {
            if (literal.length() > 1) {
                literal.append(',');
            }
            literal.append('"');
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '"' || c == '\\') {
                    literal.append('\\');
                }
                literal.append(c);
            }
            literal.append('"');
        }
        return literal.append('}').toString();
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
