package org.meridian.broker.store;

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

/**
 * The transactional outbox of entity changes. Notifications no longer pass through it (writes queue them directly,
 * see {@code SubscriptionMatcher}); events an earlier version left here are matched once after an upgrade. It remains
 * the place for future consumers of changes (rules, a relay to Kafka) to be fed in the transaction of the change.
 */
public final class OutboxStore {
    /** A change as read back from the outbox. */
    public record Event(long sequence, String tenant, EntityChange change) {
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
