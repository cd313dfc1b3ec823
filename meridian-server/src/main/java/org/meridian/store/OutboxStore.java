package org.meridian.store;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.meridian.core.json.Json;
import org.meridian.core.ngsild.Entity;
import org.meridian.core.ngsild.EntityChange;

/** The transactional outbox: entity changes written with the change, read and removed by the dispatcher. */
public final class OutboxStore {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A change as read back from the outbox. */
    public record Event(long sequence, String tenant, EntityChange change) {
    }

    /**
     * Records the changes, unless the tenant has no subscription at all: then nobody can be notified, and skipping the
     * outbox keeps writes as fast as without it (measured: the outbox halves batch upsert throughput). A subscription
     * created concurrently with a change may miss that change, as NGSI-LD allows.
     */
    /** @return whether anything was written (only then is the dispatcher worth waking) */
    public boolean append(Connection connection, String tenant, List<EntityChange> changes) throws SQLException {
        if (changes.isEmpty() || !hasSubscriptions(connection, tenant)) {
            return false;
        }
        return appendChecked(connection, tenant, changes);
    }

    /** Records the changes; the caller has just checked that the tenant has subscriptions. */
    public boolean appendChecked(Connection connection, String tenant, List<EntityChange> changes) throws SQLException {
        if (changes.isEmpty()) {
            return false;
        }
        ArrayNode rows = NODES.arrayNode();
        for (EntityChange change : changes) {
            ObjectNode row = rows.addObject();
            row.put("entity_id", change.entity().id());
            row.put("change", change.kind().name().toLowerCase(Locale.ROOT));
            ArrayNode changed = row.putArray("changed");
            change.changedAttributes().forEach(changed::add);
            row.set("entity", entityDocument(change.entity()));
            if (!change.previous().isEmpty()) {
                row.set("previous", change.previous());
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO outbox (tenant, entity_id, change, changed, entity, previous) "
                        + "SELECT ?, r.entity_id, r.change, r.changed, r.entity, r.previous "
                        + "FROM jsonb_to_recordset(?::jsonb) AS r(entity_id text, change text, changed text[], entity jsonb, previous jsonb)")) {
            insert.setString(1, tenant);
            insert.setString(2, Json.write(rows));
            insert.executeUpdate();
        }
        return true;
    }

    public boolean hasSubscriptions(Connection connection, String tenant) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM subscription WHERE tenant = ?)")) {
            select.setString(1, tenant);
            try (ResultSet result = select.executeQuery()) {
                result.next();
                return result.getBoolean(1);
            }
        }
    }

    /** Claims the oldest events; rows stay locked (skipped by other nodes) until the transaction ends. */
    public List<Event> claim(Connection connection, int limit) throws SQLException {
        List<Event> events = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT seq, tenant, change, changed, entity, previous FROM outbox ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED")) {
            select.setInt(1, limit);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    EntityChange.Kind kind = EntityChange.Kind.valueOf(rows.getString("change").toUpperCase(Locale.ROOT));
                    Entity entity = fromDocument((ObjectNode) Json.parseTrusted(rows.getString("entity")));
                    String previous = rows.getString("previous");
                    events.add(new Event(rows.getLong("seq"), rows.getString("tenant"),
                            new EntityChange(kind, entity, Set.copyOf(EntityStore.strings(rows.getArray("changed"))),
                                    previous == null ? null : (ObjectNode) Json.parseTrusted(previous))));
                }
            }
        }
        return events;
    }

    public void delete(Connection connection, List<Long> sequences) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM outbox WHERE seq = ANY(?)")) {
            delete.setArray(1, connection.createArrayOf("bigint", sequences.toArray()));
            delete.executeUpdate();
        }
    }

    private static ObjectNode entityDocument(Entity entity) {
        ObjectNode document = NODES.objectNode();
        document.put("id", entity.id());
        ArrayNode types = document.putArray("types");
        entity.types().forEach(types::add);
        ArrayNode scopes = document.putArray("scopes");
        entity.scopes().forEach(scopes::add);
        document.put("createdAt", entity.createdAt().toString());
        document.put("modifiedAt", entity.modifiedAt().toString());
        document.set("attrs", entity.attributes());
        return document;
    }

    private static Entity fromDocument(ObjectNode document) {
        List<String> types = new ArrayList<>();
        document.path("types").forEach(type -> types.add(type.asText()));
        List<String> scopes = new ArrayList<>();
        document.path("scopes").forEach(scope -> scopes.add(scope.asText()));
        return new Entity(document.path("id").asText(), types, scopes, (ObjectNode) document.get("attrs"),
                java.time.Instant.parse(document.path("createdAt").asText()),
                java.time.Instant.parse(document.path("modifiedAt").asText()));
    }
}
